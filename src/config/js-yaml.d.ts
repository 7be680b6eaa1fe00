/**
 * The part of js-yaml's API the config loader uses (yaml-fast-parse.ts). js-yaml ships no types
 * and @types/js-yaml is not a dependency, so this declares just what src/config calls.
 */
declare module 'js-yaml' {
  interface TypeOptions {
    kind: 'scalar' | 'sequence' | 'mapping';
    resolve?: (data: unknown) => boolean;
    construct?: (data: unknown) => unknown;
    predicate?: (data: unknown) => boolean;
  }
  class Type {
    constructor(tag: string, options: TypeOptions);
  }
  class Schema {
    extend(types: { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  class YAMLException extends Error {}
  interface LoadOptions {
    filename?: string;
    schema?: Schema;
    json?: boolean;
  }
  const FAILSAFE_SCHEMA: Schema;
  function load(text: string, options?: LoadOptions): unknown;
  const jsYaml: { Type: typeof Type; FAILSAFE_SCHEMA: Schema; load: typeof load; YAMLException: typeof YAMLException };
  export default jsYaml;
}
