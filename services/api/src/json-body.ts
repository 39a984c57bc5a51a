import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies must be valid UTF-8. Fastify's own parser decodes bytes leniently, so two different
 * invalid byte sequences in a subject id would both become U+FFFD and silently be one person.
 * Prototype-poisoning protection stays fastify's own.
 */
export function strictJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(new ApiError(400, 'invalid_utf8', 'the body is not valid UTF-8'), undefined);
    }
    // The callback form: it answers through `done` and returns nothing to await.
    void parseJson(request, text, done);
  });
}
