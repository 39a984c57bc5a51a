import { putProcessorSettings } from '@pi-egress/core';
import { type Certificate, certificateSchema, certificateView, validateCertificate } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type ZodObject, z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiOptions } from '../options.js';
import { cleanIdentifier, idParams, refuseOddText } from '../params.js';
import { responses } from '../responses.js';
import { type DeclaredScopeKind, declaredScopeRoutes, scopeView } from './declared-scopes.js';

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

const certificates: DeclaredScopeKind<'certificate', Certificate, ZodObject> = {
  noun: 'certificate',
  rules: { schema: certificateSchema, validate: validateCertificate, view: certificateView },
  answer: certificateAnswer,
  declare: {
    summary: 'Declare a certificate scope, or a new version of it',
    description:
      'Adds a version effective from `effectiveFrom` (default: now; a first declaration applies from the start). ' +
      'Transfers are judged against the version in force when they occurred; a back-dated version re-judges the ones it now governs, ' +
      'and a first declaration judges the transfers that cited the certificate before it was declared. ' +
      'The certificateId must match the path; an invalid scope answers 400 with one line per problem in details.',
  },
  list: {
    summary: 'List certificates',
    description: 'Every declared certificate scope, by certificate id.',
    querystring: z.strictObject({}),
    load: (ctx) => ctx.store.scopes.listCertificates(),
  },
  read: { summary: 'Read a certificate scope', description: 'The declared scope of one certificate; 404 when none is declared.' },
  find: (ctx, id) => ctx.store.scopes.certificate(id),
  views: [
    scopeView({
      name: 'versions',
      tags: ['certificates'],
      summary: 'The scope versions of a certificate with their effectiveFrom',
      description: 'Every declared version of the scope, oldest first; 404 when none is declared.',
      answer: versionsAnswer,
      load: async (ctx, id) => {
        const versions = await ctx.store.scopes.certificateVersions(id);
        if (versions.length === 0) return undefined;
        return {
          certificateId: id,
          versions: versions.map((v) => ({
            effectiveFrom: v.effectiveFrom.toISOString(),
            declaredAt: v.declaredAt.toISOString(),
            scope: v.certificate,
          })),
        };
      },
    }),
  ],
};

/** Declared scopes (SPEC §4) and processor settings: admin writes, viewers read. */
export const certificateRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, options) => {
  const { ctx, tokens } = options;
  declaredScopeRoutes(app, options, certificates);

  app.put(
    '/v1/processors/:id',
    {
      onRequest: requireRole(tokens, 'admin'),
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
