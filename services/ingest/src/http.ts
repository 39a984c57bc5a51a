import { createServer } from 'node:http';
import type { Registry } from 'prom-client';

export interface OperationalServer {
  url: string;
  close(): Promise<void>;
}

/** /healthz (alive), /readyz (store and Kafka reachable), /metrics (Prometheus text) for the standalone service. */
export async function serveOperationalEndpoints(options: {
  host: string;
  port: number;
  registry: Registry;
  isReady: () => Promise<boolean>;
}): Promise<OperationalServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, contentType: string, body: string) => {
      response.writeHead(status, { 'content-type': contentType }).end(body);
    };
    const json = (status: number, body: unknown) => send(status, 'application/json', JSON.stringify(body));
    if (request.method !== 'GET') return json(405, { error: 'method_not_allowed' });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      return void options.isReady().then(
        (ready) => json(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready' }),
        () => json(503, { status: 'not_ready' }),
      );
    }
    if (path === '/metrics') {
      return void options.registry.metrics().then(
        (text) => send(200, options.registry.contentType, text),
        (error: Error) => json(500, { error: 'metrics_failed', message: error.message }),
      );
    }
    return json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
