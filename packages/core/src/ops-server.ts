import Fastify from 'fastify';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** The /metrics text; default: the whole registry rendered live (the evaluator passes its cached `exposition`). */
  exposition?: () => Promise<string | Buffer>;
  /** What /readyz answers; default: ready whenever the process is up. */
  isReady?: () => boolean | Promise<boolean>;
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The operational endpoints of a standalone service without the API: `/healthz` (alive),
 * `/readyz` (the service's own readiness), `/metrics` (Prometheus text). Errors have the API's
 * shape, `{error, message}`.
 */
export async function serveOps(options: OpsServerOptions): Promise<OpsServer> {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await Promise.resolve()
      .then(() => options.isReady?.() ?? true)
      .catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await (options.exposition?.() ?? options.registry.metrics());
    return reply.type(options.registry.contentType).send(text);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` }));
  app.setErrorHandler((error, _request, reply) =>
    reply.code(500).send({ error: 'internal_error', message: error instanceof Error ? error.message : String(error) }),
  );
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}
