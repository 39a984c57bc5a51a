// The campaign's report: what it did, what it found, lost = 0 / double-counted = 0 or the discrepancy.
import type { CountCheck } from './truth.js';
import { discrepancies } from './truth.js';
import type { DeadLetterCheck, EventCheck } from './verify.js';

export interface FaultRecord {
  atS: number;
  fault: string;
  detail: string;
}

export interface CampaignResult {
  startedAt: Date;
  minutes: number;
  drainS: number;
  faults: FaultRecord[];
  produced: { valid: number; malformed: number; resends: number };
  restarts: number;
  checkpointErrors: number;
  proxy: { forwarded: number; failed: number };
  truncatedPartitions: number;
  counts: CountCheck[];
  countsAfterCheckpoint: CountCheck[];
  events: EventCheck;
  deadLetters: DeadLetterCheck;
}

export function verdict(result: CampaignResult): { lost: number; doubled: number; ok: boolean } {
  const before = discrepancies(result.counts);
  const after = discrepancies(result.countsAfterCheckpoint);
  const lost = before.lost + after.lost + result.events.missing + result.deadLetters.unexpected;
  const doubled = before.doubled + after.doubled + result.events.unexpected;
  return { lost, doubled, ok: lost === 0 && doubled === 0 && result.truncatedPartitions === 0 && result.deadLetters.missing === 0 };
}

const countRows = (checks: readonly CountCheck[]) =>
  checks.map((c) => `| ${c.level} ${c.scopeId} | ${c.year} | ${c.dataClass} | ${c.truth} | ${c.counted} | ${c.fullCount} | ${c.truth === c.counted && c.truth === c.fullCount ? 'yes' : '**no**'} |`);

export function campaignMarkdown(result: CampaignResult, command: string): string {
  const v = verdict(result);
  return `# Fault campaign — last run

\`${command}\` on ${result.startedAt.toISOString()}: ${result.minutes} min of faults while producing, then ${Math.round(result.drainS)} s to drain.

**Result: lost = ${v.lost}, double-counted = ${v.doubled}${v.ok ? '' : ' — DISCREPANCY'}.**

## What it did
| at (s) | fault | detail |
| ---: | --- | --- |
${result.faults.map((f) => `| ${f.atS.toFixed(0)} | ${f.fault} | ${f.detail} |`).join('\n')}

Produced ${result.produced.valid} distinct valid events, ${result.produced.resends} resent copies of messages, ${result.produced.malformed} malformed messages.
Ingest processes restarted by the supervisor: ${result.restarts}. Checkpoint refreshes that failed (store down or slow): ${result.checkpointErrors}.
Store requests through the proxy: ${result.proxy.forwarded}, failed while the engine was down: ${result.proxy.failed}.
Mock broker partitions truncated (would void the truth): ${result.truncatedPartitions}.

## What it found
Counts per scope, year and class: truth from what was produced; the monitor's count (checkpoint + tail, as served during the campaign); the full exact count of the truth table.

| scope | year | class | truth | counted | full count | equal |
| --- | ---: | --- | ---: | ---: | ---: | --- |
${countRows(result.counts).join('\n')}

After a final checkpoint refresh: ${discrepancies(result.countsAfterCheckpoint).lost === 0 && discrepancies(result.countsAfterCheckpoint).doubled === 0 ? 'every count still equal to the truth' : 'DISCREPANCY'}.

Events: ${result.events.produced} valid produced, ${result.events.stored} stored, ${result.events.missing} missing, ${result.events.unexpected} unexpected.
Dead letters: ${result.deadLetters.malformed} malformed produced, ${result.deadLetters.deadLettered} distinct dead-lettered, ${result.deadLetters.missing} missing, ${result.deadLetters.unexpected} not malformed.
`;
}
