import { createLogger } from '@pi-egress/config';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertmanagerPusher, type OutgoingAlert } from './alertmanager-client.js';

/** A stand-in Alertmanager answering 503 to the first `failures` posts, recording the rest. */
async function flakyAlertmanager(failures: number) {
  const bodies: Array<Array<OutgoingAlert & { endsAt: string }>> = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      attempts += 1;
      if (attempts <= failures) return void res.writeHead(503).end();
      bodies.push(JSON.parse(text));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, bodies, attempts: () => attempts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const logger = createLogger({ level: 'silent' });
const alert = (level: string): OutgoingAlert => ({
  labels: { alertname: 'ScopeUtilization', level },
  annotations: {},
  startsAt: '2026-06-01T00:00:00.000Z',
});
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
};

describe('Alertmanager pusher', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('returns at once and retries with backoff until Alertmanager accepts', async () => {
    const am = await flakyAlertmanager(2);
    const pusher = new AlertmanagerPusher({ url: am.url, logger, firingTtlMs: 60_000, minBackoffMs: 10, maxBackoffMs: 40 });
    cleanups.push(() => pusher.stop(), am.close);
    pusher.push([alert('0.8')], new Map());
    await until(() => pusher.lastDeliveredAt !== undefined);
    expect(am.attempts()).toBe(3);
    expect(pusher.failures).toBe(0);
    const [firing] = am.bodies[0]!;
    expect(Date.parse(firing!.endsAt)).toBeGreaterThan(Date.now() + 50_000);
  });

  it('sends a resolved alert (endsAt now) until one delivery carried it, then only the latest snapshot', async () => {
    const am = await flakyAlertmanager(1);
    const pusher = new AlertmanagerPusher({ url: am.url, logger, firingTtlMs: 60_000, minBackoffMs: 10 });
    cleanups.push(() => pusher.stop(), am.close);
    const resolvedAt = new Date();
    pusher.push([alert('0.9')], new Map([['fp-0.8', alert('0.8')]]), resolvedAt);
    await until(() => am.bodies.length === 1);
    expect(am.bodies[0]!.map((a) => [a.labels.level, a.endsAt === resolvedAt.toISOString()])).toEqual([
      ['0.9', false],
      ['0.8', true],
    ]);
    pusher.push([], new Map());
    await until(() => am.bodies.length === 2);
    expect(am.bodies[1]).toEqual([]);
  });
});
