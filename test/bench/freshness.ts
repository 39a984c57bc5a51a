// Freshness: an event produced to Kafka → its new person visible in GET /usage and in /metrics.
import { benchEvent, BENCH_TOPIC, declareCertificate, type MonitorRig } from './monitor-rig.js';
import { summarise, type Latency } from './stats.js';
import { pollUntil, sleep } from '../harness/process.js';

export interface Freshness {
  usage: Latency;
  metrics: Latency;
}

const POLL_MS = 10;
const TIMEOUT_MS = 30_000;

async function usageCount(rig: MonitorRig, certificateId: string, year: number): Promise<number> {
  const response = await rig.view(`/v1/certificates/${certificateId}/usage?year=${year}`);
  return ((await response.json()) as { nonSensitive: { count: number } }).nonSensitive.count;
}

async function metricsCount(rig: MonitorRig, certificateId: string): Promise<number> {
  const text = await (await fetch(`${rig.monitor.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('pi_egress_individuals{') && l.includes(`certificate_id="${certificateId}"`) && l.includes('class="non_sensitive"'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/**
 * Milliseconds from now until /metrics shows `expected` people for `certificateId`: after a burst,
 * the monitor's first evaluations count the burst's new people once (a lookup each).
 */
export async function metricsCatchUp(rig: MonitorRig, certificateId: string, expected: number, timeoutMs = 120_000): Promise<number> {
  return visibleAfter(performance.now(), expected, () => metricsCount(rig, certificateId), timeoutMs);
}

/** Milliseconds from `started` until `read()` reaches `expected`. */
async function visibleAfter(started: number, expected: number, read: () => Promise<number>, timeoutMs = TIMEOUT_MS): Promise<number> {
  await pollUntil(async () => ((await read()) >= expected ? true : undefined), { timeoutMs, intervalMs: POLL_MS, description: `count ${expected}` });
  return performance.now() - started;
}

export async function measureFreshness(rig: MonitorRig, opts: { samples: number; year: number }): Promise<Freshness> {
  const certificateId = 'C-FRESH';
  const processorId = 'P-FRESH';
  await declareCertificate(rig, certificateId, processorId, opts.year);
  const producer = rig.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const usage: number[] = [];
  const metrics: number[] = [];
  try {
    // Sample 0 waits for the consumer group to be joined and is not measured.
    for (let i = 0; i <= opts.samples; i++) {
      const event = benchEvent(`fresh-${i}`, certificateId, processorId, [{ id: `fresh-${i}@bench.example` }]);
      const started = performance.now();
      await producer.send({ topic: BENCH_TOPIC, acks: -1, messages: [{ key: event.eventId, value: JSON.stringify(event) }] });
      const [u, m] = await Promise.all([
        visibleAfter(started, i + 1, () => usageCount(rig, certificateId, opts.year)),
        visibleAfter(started, i + 1, () => metricsCount(rig, certificateId)),
      ]);
      if (i > 0) {
        usage.push(u);
        metrics.push(m);
      }
      await sleep(100);
    }
  } finally {
    await producer.disconnect();
  }
  return { usage: summarise(usage), metrics: summarise(metrics) };
}
