/**
 * Request validation with TypeBox, reporting problems in the same words as the config loader
 * (`must be one of ...`, `unknown key 'x'`). Query strings and path parameters are converted
 * first (`?limit=50` is a number); bodies are taken as sent. Links must be http(s) URLs.
 */
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { formatPath } from '../core/validation/field-path.js';
import { asJsonSchema } from '../core/validation/json-schema.js';
import { translateSchemaErrors } from '../core/validation/schema-problems.js';

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  const jsonSchema = asJsonSchema(schema);
  return (input: unknown) => {
    const value = httpPart === 'body' ? input : Value.Convert(schema, input);
    const errors = validator.Check(value) ? [] : validator.Errors(value);
    const problems = translateSchemaErrors(jsonSchema, errors, value);
    if (problems.length === 0) return { value };
    const error: FastifySchemaValidationError[] = problems.map((problem) => ({
      keyword: 'field',
      instancePath: formatPath(problem.path),
      schemaPath: '',
      params: {},
      message: problem.message,
    }));
    return { error };
  };
};
