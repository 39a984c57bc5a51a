import { certificateUsage, declareInstrument } from '@pi-egress/core';
import { INSTRUMENT_KINDS, instrumentSchema, instrumentView, validateInstrument, yearOf } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import type { ApiOptions } from '../options.js';
import { cleanIdentifier, idParams, refuseOddText, yearQuery } from '../params.js';
import { responses } from '../responses.js';
import { usageReport } from './usage.js';

/** The declared scope as stored (the request body with its defaults filled in). */
const instrumentAnswer = z
  .looseObject({
    kind: z.enum(INSTRUMENT_KINDS),
    instrumentId: z.string(),
    processorId: z.string(),
    validFrom: z.string(),
    validTo: z.string().optional(),
    status: z.string(),
    limits: z.object({ nonSensitive: z.int(), sensitive: z.int() }).optional(),
  })
  .describe('The instrument, as in the PUT body with defaults filled in');

const notFound = () => new ApiError(404, 'not_found', 'no instrument with this id');

/**
 * Instruments of the three pathways (SPEC §4, §6): certificates, standard-contract filings and
 * security-assessment approvals, declared and versioned alike. Certificates are the instruments
 * of kind `certification` and keep their own routes too.
 */
export const instrumentRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens, maxBodyBytes }) => {
  const admin = requireRole(tokens, 'admin');
  const viewer = requireRole(tokens, 'viewer');

  app.put(
    '/v1/instruments/:id',
    {
      onRequest: admin,
      preValidation: refuseOddText,
      bodyLimit: maxBodyBytes,
      schema: {
        tags: ['instruments'],
        summary: 'Declare an instrument (certificate, standard contract, assessment approval), or a new version of it',
        description:
          'The body names its `kind`; versions work as for certificates (`effectiveFrom`, back-dating re-judges). An id keeps its kind and ' +
          'processor. The instrumentId must match the path; an invalid declaration answers 400 with one line per problem in details.',
        params: idParams,
        body: instrumentSchema,
        response: responses({ 200: instrumentAnswer }, 413, 415),
      },
    },
    async (request) => {
      const result = validateInstrument(request.body, request.params.id);
      const declared = result.ok ? await declareInstrument(ctx, result.instrument) : result;
      if (!declared.ok) throw new ApiError(400, 'invalid_instrument', declared.errors.join('; '), declared.errors);
      request.audit = { detail: declared.notes };
      return instrumentView(declared.value.certificate);
    },
  );

  app.get(
    '/v1/instruments',
    {
      onRequest: viewer,
      schema: {
        tags: ['instruments'],
        summary: 'List instruments',
        description: 'Every declared instrument, by id; only those of `kind` and of `processorId` when given.',
        querystring: z.strictObject({ kind: z.enum(INSTRUMENT_KINDS).optional(), processorId: cleanIdentifier().optional() }),
        response: responses({ 200: z.object({ instruments: z.array(instrumentAnswer) }) }),
      },
    },
    async (request) => ({ instruments: (await ctx.store.scopes.listInstruments(request.query)).map(instrumentView) }),
  );

  app.get(
    '/v1/instruments/:id',
    {
      onRequest: viewer,
      schema: {
        tags: ['instruments'],
        summary: 'Read an instrument',
        description: 'The declared scope of one instrument as it stands; 404 when none is declared.',
        params: idParams,
        response: responses({ 200: instrumentAnswer }, 404),
      },
    },
    async (request) => {
      const instrument = await ctx.store.scopes.instrument(request.params.id);
      if (!instrument) throw notFound();
      return instrumentView(instrument);
    },
  );

  app.get(
    '/v1/instruments/:id/usage',
    {
      onRequest: viewer,
      schema: {
        tags: ['usage', 'instruments'],
        summary: 'Counts of an instrument against its caps',
        description:
          'Distinct individuals per class this year under the instrument, with caps (declared, or the ceilings for a standard contract), ' +
          'utilisation and forecast; an assessment approval declaring no caps shows counts only.',
        params: idParams,
        querystring: yearQuery,
        response: responses({ 200: usageReport }, 404),
      },
    },
    async (request) => {
      const instrument = await ctx.store.scopes.instrument(request.params.id);
      if (!instrument) throw notFound();
      return certificateUsage(ctx, instrument, request.query.year ?? yearOf(ctx.now()));
    },
  );
};
