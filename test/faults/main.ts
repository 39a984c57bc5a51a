// `npm run faults [-- --minutes 5]`: a bounded fault campaign against the real ingest service, API
// (HTTP ingest with hostile inputs), evaluator replicas, engine, Alertmanager and (mock) Kafka;
// prints what it did and found, and writes docs/fault-campaign.md.
import { CEILINGS, validateCertificate, yearOf } from '@pi-egress/domain';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCertificate } from '@pi-egress/testing/fixtures';
import { sleep, testPackageRoot } from '../harness/process.js';
import { waitUntilConsumed } from '../harness/ingest-kafka.js';
import { CampaignRig, INGEST_TOKEN, MAX_MESSAGE_BYTES, SUBJECT_KEY, TOPIC } from './campaign-rig.js';
import { EventSource, PROCESSORS, type FaultMessage } from './event-source.js';
import { FAULTS, produce, type FaultContext } from './faults.js';
import { HttpIngestClient } from './http-client.js';
import { campaignMarkdown, verdict, type CampaignResult, type FaultRecord } from './report.js';
import { compareAlerts, compareCounts, compareDeadLetters, compareEvents, truncatedPartitions } from './verify.js';

const minutesArg = process.argv.indexOf('--minutes');
const MINUTES = minutesArg > 0 ? Number(process.argv[minutesArg + 1]) : 5;
const PAUSE_BETWEEN_FAULTS_MS = 8_000;
const DRAIN_TIMEOUT_MS = 10 * 60_000;
const MAX_RESET_GROUPS = 2;

const started = Date.now();
const log = (message: string) => console.log(`[faults +${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`);

async function declareScopes(rig: CampaignRig, year: number): Promise<void> {
  for (const processor of PROCESSORS) {
    await rig.store.scopes.putProcessor({ processorId: processor.processorId, groupId: processor.groupId, countExempt: false, ciiOperator: false });
    if (!processor.certificateId) continue;
    const { certificateId, processorId, groupId } = processor;
    const result = validateCertificate(
      makeCertificate({ certificateId, processorId, groupId, validFrom: `${year - 1}-01-01`, validTo: `${year + 1}-12-31`, limits: { ...CEILINGS } }),
    );
    if (!result.ok) throw new Error(result.errors.join('; '));
    await rig.store.scopes.putVersion(result.certificate, new Date(0));
  }
}

/** Produces ~20 valid events a second (1 in 20 a resend) until `stop()`: what two ingest processes keep up with on 2 cores while faults hit them. */
function startProducing(ctx: FaultContext) {
  let stopped = false;
  let resends = 0;
  const loop = (async () => {
    while (!stopped) {
      const batch: FaultMessage[] = [];
      for (let i = 0; i < 10; i++) {
        const resend = Math.random() < 0.05 ? ctx.source.resend() : undefined;
        if (resend) resends += 1;
        batch.push(resend ?? ctx.source.valid());
      }
      await produce(ctx.producer, batch);
      await sleep(500);
    }
  })();
  return {
    resends: () => resends,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

async function runFaults(ctx: FaultContext, records: FaultRecord[]): Promise<void> {
  const deadline = started + MINUTES * 60_000;
  let resets = 0;
  for (let i = 0; Date.now() < deadline; i++) {
    const fault = FAULTS[i % FAULTS.length]!;
    if (fault.name.includes('offsets reset') && resets++ >= MAX_RESET_GROUPS) continue;
    log(fault.name);
    const atS = (Date.now() - started) / 1000;
    const detail = await fault.run(ctx);
    records.push({ atS, fault: fault.name, detail });
    log(`  ${detail}`);
    await sleep(Math.min(PAUSE_BETWEEN_FAULTS_MS, Math.max(0, deadline - Date.now())));
  }
}

async function drain(rig: CampaignRig): Promise<void> {
  rig.proxy.setDelay(0);
  const groups = [...new Set(rig.running('ingest').map((slot) => slot.groupId!))];
  for (const group of groups) {
    log(`draining: waiting for group ${group} to commit every message`);
    await waitUntilConsumed(rig.kafka, group, TOPIC, DRAIN_TIMEOUT_MS).catch((err: unknown) => {
      for (const slot of rig.running('ingest')) log(`${slot.name} output tail:\n${slot.service!.output().slice(-3_000)}`);
      throw err;
    });
  }
  await sleep(2_000); // the checkpointer's round in flight
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const year = yearOf(startedAt);
  const rig = new CampaignRig();
  const source = new EventSource(SUBJECT_KEY, MAX_MESSAGE_BYTES);
  const records: FaultRecord[] = [];
  let code = 1;
  try {
    log('starting engine, store proxy, mock Kafka, Alertmanager and supervised processes: 2 Kafka ingest, 1 API, 2 evaluator replicas');
    await rig.start();
    await declareScopes(rig, year);
    await rig.startProcesses({ ingest: 2, evaluators: 2 });
    const producer = rig.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const http = new HttpIngestClient(rig.apiUrl, INGEST_TOKEN, source);
    const ctx: FaultContext = { rig, source, producer, http, evaluatorFailovers: [] };
    const producing = startProducing(ctx);
    http.start();
    await runFaults(ctx, records);
    await Promise.all([producing.stop(), http.stop()]);
    await producer.disconnect();
    const drainStarted = Date.now();
    await drain(rig);
    log('comparing every count with the truth');
    const direct = await rig.openDirectStore();
    try {
      const counts = await compareCounts(direct, source);
      await direct.checkpoints.refresh();
      const result: CampaignResult = {
        startedAt,
        minutes: MINUTES,
        drainS: (Date.now() - drainStarted) / 1000,
        faults: records,
        produced: { valid: source.truth.eventIds.size, malformed: source.malformed.size, resends: producing.resends() },
        restarts: rig.restarts,
        http: http.stats,
        hostileSent: source.hostileSent,
        evaluatorFailovers: ctx.evaluatorFailovers,
        alerts: await compareAlerts(direct, rig.webhook),
        proxy: rig.proxy.stats(),
        truncatedPartitions: await truncatedPartitions(rig.kafka),
        counts,
        countsAfterCheckpoint: await compareCounts(direct, source),
        events: await compareEvents(direct, source),
        deadLetters: await compareDeadLetters(rig.kafka, source),
      };
      const markdown = campaignMarkdown(result, `npm run faults -- --minutes ${MINUTES}`);
      console.log(`\n${markdown}`);
      writeFileSync(join(testPackageRoot(), '..', 'docs', 'fault-campaign.md'), markdown);
      const v = verdict(result);
      log(
        `lost = ${v.lost}, double-counted = ${v.doubled}${v.ok ? '' : ' — DISCREPANCY'}${v.findings.length > 0 ? `; also: ${v.findings.join('; ')}` : ''}`,
      );
      code = v.ok ? 0 : 1;
    } finally {
      await direct.close();
    }
  } finally {
    await rig.stop();
  }
  process.exit(code);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
