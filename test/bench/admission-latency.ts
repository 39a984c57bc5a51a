// Admission latency: POST /v1/admission over real HTTP against the real engine, with a certificate
// that already counts `known` people (checkpointed, as in steady state), beside two baselines
// measured in the same run: a bare ClickHouse `SELECT 1` round trip and a bare HTTP round trip.
//
//   node test/dist/bench/admission-latency.js [samples] [known]   (CLICKHOUSE_URL: use that server;
//                                                                   otherwise an embedded engine)
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { buildApi, parseTokens } from '@pi-egress/api';
import { createLogger } from '@pi-egress/config';
import { createMetrics, declareCertificate, ephemeralEvidenceKey, ingestEvents, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue, validateCertificate } from '@pi-egress/domain';
import { openStore } from '@pi-egress/store';
import { Registry } from 'prom-client';
import { makeCertificate, makeEvent, subjects } from '@pi-egress/testing/fixtures';
import { postJson } from '../harness/post-json.js';
import { withBenchEngine } from './bench-engine.js';

const TOKEN = 'bench-ingest-token-0123456789';
const cert = { certificateId: 'CERT-ADM', processorId: 'P-ADM' };

export interface LatencyRow {
  path: string;
  /** Milliseconds per request. */
  samples: number[];
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

export function latencyTable(rows: readonly LatencyRow[]): string {
  const lines = ['| path | samples | p50 ms | p99 ms | mean ms |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const { path, samples } of rows) {
    const sorted = [...samples].sort((a, b) => a - b);
    const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
    lines.push(`| ${path} | ${sorted.length} | ${quantile(sorted, 0.5).toFixed(1)} | ${quantile(sorted, 0.99).toFixed(1)} | ${mean.toFixed(1)} |`);
  }
  return lines.join('\n');
}

/** Runs `call` `samples` times from `clients` concurrent callers; the latency of each call. */
async function measure(samples: number, clients: number, call: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < samples) {
        const i = next++;
        const started = performance.now();
        await call(i);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

export async function runAdmissionLatencyBench(clickhouseUrl: string, samples: number, known: number): Promise<LatencyRow[]> {
  const store = await openStore({ url: clickhouseUrl, database: `bench_admission_${Date.now()}`, settleMs: 0 });
  const ctx: MonitorContext = { store, catalogue: new CategoryCatalogue(), subjectKey: 'bench-admission-key', now: () => new Date() };
  const declared = validateCertificate(makeCertificate({ ...cert, limits: { nonSensitive: 999_999, sensitive: 9_999 } }));
  if (!declared.ok) throw new Error(declared.errors.join('; '));
  await declareCertificate(ctx, declared.certificate);
  for (let start = 0; start < known; start += 50_000) {
    const batch = makeEvent({ ...cert, occurredAt: '2026-01-10T00:00:00Z', subjects: subjects(Math.min(50_000, known - start), 'known', start) });
    await ingestEvents(ctx, [batch]);
  }
  await store.checkpoints.refresh();
  const api = await buildApi({
    ctx,
    metrics: createMetrics(new Registry()),
    logger: createLogger({ level: 'silent' }),
    tokens: parseTokens(`ingest:${TOKEN}`),
    maxBodyBytes: 32 * 1024 * 1024,
    rateLimit: { perTokenPerMinute: 0, anonymousPerMinute: 0 },
    evidenceKey: ephemeralEvidenceKey(),
  });
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  const admit = async (body: unknown) => {
    const response = await postJson(`${url}/v1/admission`, TOKEN, body);
    if (response.status !== 200) throw new Error(`admission answered ${response.status}: ${await response.text()}`);
    await response.json();
  };
  const proposal = (people: Array<{ id: string }>) => ({
    ...cert,
    recipient: { id: 'R1', country: 'DE' },
    mechanism: 'certification',
    purpose: 'customer_support',
    categories: ['name', 'email'],
    subjects: people,
  });
  const mixed = (i: number, n: number) => [...subjects(n / 2, 'known', (i * 7919) % Math.max(1, known - n)), ...subjects(n / 2, `new-${i}`)];
  try {
    await measure(50, 1, (i) => admit(proposal(mixed(i, 10)))); // warm-up: connections, JIT, caches
    return [
      {
        path: 'baseline: ClickHouse `SELECT 1` round trip',
        samples: await measure(samples, 1, async () => void (await store.client.query({ query: 'SELECT 1' })).text()),
      },
      { path: 'baseline: HTTP GET /healthz round trip', samples: await measure(samples, 1, async () => void (await fetch(`${url}/healthz`)).text()) },
      { path: 'admission, 1 new subject', samples: await measure(samples, 1, (i) => admit(proposal(subjects(1, `one-${i}`)))) },
      { path: 'admission, 10 subjects (5 counted, 5 new)', samples: await measure(samples, 1, (i) => admit(proposal(mixed(i, 10)))) },
      { path: 'admission, 10 subjects, 8 concurrent callers', samples: await measure(samples, 8, (i) => admit(proposal(mixed(i + samples, 10)))) },
      {
        path: 'admission, 1,000 subjects (500 counted, 500 new)',
        samples: await measure(Math.max(20, samples / 10), 1, (i) => admit(proposal(mixed(i, 1_000)))),
      },
    ];
  } finally {
    await api.close();
    await store.close();
  }
}

async function main(): Promise<void> {
  const samples = Number(process.argv[2] ?? 500);
  const known = Number(process.argv[3] ?? 200_000);
  const rows = await withBenchEngine((url) => runAdmissionLatencyBench(url, samples, known));
  console.log(`Admission latency, certificate with ${known.toLocaleString('en-US')} people counted; ${cpus().length} CPU(s)\n`);
  console.log(latencyTable(rows));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
