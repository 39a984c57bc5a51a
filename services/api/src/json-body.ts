import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { ApiError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** secure-json-parse's own words when it refuses a `__proto__` or `constructor.prototype` key (a SyntaxError like a syntax error's). */
const POISONED_KEY_MESSAGE = 'Object contains forbidden prototype property';

/**
 * JSON bodies must be valid UTF-8. Fastify's own parser decodes bytes leniently, so two different
 * invalid byte sequences in a subject id would both become U+FFFD and silently be one person.
 * A `__proto__` key or a `constructor.prototype` anywhere refuses the whole body (prototype
 * poisoning), with a message that says so rather than calling valid JSON invalid.
 */
export function strictJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(new ApiError(400, 'invalid_utf8', 'the body is not valid UTF-8'), undefined);
    }
    if (text.length === 0) return done(new ApiError(400, 'invalid_json', 'the body is empty but its content-type is application/json'), undefined);
    try {
      return done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      const poisoned = error instanceof Error && error.message === POISONED_KEY_MESSAGE;
      const message = poisoned
        ? 'the body has a __proto__ key or a constructor.prototype, which are refused (prototype poisoning); nothing was stored'
        : 'the body is not valid JSON';
      return done(new ApiError(400, 'invalid_json', message), undefined);
    }
  });
}
