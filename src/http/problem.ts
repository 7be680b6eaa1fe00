/**
 * One error handler for the whole API: every error leaves as application/problem+json
 * (RFC 9457) with a status, a sentence a person can act on, the request id, and for bad input
 * the list of fields at fault.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, RateLimitedError, type DomainErrorCode, type FieldProblem } from '../core/errors.js';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  request_id: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

const statusByCode: Record<DomainErrorCode, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  read_only: 409,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  unavailable: 503,
};

const titleByStatus: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Problem type URIs are stable identifiers documented in docs/api.md. */
export const problemType = (slug: string) => `urn:sre-monitor:problem:${slug}`;

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  slug: string,
  detail: string,
  extra: Partial<ProblemDocument> = {},
): FastifyReply {
  const body: ProblemDocument = {
    type: problemType(slug),
    title: titleByStatus[status] ?? 'Error',
    status,
    detail,
    instance: request.url,
    request_id: request.id,
    ...extra,
  };
  return reply.code(status).type('application/problem+json').send(body);
}

/** Entries come from validator-compiler.ts: `instancePath` is already a field path like `links.repo`. */
interface FastifyValidationFailure {
  validation: Array<{ instancePath: string; message?: string }>;
  validationContext?: string;
}

function isValidationFailure(error: unknown): error is FastifyValidationFailure {
  return typeof error === 'object' && error !== null && Array.isArray((error as { validation?: unknown }).validation);
}

/** Maps Fastify's own client errors (body parsing, limits) to a slug and a clear sentence. */
function frameworkProblem(error: FastifyError, bodyLimitBytes: number): { status: number; slug: string; detail: string } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, slug: 'body-too-large', detail: `request body is larger than ${bodyLimitBytes} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, slug: 'unsupported-media-type', detail: 'request body must be application/json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, slug: 'invalid-json', detail: 'request body is empty; send a JSON document' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, slug: 'invalid-json', detail: `request body is not valid JSON: ${error.message}` };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, slug: 'invalid-content-length', detail: 'Content-Length does not match the body' };
    default:
      break;
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return { status: 400, slug: 'invalid-json', detail: `request body is not valid JSON: ${error.message}` };
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, slug: 'client-error', detail: error.message };
  }
  return undefined;
}

export function createErrorHandler(options: { bodyLimitBytes: number }) {
  return function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (isValidationFailure(error)) {
      const part = error.validationContext ?? 'body';
      const errors = error.validation.map((v) => ({ field: v.instancePath === '' ? part : v.instancePath, message: v.message ?? 'is invalid' }));
      const detail = errors.map((p) => `${p.field}: ${p.message}`).join('; ');
      return sendProblem(reply, request, 400, 'validation', `invalid ${part}: ${detail}`, { errors, in: part });
    }
    if (error instanceof DomainError) {
      const status = statusByCode[error.code];
      if (error instanceof RateLimitedError) void reply.header('retry-after', String(error.retryAfterSeconds));
      const extra = error.problems.length > 0 ? { errors: [...error.problems] } : {};
      return sendProblem(reply, request, status, error.code.replace('_', '-'), error.message, extra);
    }
    const known = frameworkProblem(error, options.bodyLimitBytes);
    if (known) return sendProblem(reply, request, known.status, known.slug, known.detail);
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 500, 'internal', 'the server failed to handle this request; the error is in its log under this request id');
  };
}
