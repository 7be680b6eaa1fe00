/**
 * Typed domain errors. The HTTP layer maps `code` to a status and renders problem+json;
 * nothing below it knows about HTTP.
 */
export type DomainErrorCode =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'read_only'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable';

/** One problem with one field of an input, `field` as a dotted path like `services[2].criticality`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly retryable: boolean;
  readonly problems: readonly FieldProblem[];

  constructor(
    code: DomainErrorCode,
    message: string,
    options: { problems?: readonly FieldProblem[]; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.problems = options.problems ?? [];
  }
}

export class ValidationError extends DomainError {
  constructor(problems: readonly FieldProblem[], message?: string) {
    super('validation', message ?? problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends DomainError {
  constructor(kind: string, id: string) {
    super('not_found', `${kind} '${id}' does not exist`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, problems: readonly FieldProblem[] = []) {
    super('conflict', message, { problems });
    this.name = 'ConflictError';
  }
}

/** The object is owned by the config file; the API may read it but not change it. */
export class ReadOnlyError extends DomainError {
  constructor(message: string) {
    super('read_only', message);
    this.name = 'ReadOnlyError';
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'a valid API token is required (Authorization: Bearer <token>)') {
    super('unauthenticated', message);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', message, { retryable: true });
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
