import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { serveOps, type OpsServer } from './ops-server.js';

describe('the ops server (/healthz, /readyz, /metrics) over real HTTP', () => {
  let server: OpsServer | undefined;
  afterEach(() => server?.close());

  async function start(isReady?: () => boolean | Promise<boolean>) {
    const registry = new Registry();
    new Counter({ name: 'ops_test_total', help: 'a counter', registers: [registry] }).inc(3);
    server = await serveOps({ host: '127.0.0.1', port: 0, registry, ...(isReady ? { isReady } : {}) });
    return (path: string, init?: RequestInit) => fetch(`${server!.url}${path}`, init);
  }

  it('is alive, ready by default, and serves the registry as Prometheus text', async () => {
    const get = await start();
    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await get('/readyz')).status).toBe(200);
    const metrics = await get('/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('ops_test_total 3');
  });

  it('answers 503 not_ready while the check says no or throws', async () => {
    let answer: () => boolean = () => false;
    const get = await start(() => answer());
    expect(await (await get('/readyz')).json()).toEqual({ status: 'not_ready' });
    answer = () => {
      throw new Error('store down');
    };
    expect((await get('/readyz')).status).toBe(503);
    answer = () => true;
    expect(await (await get('/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('answers other paths and methods with 404 in the API error shape', async () => {
    const get = await start();
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found', message: expect.any(String) });
    expect((await get('/metrics', { method: 'POST' })).status).toBe(404);
  });
});
