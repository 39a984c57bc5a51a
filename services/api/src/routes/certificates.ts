import { declareCertificate, putProcessorSettings } from '@pi-egress/core';
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
      schema: {
        tags: ['certificates'],
        summary: 'Declare a certificate scope, or a new version of it',
        description:
          'Adds a version effective from `effectiveFrom` (default: now; a first declaration applies from the start). ' +
          'Transfers are judged against the version in force when they occurred; a back-dated version re-judges the ones it now governs, ' +
          'and a first declaration judges the transfers that cited the certificate before it was declared.',
        params: idParams,
        body: certificateSchema,
      },
    },
    async (request, reply) => {
      // The body already passed the schema; this adds the rules that need the path (id must match).
      const result = validateCertificate(request.body, request.params.id);
      const declared = result.ok ? await declareCertificate(ctx, result.certificate) : result;
      const errors = result.ok ? (declared.ok ? [] : (declared as { errors: string[] }).errors) : result.errors;
      if (!declared.ok || errors.length > 0) {
        return reply.code(400).send({ error: 'invalid_certificate', message: errors.join('; '), reasons: errors });
      }
      request.audit = { detail: declared.notes };
      return declared.value.certificate;
    },
  );

  app.get(
    '/v1/certificates/:id/versions',
    { onRequest: viewer, schema: { tags: ['certificates'], summary: 'The scope versions of a certificate with their effectiveFrom', params: idParams } },
    async (request, reply) => {
      const versions = await ctx.store.scopes.certificateVersions(request.params.id);
      if (versions.length === 0) return reply.code(404).send({ error: 'not_found', message: `no certificate ${request.params.id}` });
      return {
        certificateId: request.params.id,
        versions: versions.map((v) => ({ effectiveFrom: v.effectiveFrom.toISOString(), declaredAt: v.declaredAt.toISOString(), scope: v.certificate })),
      };
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
      const { rebuiltGroups } = await putProcessorSettings(ctx, settings);
      if (rebuiltGroups.length > 0) request.audit = { detail: { rebuiltGroups } };
      return settings;
    },
  );
};
