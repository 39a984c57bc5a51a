import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, type MonitorProcess, startMonitorProcess } from '@pi-egress/testing';

const UNREACHABLE_LIMIT_MS = 4_000;

/** The engine processes the monitor logged as serving, oldest first. */
function enginesServed(monitor: MonitorProcess): Array<{ pid: number; url: string }> {
  return monitor
    .output()
    .split('\n')
    .filter((line) => line.includes('"embedded ClickHouse serving"'))
    .map((line) => JSON.parse(line) as { pid: number; url: string });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<{ value: T; afterMs: number }> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return { value, afterMs: Date.now() - started };
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** Takes a loopback port as soon as it is free (the killed engine releases it when it is gone). */
async function occupy(port: number, timeoutMs = 5_000): Promise<Server> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Connections (the restarting engine's readiness probes) are dropped, so close() does not wait on them.
    const server = createServer((socket) => socket.destroy());
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) return server;
    if (Date.now() > deadline) throw new Error(`port ${port} stayed taken`);
    await sleep(1);
  }
}

describe('the monitor supervises its embedded engine', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pi-egress-supervision-'));
  let monitor: MonitorProcess;
  afterAll(async () => {
    await monitor?.stop();
    if (process.env.DEBUG_SUPERVISION) console.log(monitor?.output());
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, role: string, init: RequestInit = {}) =>
    fetch(`${monitor.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${monitor.tokens[role]}`, 'content-type': 'application/json', ...init.headers },
      signal: AbortSignal.timeout(10_000),
    });
  const certificateCount = async () => {
    const response = await call('/v1/certificates/CERT-1/usage?year=2026', 'viewer');
    return response.status === 200 ? ((await response.json()) as { nonSensitive: { count: number } }).nonSensitive.count : undefined;
  };
  const healthStatus = async () => (await fetch(`${monitor.url}/healthz`, { signal: AbortSignal.timeout(5_000) })).status;

  it('restarts the engine killed with SIGKILL on the same data: data routes answer again within 30 s, counts intact', async () => {
    monitor = await startMonitorProcess({ EGRESS_DATA_DIR: dataDir, EGRESS_STORE_UNREACHABLE_LIMIT_MS: String(UNREACHABLE_LIMIT_MS) });
    expect((await call('/v1/certificates/CERT-1', 'admin', { method: 'PUT', body: JSON.stringify(makeCertificate()) })).status).toBe(200);
    const subjects = Array.from({ length: 250 }, (_, i) => ({ id: `person-${i}` }));
    const posted = await call('/v1/events', 'ingest', {
      method: 'POST',
      body: JSON.stringify([makeEvent({ occurredAt: '2026-07-01T00:00:00Z', subjects })]),
    });
    expect(posted.status).toBe(200);
    expect(await certificateCount()).toBe(250);

    const [engine] = enginesServed(monitor);
    process.kill(engine!.pid, 'SIGKILL');
    const recovered = await until('usage answered again', 30_000, async () => ((await certificateCount()) === 250 ? true : undefined));
    expect(recovered.afterMs).toBeLessThan(30_000);
    expect(enginesServed(monitor).map((served) => served.url)).toEqual([engine!.url, engine!.url]);
    expect(await healthStatus()).toBe(200);
    const metrics = await (await fetch(`${monitor.url}/metrics`)).text();
    expect(metrics).toMatch(/^pi_egress_store_engine_restarts_total 1$/m);
    expect(monitor.output()).toContain('embedded ClickHouse restarted on the same data directory');
  }, 120_000);

  it('fails /healthz within the bound while the engine cannot start, and heals once it can', async () => {
    const engine = enginesServed(monitor).at(-1)!;
    process.kill(engine.pid, 'SIGKILL');
    // The engine's HTTP port taken by someone else: every restart on it fails.
    const squatter = await occupy(Number(new URL(engine.url).port));
    try {
      const failed = await until('/healthz failing', UNREACHABLE_LIMIT_MS + 10_000, async () => ((await healthStatus()) === 503 ? true : undefined));
      expect(failed.afterMs).toBeLessThan(UNREACHABLE_LIMIT_MS + 10_000);
      expect(monitor.output()).toContain('embedded ClickHouse could not be restarted; retrying');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    await until('/healthz passing again', 60_000, async () => ((await healthStatus()) === 200 ? true : undefined));
    expect(await certificateCount()).toBe(250);
  }, 120_000);
});
