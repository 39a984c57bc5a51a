import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, errorSchema } from '../errors.js';
import type { ApiOptions } from '../options.js';

/** docs/runbooks of the repository, from src/routes or dist/routes alike. */
const RUNBOOKS_DIR = new URL('../../../../docs/runbooks/', import.meta.url);

/** The runbooks that alerts link to (runbook_url), served as Markdown: no token, nothing secret. */
export const runbookRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app) => {
  app.get(
    '/runbooks/:name',
    {
      schema: {
        tags: ['operations'],
        security: [],
        summary: 'The runbook of an alert (Markdown)',
        description: "What an alert means, what the Measures require and what to do: the target of the alerts' runbook_url.",
        params: z.strictObject({ name: z.string().regex(/^[A-Za-z]+\.md$/, 'must be an alert name followed by .md') }),
        produces: ['text/markdown'],
        response: {
          200: z.string().describe('Markdown'),
          400: errorSchema.describe('Not an alert name'),
          404: errorSchema.describe('No runbook of that name'),
          429: errorSchema.describe('Rate limit of the client address exceeded'),
        },
      },
    },
    async (request, reply) => {
      const text = await readFile(new URL(request.params.name, RUNBOOKS_DIR), 'utf8').catch(() => undefined);
      if (text === undefined) throw new ApiError(404, 'not_found', 'no runbook of that name');
      return reply.type('text/markdown; charset=utf-8').send(text);
    },
  );
};
