import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiOptions } from '../options.js';

/** docs/runbooks of the repository, from src/routes or dist/routes alike. */
const RUNBOOKS_DIR = new URL('../../../../docs/runbooks/', import.meta.url);

/** The runbooks that alerts link to (runbook_url), served as Markdown: no token, nothing secret. */
export const runbookRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app) => {
  app.get(
    '/runbooks/:name',
    { schema: { hide: true, params: z.object({ name: z.string().regex(/^[A-Za-z]+\.md$/, 'must be an alert name followed by .md') }) } },
    async (request, reply) => {
      try {
        const text = await readFile(new URL(request.params.name, RUNBOOKS_DIR), 'utf8');
        return reply.type('text/markdown; charset=utf-8').send(text);
      } catch {
        return reply.code(404).send({ error: 'not_found', message: `no runbook ${request.params.name}` });
      }
    },
  );
};
