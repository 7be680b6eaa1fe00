/**
 * `${NAME}` (environment variable), `${file:path}` (file contents, one trailing newline
 * trimmed: the Docker/Kubernetes secret convention) and `$${...}` (a literal `${...}`). Applied to
 * one string scalar at a time, after YAML parsing, so a substituted value is always just text:
 * it can neither inject YAML structure nor shift the line numbers of later problems.
 */
export type SecretRead = { ok: true; text: string } | { ok: false; message: string };

export interface SubstitutionContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Contents of `${file:...}` targets, read beforehand and keyed by the path as written. */
  secrets: ReadonlyMap<string, SecretRead>;
}

export interface SubstitutionProblem {
  /** Offset of the placeholder inside the string, and the placeholder as written. */
  index: number;
  token: string;
  message: string;
}

export interface SubstitutionResult {
  text: string;
  /** True when an env var or file was inserted: the value may be a secret. */
  substituted: boolean;
  problems: SubstitutionProblem[];
}

const placeholderPattern = /\$\$\{([^}]*)\}|\$\{([^}]*)\}|\$\{/g;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const filePrefix = 'file:';

/** True when the string contains anything `substitute` would act on. */
export function hasPlaceholder(text: string): boolean {
  return text.includes('${');
}

/** The paths named by `${file:...}` placeholders, as written. */
export function fileReferences(text: string): string[] {
  const paths: string[] = [];
  for (const match of text.matchAll(placeholderPattern)) {
    const body = match[2];
    if (body?.startsWith(filePrefix) === true && body.length > filePrefix.length) paths.push(body.slice(filePrefix.length));
  }
  return paths;
}

/** Replaces every placeholder in `text`; unresolvable ones are reported and left as written. */
export function substitute(text: string, context: SubstitutionContext): SubstitutionResult {
  const problems: SubstitutionProblem[] = [];
  let substituted = false;
  const out = text.replace(placeholderPattern, (token: string, escaped: string | undefined, body: string | undefined, index: number) => {
    if (escaped !== undefined) return `\${${escaped}}`;
    const resolved = body === undefined ? { message: `unterminated '\${' (write $\${ for a literal)` } : resolve(body, context);
    if ('message' in resolved) {
      problems.push({ index, token, message: resolved.message });
      return token;
    }
    substituted = true;
    return resolved.text;
  });
  return { text: out, substituted, problems };
}

function resolve(body: string, context: SubstitutionContext): { text: string } | { message: string } {
  if (body.startsWith(filePrefix)) {
    const filePath = body.slice(filePrefix.length);
    if (filePath === '') return { message: `'\${file:}' needs a file path` };
    const read = context.secrets.get(filePath);
    if (read === undefined) return { message: `file '${filePath}' was not read` };
    return read.ok ? { text: read.text } : { message: read.message };
  }
  if (!envNamePattern.test(body)) {
    return { message: `'\${${body}}' is not a valid placeholder: use \${NAME}, \${file:path} or $\${...} for a literal` };
  }
  const value = context.env[body];
  return value === undefined ? { message: `environment variable ${body} is not set` } : { text: value };
}

/** Secret files end with a newline more often than not; the value never should. */
export function trimOneTrailingNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
