import { certificateUsage, groupUsage, processorUsageWithInstruments } from '@pi-egress/core';
import { yearOf } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import type { ApiOptions } from '../options.js';
import { idParams, yearQuery } from '../params.js';
import { responses } from '../responses.js';

const classUsage = z.object({
  count: z.int().describe('Distinct individuals this calendar year (China time)'),
  cap: z.int().optional(),
  utilization: z.number().optional(),
  forecastCapDate: z.string().nullable().optional(),
});
export const usageReport = z.object({
  year: z.int(),
  asOf: z.string().describe('The instant the counts are exact at (RFC 3339)'),
  pathway: z.string().describe('Transfer pathway the processor count requires (SPEC §2)'),
  nonSensitive: classUsage,
  sensitive: classUsage,
});
const memberCount = z.object({ count: z.int() });
const processorReport = usageReport.extend({
  instruments: z
    .array(
      z.object({
        instrumentId: z.string(),
        kind: z.string(),
        status: z.string(),
        nonSensitive: classUsage,
        sensitive: classUsage,
        transfers: z.int(),
      }),
    )
    .describe("The processor's instruments of every kind, with their counts, caps and the counted transfers that used each"),
  transfers: z
    .array(z.object({ mechanism: z.string(), instrumentId: z.string().nullable(), channel: z.string(), transfers: z.int() }))
    .describe('Counted transfers per mechanism, cited instrument (null: none) and channel'),
});
const groupReport = usageReport.extend({
  groupId: z.string(),
  members: z.array(z.object({ processorId: z.string(), nonSensitive: memberCount, sensitive: memberCount })),
});

/** Distinct individuals per class since 1 January (China time) at the three counting levels. */
export const usageRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens }) => {
  const viewer = requireRole(tokens, 'viewer');
  const yearOfRequest = (year: number | undefined) => year ?? yearOf(ctx.now());

  app.get(
    '/v1/certificates/:id/usage',
    {
      onRequest: viewer,
      schema: {
        tags: ['usage'],
        summary: 'Counts of a certificate against its caps',
        description: 'Distinct individuals per class this year under the certificate, with caps, utilisation and forecast.',
        params: idParams,
        querystring: yearQuery,
        response: responses({ 200: usageReport }, 404),
      },
    },
    async (request) => {
      const certificate = await ctx.store.scopes.certificate(request.params.id);
      if (!certificate) throw new ApiError(404, 'not_found', 'no certificate with this id');
      return certificateUsage(ctx, certificate, yearOfRequest(request.query.year));
    },
  );

  app.get(
    '/v1/processors/:id/usage',
    {
      onRequest: viewer,
      schema: {
        tags: ['usage'],
        summary: 'Counts of a processor over all its counted transfers',
        description:
          'Distinct individuals per class this year at the processor level, the pathway they require, and per instrument its counts, caps and the counted transfers that used it.',
        params: idParams,
        querystring: yearQuery,
        response: responses({ 200: processorReport }),
      },
    },
    async (request) => processorUsageWithInstruments(ctx, request.params.id, yearOfRequest(request.query.year)),
  );

  app.get(
    '/v1/groups/:id/usage',
    {
      onRequest: viewer,
      schema: {
        tags: ['usage'],
        summary: 'Group totals (each person once) and members',
        description: 'Distinct individuals per class this year across the group (each person once) and per member processor.',
        params: idParams,
        querystring: yearQuery,
        response: responses({ 200: groupReport }),
      },
    },
    async (request) => groupUsage(ctx, request.params.id, yearOfRequest(request.query.year)),
  );
};
