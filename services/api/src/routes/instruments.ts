import { certificateUsage } from '@pi-egress/core';
import { INSTRUMENT_KINDS, type Instrument, instrumentSchema, instrumentView, validateInstrument, yearOf } from '@pi-egress/domain';
import { z } from 'zod';
import { cleanIdentifier, yearQuery } from '../params.js';
import { type DeclaredScopeKind, declaredScopePlugin, scopeView } from './declared-scopes.js';
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

const instrumentFilter = z.strictObject({ kind: z.enum(INSTRUMENT_KINDS).optional(), processorId: cleanIdentifier().optional() });

const instruments: DeclaredScopeKind<'instrument', Instrument, typeof instrumentFilter> = {
  noun: 'instrument',
  rules: { schema: instrumentSchema, validate: validateInstrument, view: instrumentView },
  answer: instrumentAnswer,
  declare: {
    summary: 'Declare an instrument (certificate, standard contract, assessment approval), or a new version of it',
    description:
      'The body names its `kind`; versions work as for certificates (`effectiveFrom`, back-dating re-judges). An id keeps its kind and ' +
      'processor. The instrumentId must match the path; an invalid declaration answers 400 with one line per problem in details.',
  },
  list: {
    summary: 'List instruments',
    description: 'Every declared instrument, by id; only those of `kind` and of `processorId` when given.',
    querystring: instrumentFilter,
    load: (ctx, filter) => ctx.store.scopes.listInstruments(filter),
  },
  read: { summary: 'Read an instrument', description: 'The declared scope of one instrument as it stands; 404 when none is declared.' },
  find: (ctx, id) => ctx.store.scopes.instrument(id),
  views: [
    scopeView({
      name: 'usage',
      tags: ['usage', 'instruments'],
      summary: 'Counts of an instrument against its caps',
      description:
        'Distinct individuals per class this year under the instrument, with caps (declared, or the ceilings for a standard contract), ' +
        'utilisation and forecast; an assessment approval declaring no caps shows counts only.',
      querystring: yearQuery,
      answer: usageReport,
      load: async (ctx, id, query) => {
        const instrument = await ctx.store.scopes.instrument(id);
        return instrument && certificateUsage(ctx, instrument, query.year ?? yearOf(ctx.now()));
      },
    }),
  ],
};

/**
 * Instruments of the three pathways (SPEC §4, §6): certificates, standard-contract filings and
 * security-assessment approvals, declared and versioned alike. Certificates are the instruments
 * of kind `certification` and keep their own routes too.
 */
export const instrumentRoutes = declaredScopePlugin(instruments);
