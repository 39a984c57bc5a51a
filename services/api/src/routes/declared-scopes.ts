import { declareInstrument, type MonitorContext } from '@pi-egress/core';
import type { Instrument, Validation } from '@pi-egress/domain';
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

/** A view of one declared scope beside it (GET `/v1/<noun>s/:id/<name>`, viewers); see {@link scopeView}. */
export type ScopeView = (app: ZodApp, options: ApiOptions, noun: string) => void;

/** What the domain says of a kind: the PUT body's schema, its validation and how the API shows a scope. */
export interface ScopeRules<Noun extends string, T extends Instrument> {
  schema: ZodType;
  /** The scope under the kind's noun (`{ ok: true, certificate }`), or every problem; the id must match the path's. */
  validate(body: unknown, idFromPath: string): Validation<Noun, T>;
  view(scope: T): unknown;
}

/** One kind of declared scope (certificates, instruments): what its shared routes differ in. */
export interface DeclaredScopeKind<Noun extends string, T extends Instrument, Query extends ZodObject> {
  /**
   * `certificate`: the collection `/v1/certificates` (one scope is `/v1/certificates/:id`) and its
   * tag, the list's key `certificates`, error code `invalid_certificate`, "no certificate with this id".
   */
  noun: Noun;
  rules: ScopeRules<Noun, T>;
  /** The declared scope as the API shows it. */
  answer: ZodType;
  declare: RouteDoc;
  list: RouteDoc & { querystring: Query; load(ctx: MonitorContext, query: z.output<Query>): Promise<T[]> };
  read: RouteDoc;
  find(ctx: MonitorContext, id: string): Promise<T | undefined>;
  /** Views of one scope this kind has beyond the declared scope itself. */
  views?: ScopeView[];
}

const collection = (noun: string) => `/v1/${noun}s`;

export const notFound = (noun: string) => new ApiError(404, 'not_found', `no ${noun} with this id`);

/**
 * The routes of a kind of declared scope: those every kind has, declare a version (PUT
 * `/v1/<noun>s/:id`, admin), list (GET `/v1/<noun>s`) and read one (GET `/v1/<noun>s/:id`,
 * viewers), then the kind's own views.
 */
export function declaredScopeRoutes<Noun extends string, T extends Instrument, Query extends ZodObject>(
  app: ZodApp,
  options: ApiOptions,
  kind: DeclaredScopeKind<Noun, T, Query>,
): void {
  const { ctx, tokens, maxBodyBytes } = options;
  const plural = `${kind.noun}s`;
  const path = collection(kind.noun);
  const tags = [plural];
  const viewer = requireRole(tokens, 'viewer');

  app.put(
    `${path}/:id`,
    {
      onRequest: requireRole(tokens, 'admin'),
      preValidation: refuseOddText,
      bodyLimit: maxBodyBytes,
      schema: { tags, ...kind.declare, params: idParams, body: kind.rules.schema, response: responses({ 200: kind.answer }, 413, 415) },
    },
    async (request) => {
      // The body already passed the schema; this adds the rules that need the path (id must match).
      const result = kind.rules.validate(request.body, request.params.id);
      const declared = result.ok ? await declareInstrument(ctx, result[kind.noun]) : result;
      if (!declared.ok) throw new ApiError(400, `invalid_${kind.noun}`, declared.errors.join('; '), declared.errors);
      request.audit = { detail: declared.notes };
      return kind.rules.view(declared.value.certificate);
    },
  );

  app.get(
    path,
    {
      onRequest: viewer,
      schema: {
        tags,
        summary: kind.list.summary,
        description: kind.list.description,
        querystring: kind.list.querystring,
        response: responses({ 200: z.object({ [plural]: z.array(kind.answer) }) }),
      },
    },
    async (request) => ({ [plural]: (await kind.list.load(ctx, request.query as z.output<Query>)).map((scope) => kind.rules.view(scope)) }),
  );

  app.get(
    `${path}/:id`,
    {
      onRequest: viewer,
      schema: { tags, ...kind.read, params: idParams, response: responses({ 200: kind.answer }, 404) },
    },
    async (request) => {
      const scope = await kind.find(ctx, request.params.id);
      if (!scope) throw notFound(kind.noun);
      return kind.rules.view(scope);
    },
  );
  for (const view of kind.views ?? []) view(app, options, kind.noun);
}

/** The route group of a kind that has only the routes of {@link declaredScopeRoutes}. */
export const declaredScopePlugin =
  <Noun extends string, T extends Instrument, Query extends ZodObject>(kind: DeclaredScopeKind<Noun, T, Query>): FastifyPluginAsyncZod<ApiOptions> =>
  async (app, options) =>
    declaredScopeRoutes(app, options, kind);

/**
 * A view of one declared scope: GET `/v1/<noun>s/:id/<name>` for viewers, answering what `load` found, or
 * 404 when it found nothing (no scope with this id).
 */
export function scopeView<Query extends ZodObject>(view: {
  name: string;
  tags: string[];
  summary: string;
  description: string;
  querystring?: Query;
  answer: ZodType;
  load(ctx: MonitorContext, id: string, query: z.output<Query>): Promise<unknown>;
}): ScopeView {
  return (app, { ctx, tokens }, noun) =>
    app.get(
      `${collection(noun)}/:id/${view.name}`,
      {
        onRequest: requireRole(tokens, 'viewer'),
        schema: {
          tags: view.tags,
          summary: view.summary,
          description: view.description,
          params: idParams,
          ...(view.querystring ? { querystring: view.querystring } : {}),
          response: responses({ 200: view.answer }, 404),
        },
      },
      async (request) => {
        const answer = await view.load(ctx, request.params.id, request.query as z.output<Query>);
        if (answer === undefined) throw notFound(noun);
        return answer;
      },
    );
}
