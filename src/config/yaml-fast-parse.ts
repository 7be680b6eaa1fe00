/**
 * The fast way to read a config file: js-yaml, ~10x quicker than `yaml`'s document parser on a
 * 50,000-line file of 10,000 SLOs, with a schema that resolves plain scalars exactly as `yaml`'s
 * YAML 1.2 core schema does (the regular expressions below are `yaml`'s own). It keeps no
 * positions, so it only serves files that load cleanly: yaml-fast-source.ts falls back to the
 * positional parse (yaml-source.ts) whenever this one throws or meets anything the two could read
 * differently, and load-config.ts re-reads with positions whenever the config has a problem, so
 * every message still names file, line and column.
 */
import jsYaml from 'js-yaml';

// yaml 2.x, src/schema/common/null.ts, core/bool.ts, core/int.ts, core/float.ts.
const nullPattern = /^(?:~|[Nn]ull|NULL)?$/;
const boolPattern = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const intOctPattern = /^0o[0-7]+$/;
const intPattern = /^[-+]?[0-9]+$/;
const intHexPattern = /^0x[0-9a-fA-F]+$/;
const floatNaNPattern = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const floatExpPattern = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const floatPattern = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const isText = (data: unknown): data is string => typeof data === 'string';

function intValue(text: string): number {
  if (intOctPattern.test(text)) return parseInt(text.substring(2), 8);
  if (intHexPattern.test(text)) return parseInt(text.substring(2), 16);
  return parseInt(text, 10);
}

function floatValue(text: string): number {
  if (floatNaNPattern.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? NaN : text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return parseFloat(text);
}

const nullType = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data) => data === null || (isText(data) && nullPattern.test(data)),
  construct: () => null,
  predicate: (data) => data === null,
});
const boolType = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data) => isText(data) && boolPattern.test(data),
  construct: (data) => isText(data) && (data.startsWith('t') || data.startsWith('T')),
  predicate: (data) => typeof data === 'boolean',
});
const intType = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data) => isText(data) && (intOctPattern.test(data) || intPattern.test(data) || intHexPattern.test(data)),
  construct: (data) => intValue(String(data)),
  predicate: (data) => Number.isInteger(data),
});
const floatType = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data) => isText(data) && (floatNaNPattern.test(data) || floatExpPattern.test(data) || floatPattern.test(data)),
  construct: (data) => floatValue(String(data)),
  predicate: (data) => typeof data === 'number',
});

/** js-yaml's failsafe schema (str, seq, map) plus `yaml`'s core scalars, in `yaml`'s order: no merge keys, timestamps or binary. */
const coreSchema = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

/**
 * Text js-yaml might read differently from `yaml`, or that `yaml` would warn about: directives
 * (`%YAML 1.1`), explicit keys (`? `), and flow collections used as keys. Such files take the
 * positional parse.
 */
const differentlyReadText = [/^%/m, /^[ \t-]*\?(?:[ \t]|$)/m, /^[ \t-]*[[{][^\n]*[\]}][ \t]*:(?:[ \t]|$)/m, /[[{,][ \t]*[[{][^\n]*[\]}][ \t]*:/];

/**
 * The file's value, or undefined when this parse cannot vouch for giving what `yaml` gives:
 * a syntax error, more than one document, duplicate keys, an unknown tag (js-yaml throws on all
 * of those), or text listed above.
 */
export function parseYamlFast(text: string): { value: unknown } | undefined {
  if (differentlyReadText.some((pattern) => pattern.test(text))) return undefined;
  try {
    return { value: jsYaml.load(text, { schema: coreSchema }) };
  } catch {
    return undefined;
  }
}
