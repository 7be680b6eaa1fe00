/**
 * The parts of JSON Schema our schemas use, as a plain type, so the error translator and the
 * config docs generator can walk a TypeBox schema without its generic types.
 */
import type { PathSegment } from './field-path.js';

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** Views a TypeBox schema (which is JSON Schema at runtime) through `JsonSchema`. */
export function asJsonSchema(schema: object): JsonSchema {
  return schema;
}

/** The sub-schema that describes the value at `segments`, if the schema is that regular. */
export function schemaAt(schema: JsonSchema, segments: readonly PathSegment[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const segment of segments) {
    if (current === undefined) return undefined;
    current = typeof segment === 'number' ? current.items : current.properties?.[segment];
  }
  return current;
}
