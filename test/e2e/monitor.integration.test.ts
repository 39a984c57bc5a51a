import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, type MonitorProcess, startMonitorProcess } from '@pi-egress/testing';

const DISTINCT = 1_000_000;
const PER_EVENT = 50_000;
const EVENTS_PER_REQUEST = 4;

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function occurrences(haystacks: Buffer[], needles: string[]): number {
  let found = 0;
  for (const needle of needles) if (haystacks.some((h) => h.includes(needle))) found += 1;
  return found;
}

describe('the all-in-one monitor as `npm start` runs it (embedded engine, real HTTP)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pi-egress-e2e-'));
  const run = randomBytes(4).toString('hex');
  // Subject ids and event ids have the same random shape (32 hex characters), so compression
  // treats both alike: the event ids, which are stored, are the control that the scan sees text.
  const rawId = (i: number) => createHash('sha256').update(`${run}:${i}`).digest('hex').slice(0, 32);
  const eventIds: string[] = [];
  let monitor: MonitorProcess;
  const logs: string[] = [];

  afterAll(async () => {
    await monitor?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, role: string, init: RequestInit = {}) =>
    fetch(`${monitor.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${monitor.tokens[role]}`, 'content-type': 'application/json', ...init.headers },
    });

  it(`counts ${DISTINCT.toLocaleString('en')} distinct subjects posted over HTTP exactly`, async () => {
    monitor = await startMonitorProcess({ EGRESS_DATA_DIR: dataDir });
    expect(
      (
        await call('/v1/certificates/CERT-1', 'admin', {
          method: 'PUT',
          body: JSON.stringify(makeCertificate({ limits: { nonSensitive: 999_999, sensitive: 9_999 } })),
        })
      ).status,
    ).toBe(200);
    const events = Array.from({ length: DISTINCT / PER_EVENT }, (_, e) => {
      const eventId = randomBytes(16).toString('hex');
      eventIds.push(eventId);
      const subjects = Array.from({ length: PER_EVENT }, (_, i) => ({ id: rawId(e * PER_EVENT + i) }));
      return makeEvent({ eventId, occurredAt: '2026-07-01T00:00:00Z', subjects });
    });
    // The same people again in a second transfer, and one transfer resent: neither may count twice.
    events.push(makeEvent({ occurredAt: '2026-07-02T00:00:00Z', subjects: Array.from({ length: 1000 }, (_, i) => ({ id: rawId(i * 7) })) }));
    events.push(events[0]!);
    let accepted = 0;
    let duplicates = 0;
    for (let start = 0; start < events.length; start += EVENTS_PER_REQUEST) {
      const response = await call('/v1/events', 'ingest', { method: 'POST', body: JSON.stringify(events.slice(start, start + EVENTS_PER_REQUEST)) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
      expect(body.rejected).toEqual([]);
      accepted += body.accepted;
      duplicates += body.duplicates;
    }
    expect({ accepted, duplicates }).toEqual({ accepted: events.length - 1, duplicates: 1 });
    // Right after a million people the engine may still be merging: a 503 (store_unavailable) says
    // "retry", so it is retried a few times; any other answer fails at once, with its body.
    let response = await call('/v1/certificates/CERT-1/usage?year=2026', 'viewer');
    for (let attempt = 0; response.status === 503 && attempt < 10; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      response = await call('/v1/certificates/CERT-1/usage?year=2026', 'viewer');
    }
    const usage = (await response.json()) as Record<string, any>;
    expect(response.status, JSON.stringify(usage)).toBe(200);
    expect(usage.nonSensitive).toMatchObject({ count: DISTINCT, cap: 999_999 });
    expect(usage.sensitive.count).toBe(0);
    expect(usage.pathway).toBe('security_assessment'); // N ≥ 1,000,000 at the processor
  }, 600_000);

  it('keeps the counts across a restart on the same data directory', async () => {
    await monitor.stop('SIGTERM');
    logs.push(monitor.output());
    monitor = await startMonitorProcess({ EGRESS_DATA_DIR: dataDir });
    const usage = (await (await call('/v1/certificates/CERT-1/usage?year=2026', 'viewer')).json()) as Record<string, any>;
    expect(usage.nonSensitive.count).toBe(DISTINCT);
    const processor = (await (await call('/v1/processors/P1/usage?year=2026', 'viewer')).json()) as Record<string, any>;
    expect(processor.nonSensitive.count).toBe(DISTINCT);
  }, 180_000);

  it('leaves no raw subject id under the data directory or in the logs', async () => {
    await monitor.stop('SIGTERM');
    logs.push(monitor.output());
    const files = filesUnder(dataDir).map((file) => readFileSync(file));
    const sample = Array.from({ length: 300 }, (_, i) => rawId(i * 3331));
    expect(occurrences(files, eventIds)).toBeGreaterThan(eventIds.length / 2);
    expect(occurrences(files, sample)).toBe(0);
    expect(occurrences([Buffer.from(logs.join('\n'))], sample)).toBe(0);
    expect(logs.join('\n')).toContain('PI egress monitor ready');
  }, 120_000);
});
