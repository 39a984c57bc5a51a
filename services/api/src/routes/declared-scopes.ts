import { declareInstrument, type MonitorContext } from '@pi-egress/core';
import type { Instrument } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type ZodObject, type ZodType, z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import type { ApiOptions } from '../options.js';
import { idParams, refuseOddText } from '../params.js';
import { responses } from '../responses.js';

type ZodApp = Parameters<FastifyPluginAsyncZod<ApiOptions>>[0];

interface RouteDoc {
  summary: string;
  description: string;
}

/** One kind of declared scope (certificates, instruments): what its shared routes differ in. */
export interface DeclaredScopeKind<T extends Instrument, Query extends ZodObject> {
  /** The collection, e.g. `/v1/certificates`; one scope is `${path}/:id`. */
  path: string;
  /** `certificate` → error code `invalid_certificate`, "no certificate with this id". */
  noun: string;
  tags: string[];
  body: ZodType;
  /** The declared scope as the API shows it. */
  answer: ZodType;
  /** The body's rules that need the path (the id must match it). */
  validate(body: unknown, id: string): { ok: true; value: T } | { ok: false; errors: string[] };
  view(scope: T): unknown;
  declare: RouteDoc;
  list: RouteDoc & { querystring: Query; load(ctx: MonitorContext, query: z.output<Query>): Promise<T[]> };
  read: RouteDoc;
  find(ctx: MonitorContext, id: string): Promise<T | undefined>;
}

export const notFound = (noun: string) => new ApiError(404, 'not_found', `no ${noun} with this id`);

/**
 * The routes every kind of declared scope has: declare a version (PUT `path/:id`, admin), list
 * (GET `path`) and read one (GET `path/:id`, viewers).
 */
export function declaredScopeRoutes<T extends Instrument, Query extends ZodObject>(
  app: ZodApp,
  { ctx, tokens, maxBodyBytes }: ApiOptions,
  kind: DeclaredScopeKind<T, Query>,
): void {
  const viewer = requireRole(tokens, 'viewer');

  app.put(
    `${kind.path}/:id`,
    {
      onRequest: requireRole(tokens, 'admin'),
      preValidation: refuseOddText,
      bodyLimit: maxBodyBytes,
      schema: { tags: kind.tags, ...kind.declare, params: idParams, body: kind.body, response: responses({ 200: kind.answer }, 413, 415) },
    },
    async (request) => {
      // The body already passed the schema; this adds the rules that need the path (id must match).
      const result = kind.validate(request.body, request.params.id);
      const declared = result.ok ? await declareInstrument(ctx, result.value) : result;
      if (!declared.ok) throw new ApiError(400, `invalid_${kind.noun}`, declared.errors.join('; '), declared.errors);
      request.audit = { detail: declared.notes };
      return kind.view(declared.value.certificate);
    },
  );

  app.get(
    kind.path,
    {
      onRequest: viewer,
      schema: {
        tags: kind.tags,
        summary: kind.list.summary,
        description: kind.list.description,
        querystring: kind.list.querystring,
        response: responses({ 200: z.object({ [`${kind.noun}s`]: z.array(kind.answer) }) }),
      },
    },
    async (request) => ({ [`${kind.noun}s`]: (await kind.list.load(ctx, request.query as z.output<Query>)).map((scope) => kind.view(scope)) }),
  );

  app.get(
    `${kind.path}/:id`,
    {
      onRequest: viewer,
      schema: { tags: kind.tags, ...kind.read, params: idParams, response: responses({ 200: kind.answer }, 404) },
    },
    async (request) => {
      const scope = await kind.find(ctx, request.params.id);
      if (!scope) throw notFound(kind.noun);
      return kind.view(scope);
    },
  );
}
