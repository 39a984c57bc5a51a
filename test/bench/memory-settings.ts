// Whole-monitor memory at 1,000,000 people: peak RSS of the monitor process and of its engine child
// (summed), for engine settings given through EGRESS_ENGINE_SETTINGS, to measure what each buys.
//
//   node test/dist/bench/memory-settings.js [--records 1000000] [variant ...]
//   a variant is `name:key=value,key=value` (engine settings), `name:node=--flag …` (the monitor's
//   NODE_OPTIONS) or `name:env.NAME=value` (an environment variable of the monitor and its engine,
//   e.g. env.JE_MALLOC_CONF=narenas:2), several joined with `;` ('defaults' when none is given)
import { yearOf } from '@pi-egress/domain';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sleep } from '../harness/process.js';
import { metricsCatchUp } from './freshness.js';
import { ingestOverHttp } from './http-ingest.js';
import { BENCH_SETTLE_MS, peakRss, startMonitorRig, type PeakRss } from './monitor-rig.js';
import { thousands } from './stats.js';

export interface MemoryRun {
  ready: PeakRss;
  peak: PeakRss;
  /** The HTTP ingest's rate under these settings (a setting that saves memory must not cost much speed). */
  recordsPerSecond: number;
  /** The monitor's V8 heap and external memory at the end, MiB. */
  heap: { heapTotalMiB: number; heapUsedMiB: number; externalMiB: number };
}

/**
 * A fresh monitor with `env`: `records` distinct people over HTTP, until /metrics shows them all,
 * the checkpoint recount after the settle time, and usage reads; peak RSS of both processes.
 */
export async function measureMonitorMemory(records: number, env: Record<string, string> = {}): Promise<MemoryRun> {
  const rig = await startMonitorRig(env);
  try {
    const year = yearOf(new Date());
    const certificateId = 'C-MEMORY';
    const ingested = await ingestOverHttp(rig, { records, year, certificateId, processorId: 'P-MEMORY' });
    await metricsCatchUp(rig, certificateId, records);
    await sleep(BENCH_SETTLE_MS + 6_000); // the burst's checkpoint recount
    for (let i = 0; i < 20; i++) await (await rig.view(`/v1/certificates/${certificateId}/usage?year=${year}`)).text();
    // What the monitor's own memory is made of at the end (its prom-client process metrics).
    const text = await (await fetch(`${rig.monitor.url}/metrics`)).text();
    const gauge = (name: string) =>
      Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((line) => line.startsWith(`${name} `)) ?? '')?.[2] ?? NaN) / 1024 ** 2;
    const heap = {
      heapTotalMiB: gauge('nodejs_heap_size_total_bytes'),
      heapUsedMiB: gauge('nodejs_heap_size_used_bytes'),
      externalMiB: gauge('nodejs_external_memory_bytes'),
    };
    return { ready: rig.readyRss, peak: peakRss(rig), recordsPerSecond: (records * 1000) / ingested.ms, heap };
  } finally {
    await rig.stop();
  }
}

export const sumMiB = (rss: PeakRss) => rss.monitorMiB + rss.engineMiB;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { records: { type: 'string', default: '1000000' } }, allowPositionals: true });
  const variants = positionals.length > 0 ? positionals : ['defaults:'];
  console.log(
    '| settings | monitor MiB | engine MiB | sum MiB | ready sum MiB | ingest records/s | monitor heap total / used / external MiB at the end |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const variant of variants) {
    const [name, spec = ''] = variant.split(/:(.*)/s);
    const env: Record<string, string> = {};
    for (const part of spec.split(';').filter(Boolean)) {
      const variable = /^env\.(\w+)=(.*)$/s.exec(part);
      if (variable) env[variable[1]!] = variable[2]!;
      else if (part.startsWith('node=')) env.NODE_OPTIONS = part.slice('node='.length);
      else env.EGRESS_ENGINE_SETTINGS = part;
    }
    const settings = spec;
    const run = await measureMonitorMemory(Number(values.records), env);
    console.log(
      `| ${name} (${settings || 'none'}) | ${run.peak.monitorMiB.toFixed(0)} | ${run.peak.engineMiB.toFixed(0)} | ${sumMiB(run.peak).toFixed(0)} | ${sumMiB(run.ready).toFixed(0)} | ${thousands(run.recordsPerSecond)} | ${run.heap.heapTotalMiB.toFixed(0)} / ${run.heap.heapUsedMiB.toFixed(0)} / ${run.heap.externalMiB.toFixed(0)} |`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
