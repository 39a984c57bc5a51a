import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** JSON-pointer-ish instance path to the field name a user reads: /limits/nonSensitive → limits.nonSensitive. */
function fieldOf(instancePath: string): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return path === '' ? '(root)' : path;
}

/**
 * One error shape for the whole API: `{error, message, reasons?}`. Validation errors name the
 * field; internal errors are logged and answered without details.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const reasons = error.validation.map((issue) => `${fieldOf(issue.instancePath)}: ${issue.message}`);
    return reply.code(400).send({ error: 'invalid_request', message: reasons.join('; '), reasons });
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: 'internal_error', message: 'the request could not be completed' });
  }
  return reply.code(status).send({ error: error.code ?? 'bad_request', message: error.message });
}
