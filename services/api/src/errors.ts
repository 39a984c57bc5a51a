import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * The one error shape of the API: a stable machine-readable `error` code, a `message` for people
 * and, for invalid requests, `details` naming each field and what is wrong with it. Never a raw
 * framework code, never a fragment of the request body.
 */
export const errorSchema = z.object({
  error: z.string().describe('Stable error code, e.g. invalid_request, unauthorized, body_too_large'),
  message: z.string(),
  details: z.array(z.string()).optional().describe('One line per invalid field: `field: what is wrong`'),
});
export type ErrorBody = z.infer<typeof errorSchema>;

/** An error whose code and message are meant for the client (thrown by routes and hooks). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }

  get body(): ErrorBody {
    return { error: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/** Fastify's own errors (JSON bodies are parsed by json-body.ts, which answers its own), answered with a code and message of ours (theirs may quote the body). */
const FRAMEWORK_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'the content-type of the body is not accepted by this route'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', 'the body is larger than this route accepts'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_request', 'the content-length does not match the body'],
  FST_ERR_BAD_URL: [400, 'invalid_url', 'the URL is not valid (bad percent-encoding or not UTF-8)'],
  FST_ERR_MAX_PARAM_LENGTH: [400, 'invalid_url', 'a path parameter is too long'],
  FST_ERR_VALIDATION: [400, 'invalid_request', 'the request does not match the route schema'],
};

/** Generic code per status for any other client error. */
const BY_STATUS: Record<number, [code: string, message: string]> = {
  400: ['invalid_request', 'the request is not valid'],
  401: ['unauthorized', 'a valid bearer token is required'],
  403: ['forbidden', 'this token may not use this route'],
  404: ['not_found', 'no such resource'],
  405: ['method_not_allowed', 'this method is not allowed here'],
  413: ['body_too_large', 'the body is too large'],
  415: ['unsupported_media_type', 'the content-type of the body is not accepted by this route'],
  429: ['rate_limited', 'too many requests'],
};

/** Network failures on the way to the store (its engine restarting, a server gone): worth a retry. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

function isUnreachable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (UNREACHABLE_CODES.has(String((cause as NodeJS.ErrnoException).code))) return true;
  }
  return false;
}

/** JSON-pointer-ish instance path to the field name a user reads: /limits/nonSensitive → limits.nonSensitive. */
function fieldOf(instancePath: string): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return path === '' ? '(root)' : path;
}

/** What a thrown error becomes on the wire. */
export function errorAnswer(error: FastifyError | Error): { status: number; body: ErrorBody } {
  if (error instanceof ApiError) return { status: error.statusCode, body: error.body };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = error.validationContext && error.validationContext !== 'body' ? `${error.validationContext}.` : '';
    const details = error.validation.map((issue) => `${context}${fieldOf(issue.instancePath)}: ${issue.message}`);
    return { status: 400, body: { error: 'invalid_request', message: details.join('; '), details } };
  }
  const code = (error as FastifyError).code;
  const framework = code ? FRAMEWORK_ERRORS[code] : undefined;
  if (framework) return { status: framework[0], body: { error: framework[1], message: framework[2] } };
  const status = (error as FastifyError).statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const [genericCode, message] = BY_STATUS[status] ?? BY_STATUS[400]!;
    return { status: BY_STATUS[status] ? status : 400, body: { error: genericCode, message } };
  }
  if (isUnreachable(error))
    return { status: 503, body: { error: 'store_unavailable', message: 'the store is not reachable right now; retry later' } };
  return { status: 500, body: { error: 'internal_error', message: 'the request could not be completed' } };
}

/** The API's error handler: every error answered in {@link errorSchema}'s shape; server errors logged. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const { status, body } = errorAnswer(error);
  if (status >= 500) request.log.error({ err: error }, status === 503 ? 'store unreachable' : 'request failed');
  return reply.code(status).send(body);
}

/** Routes that do not exist: the same shape, without echoing the path. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send({ error: 'not_found', message: `no route ${request.method} with this path` });
}

/** Errors fastify raises before routing (a URL that does not decode). */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const { status, body } = errorAnswer(error);
  return reply.code(status).send(body);
}
