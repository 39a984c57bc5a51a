import { certificateSchema, identifier, validateCertificate } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiOptions } from '../options.js';

const idParams = z.object({ id: identifier() });

const processorSettingsBody = z.strictObject({
  groupId: identifier().optional(),
  countExempt: z.boolean().default(false),
  ciiOperator: z.boolean().default(false),
});

/** Declared scopes (SPEC §4) and processor settings: admin writes, viewers read. */
export const certificateRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens }) => {
  const admin = requireRole(tokens, 'admin');
  const viewer = requireRole(tokens, 'viewer');

  app.put(
    '/v1/certificates/:id',
    {
      onRequest: admin,
      schema: { tags: ['certificates'], summary: 'Declare or replace a certificate scope', params: idParams, body: certificateSchema },
    },
    async (request, reply) => {
      // The body already passed the schema; this adds the rules that need the path (id must match).
      const result = validateCertificate(request.body, request.params.id);
      if (!result.ok) {
        return reply.code(400).send({ error: 'invalid_certificate', message: result.errors.join('; '), reasons: result.errors });
      }
      await ctx.store.scopes.putCertificate(result.certificate);
      return result.certificate;
    },
  );

  app.get('/v1/certificates', { onRequest: viewer, schema: { tags: ['certificates'], summary: 'List certificates' } }, async () => ({
    certificates: await ctx.store.scopes.listCertificates(),
  }));

  app.get(
    '/v1/certificates/:id',
    { onRequest: viewer, schema: { tags: ['certificates'], summary: 'Read a certificate scope', params: idParams } },
    async (request, reply) => {
      const certificate = await ctx.store.scopes.certificate(request.params.id);
      if (!certificate) return reply.code(404).send({ error: 'not_found', message: `no certificate ${request.params.id}` });
      return certificate;
    },
  );

  app.put(
    '/v1/processors/:id',
    {
      onRequest: admin,
      schema: {
        tags: ['processors'],
        summary: 'Set a processor’s group, CII status and whether its exempt transfers count',
        params: idParams,
        body: processorSettingsBody,
      },
    },
    async (request) => {
      const settings = { processorId: request.params.id, ...request.body };
      await ctx.store.scopes.putProcessor(settings);
      return settings;
    },
  );
};
