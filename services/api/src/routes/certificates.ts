import { declareCertificate, putProcessorSettings } from '@pi-egress/core';
import { certificateSchema, certificateView, validateCertificate } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import type { ApiOptions } from '../options.js';
import { cleanIdentifier, idParams, refuseOddText } from '../params.js';
import { responses } from '../responses.js';

const processorSettingsBody = z.strictObject({
  groupId: cleanIdentifier().optional(),
  countExempt: z.boolean().default(false),
  ciiOperator: z.boolean().default(false),
});

/** The declared scope as stored (the request body with its defaults filled in). */
const certificateAnswer = z
  .looseObject({
    certificateId: z.string(),
    processorId: z.string(),
    groupId: z.string().optional(),
    validFrom: z.string(),
    validTo: z.string(),
    status: z.string(),
    limits: z.object({ nonSensitive: z.int(), sensitive: z.int() }),
  })
  .describe('The certificate scope, as in the PUT body with defaults filled in');

const versionsAnswer = z.object({
  certificateId: z.string(),
  versions: z.array(z.object({ effectiveFrom: z.string(), declaredAt: z.string(), scope: certificateAnswer })),
});

/** Declared scopes (SPEC §4) and processor settings: admin writes, viewers read. */
export const certificateRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens, maxBodyBytes }) => {
  const admin = requireRole(tokens, 'admin');
  const viewer = requireRole(tokens, 'viewer');

  app.put(
    '/v1/certificates/:id',
    {
      onRequest: admin,
      preValidation: refuseOddText,
      bodyLimit: maxBodyBytes,
      schema: {
        tags: ['certificates'],
        summary: 'Declare a certificate scope, or a new version of it',
        description:
          'Adds a version effective from `effectiveFrom` (default: now; a first declaration applies from the start). ' +
          'Transfers are judged against the version in force when they occurred; a back-dated version re-judges the ones it now governs, ' +
          'and a first declaration judges the transfers that cited the certificate before it was declared. ' +
          'The certificateId must match the path; an invalid scope answers 400 with one line per problem in details.',
        params: idParams,
        body: certificateSchema,
        response: responses({ 200: certificateAnswer }, 413, 415),
      },
    },
    async (request) => {
      // The body already passed the schema; this adds the rules that need the path (id must match).
      const result = validateCertificate(request.body, request.params.id);
      const declared = result.ok ? await declareCertificate(ctx, result.certificate) : result;
      const errors = result.ok ? (declared.ok ? [] : (declared as { errors: string[] }).errors) : result.errors;
      if (!declared.ok || errors.length > 0) throw new ApiError(400, 'invalid_certificate', errors.join('; '), errors);
      request.audit = { detail: declared.notes };
      return declared.value.certificate;
    },
  );

  app.get(
    '/v1/certificates/:id/versions',
    {
      onRequest: viewer,
      schema: {
        tags: ['certificates'],
        summary: 'The scope versions of a certificate with their effectiveFrom',
        description: 'Every declared version of the scope, oldest first; 404 when none is declared.',
        params: idParams,
        response: responses({ 200: versionsAnswer }, 404),
      },
    },
    async (request) => {
      const versions = await ctx.store.scopes.certificateVersions(request.params.id);
      if (versions.length === 0) throw new ApiError(404, 'not_found', 'no certificate with this id');
      return {
        certificateId: request.params.id,
        versions: versions.map((v) => ({
          effectiveFrom: v.effectiveFrom.toISOString(),
          declaredAt: v.declaredAt.toISOString(),
          scope: v.certificate,
        })),
      };
    },
  );

  app.get(
    '/v1/certificates',
    {
      onRequest: viewer,
      schema: {
        tags: ['certificates'],
        summary: 'List certificates',
        description: 'Every declared certificate scope, by certificate id.',
        querystring: z.strictObject({}),
        response: responses({ 200: z.object({ certificates: z.array(certificateAnswer) }) }),
      },
    },
    async () => ({ certificates: (await ctx.store.scopes.listCertificates()).map(certificateView) }),
  );

  app.get(
    '/v1/certificates/:id',
    {
      onRequest: viewer,
      schema: {
        tags: ['certificates'],
        summary: 'Read a certificate scope',
        description: 'The declared scope of one certificate; 404 when none is declared.',
        params: idParams,
        response: responses({ 200: certificateAnswer }, 404),
      },
    },
    async (request) => {
      const certificate = await ctx.store.scopes.certificate(request.params.id);
      if (!certificate) throw new ApiError(404, 'not_found', 'no certificate with this id');
      return certificateView(certificate);
    },
  );

  app.put(
    '/v1/processors/:id',
    {
      onRequest: admin,
      preValidation: refuseOddText,
      schema: {
        tags: ['processors'],
        summary: 'Set a processor’s group, CII status and whether its exempt transfers count',
        description: 'Processor settings that change the counting level and pathway; unset fields take their defaults.',
        params: idParams,
        body: processorSettingsBody,
        response: responses({ 200: processorSettingsBody.extend({ processorId: z.string() }) }, 413, 415),
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
