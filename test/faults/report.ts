// The campaign's report: what it did, what it found, lost = 0 / double-counted = 0 or the discrepancy.
import type { CountCheck } from './truth.js';
import { discrepancies } from './truth.js';
import type { HttpIngestStats } from './http-client.js';
import type { AlertCheck, DeadLetterCheck, EventCheck } from './verify.js';

const FAILOVER_BOUND_S = 30;

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
  http: HttpIngestStats;
  hostileSent: number;
  evaluatorFailovers: number[];
  alerts: AlertCheck;
  proxy: { forwarded: number; failed: number };
  truncatedPartitions: number;
  counts: CountCheck[];
  countsAfterCheckpoint: CountCheck[];
  events: EventCheck;
  deadLetters: DeadLetterCheck;
}

const total = (tally: Record<string, number>) => Object.values(tally).reduce((sum, n) => sum + n, 0);
const tallyText = (tally: Record<string, number>) =>
  Object.entries(tally)
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ') || 'none';

/** Everything that must be zero (or within bounds) besides lost and double-counted. */
function otherFindings(result: CampaignResult): string[] {
  const findings: string[] = [];
  if (result.truncatedPartitions > 0) findings.push(`${result.truncatedPartitions} broker partitions truncated`);
  if (result.deadLetters.missing > 0) findings.push(`${result.deadLetters.missing} malformed messages not dead-lettered`);
  if (total(result.http.hostileAcknowledged) > 0)
    findings.push(`${total(result.http.hostileAcknowledged)} hostile events acknowledged instead of rejected`);
  if (result.http.givenUp > 0) findings.push(`${result.http.givenUp} HTTP batches still answered 500 after 45 s of retries`);
  const slow = result.evaluatorFailovers.filter((s) => !(s < FAILOVER_BOUND_S));
  if (slow.length > 0) findings.push(`${slow.length} evaluator failovers slower than ${FAILOVER_BOUND_S} s`);
  if (result.alerts.repeatedTransitions > 0) findings.push(`${result.alerts.repeatedTransitions} alert transitions written twice`);
  if (result.alerts.notifiedTwice > 0) findings.push(`${result.alerts.notifiedTwice} alerts notified twice at the webhook`);
  return findings;
}

export function verdict(result: CampaignResult): { lost: number; doubled: number; ok: boolean; findings: string[] } {
  const before = discrepancies(result.counts);
  const after = discrepancies(result.countsAfterCheckpoint);
  const lost = before.lost + after.lost + result.events.missing + result.deadLetters.unexpected + result.http.validRejected;
  const doubled = before.doubled + after.doubled + result.events.unexpected;
  const findings = otherFindings(result);
  return { lost, doubled, ok: lost === 0 && doubled === 0 && findings.length === 0, findings };
}

const countRows = (checks: readonly CountCheck[]) =>
  checks.map(
    (c) =>
      `| ${c.level} ${c.scopeId} | ${c.year} | ${c.dataClass} | ${c.truth} | ${c.counted} | ${c.fullCount} | ${c.truth === c.counted && c.truth === c.fullCount ? 'yes' : '**no**'} |`,
  );

export function campaignMarkdown(result: CampaignResult, command: string): string {
  const v = verdict(result);
  return `# Fault campaign — last run

\`${command}\` on ${result.startedAt.toISOString()}: ${result.minutes} min of faults while producing, then ${Math.round(result.drainS)} s to drain.

**Result: lost = ${v.lost}, double-counted = ${v.doubled}${v.ok ? '' : ' — DISCREPANCY'}.**${v.findings.length > 0 ? `\n\nAlso found: ${v.findings.join('; ')}.` : ''}

## What it did
| at (s) | fault | detail |
| ---: | --- | --- |
${result.faults.map((f) => `| ${f.atS.toFixed(0)} | ${f.fault} | ${f.detail} |`).join('\n')}

Produced ${result.produced.valid} distinct valid events acknowledged (Kafka and HTTP), ${result.produced.resends} resent copies of Kafka messages, ${result.produced.malformed} malformed Kafka messages.
HTTP ingest (the API process, a client retrying each batch until answered): ${result.http.batches} batches, ${result.http.acknowledged} valid events acknowledged, ${result.http.retries} retries (${result.http.connectionFailures} connection failures), answers by status ${tallyText(result.http.statuses)}; ${result.http.givenUp} batches given up after 45 s of 500s; ${result.http.validRejected} valid events rejected.
Hostile events mixed into the HTTP batches: ${result.hostileSent} sent; rejected per event — ${tallyText(result.http.hostileRejected)}; acknowledged (must be none) — ${tallyText(result.http.hostileAcknowledged)}.${result.http.reasons.length > 0 ? `\nFirst client notes: ${result.http.reasons.map((r) => `\`${r.replace(/[`|\n]/g, ' ')}\``).join('; ')}.` : ''}
Processes restarted by the supervisor (ingest, API, evaluators): ${result.restarts}. Evaluator failovers after kill -9 of the leader: ${result.evaluatorFailovers.map((s) => `${s.toFixed(1)} s`).join(', ') || 'none'} (bound ${FAILOVER_BOUND_S} s); the evaluator replicas also ran the count checkpoints.
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
Alerts: ${result.alerts.transitions} transitions in the history, ${result.alerts.repeatedTransitions} written twice; ${result.alerts.notified} firing notifications at the webhook, ${result.alerts.notifiedTwice} for an alert already notified.
`;
}
