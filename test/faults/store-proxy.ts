// A loopback HTTP proxy between the ingest processes and the ClickHouse engine: it follows the engine
// across restarts (new port) and can hold every response back, a store that has become slow.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoreProxy {
  url: string;
  /** Where requests go from now on (the engine's URL after a restart). */
  retarget(url: string): void;
  /** Delay added before each response is passed on (0: none). */
  setDelay(ms: number): void;
  /** Requests forwarded and failed (engine down), so far. */
  stats(): { forwarded: number; failed: number };
  stop(): Promise<void>;
}

export async function startStoreProxy(target: string): Promise<StoreProxy> {
  let upstream = new URL(target);
  let delayMs = 0;
  let forwarded = 0;
  let failed = 0;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    forwarded += 1;
    const upstreamRequest = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (upstreamResponse) => {
        setTimeout(() => {
          res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(res);
        }, delayMs);
      },
    );
    upstreamRequest.on('error', () => {
      failed += 1;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('store unreachable');
    });
    req.pipe(upstreamRequest);
  };
  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    retarget: (url) => (upstream = new URL(url)),
    setDelay: (ms) => (delayMs = ms),
    stats: () => ({ forwarded, failed }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
