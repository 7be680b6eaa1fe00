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
  interface Type {
    readonly tag: string;
  }
  interface Schema {
    extend(types: { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  interface LoadOptions {
    filename?: string;
    schema?: Schema;
    json?: boolean;
  }
  interface JsYaml {
    Type: new (tag: string, options: TypeOptions) => Type;
    FAILSAFE_SCHEMA: Schema;
    /** Throws a YAMLException on a syntax error, a duplicate key, an unknown tag or a second document. */
    load(text: string, options?: LoadOptions): unknown;
  }
  const jsYaml: JsYaml;
  export default jsYaml;
}
