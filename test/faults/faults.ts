// The faults the campaign injects, one at a time, each returning what it did (for the report).
import type { Producer } from 'kafkajs';
import { sleep } from '../harness/process.js';
import type { CampaignRig } from './campaign-rig.js';
import { TOPIC } from './campaign-rig.js';
import type { EventSource, FaultMessage } from './event-source.js';
import type { HttpIngestClient } from './http-client.js';

export interface FaultContext {
  rig: CampaignRig;
  source: EventSource;
  producer: Producer;
  http: HttpIngestClient;
  /** Seconds from kill -9 of the leading evaluator until another replica led, per kill (Infinity: none within 60 s). */
  evaluatorFailovers: number[];
}

const FAILOVER_WAIT_MS = 60_000;

export type Fault = (ctx: FaultContext) => Promise<string>;

export async function produce(producer: Producer, messages: readonly FaultMessage[]): Promise<void> {
  if (messages.length > 0) await producer.send({ topic: TOPIC, acks: -1, messages: [...messages] });
}

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

export const FAULTS: ReadonlyArray<{ name: string; run: Fault }> = [
  {
    name: 'SIGKILL of an ingest process mid-batch',
    async run({ rig }) {
      const victim = pick(rig.running());
      if (!victim) return 'no ingest process running: skipped';
      rig.kill(victim);
      return `${victim.name} (group ${victim.groupId}) killed; the supervisor restarts it`;
    },
  },
  {
    name: 'SIGKILL of the API process mid-batch (HTTP ingest)',
    async run({ rig, http }) {
      const [api] = rig.running('api');
      if (!api) return 'the API process is not running: skipped';
      const midBatch = await http.whenInFlight();
      rig.kill(api);
      return `api killed ${midBatch ? 'while a batch was in flight' : '(no batch in flight within 10 s)'}; the client retries the batch until the restarted API answers`;
    },
  },
  {
    name: 'SIGKILL of the leading evaluator replica',
    async run({ rig, evaluatorFailovers }) {
      const leader = rig.leadingEvaluator();
      if (!leader) return 'no evaluator leads right now: skipped';
      const killed = leader.service;
      rig.kill(leader);
      const killedAt = Date.now();
      // Any other process may take over, the killed replica restarted by the supervisor included.
      let next = rig.leadingEvaluator();
      while ((!next || next.service === killed) && Date.now() - killedAt < FAILOVER_WAIT_MS) {
        await sleep(200);
        next = rig.leadingEvaluator();
      }
      const seconds = next && next.service !== killed ? (Date.now() - killedAt) / 1000 : Number.POSITIVE_INFINITY;
      evaluatorFailovers.push(seconds);
      return Number.isFinite(seconds)
        ? `${leader.name} killed; ${next!.name}${next === leader ? ' (restarted)' : ''} leads ${seconds.toFixed(1)} s later`
        : `${leader.name} killed; no replica led within ${FAILOVER_WAIT_MS / 1000} s`;
    },
  },
  {
    name: 'burst of malformed and oversized messages',
    async run({ source, producer }) {
      const burst = Array.from({ length: 100 }, () => source.bad());
      await produce(producer, burst);
      return `${burst.length} messages: bad JSON, bad UTF-8, schema violations, over ${16} KiB, beyond the 5-minute skew`;
    },
  },
  {
    name: 'ClickHouse engine killed (SIGKILL) and restarted',
    async run({ rig }) {
      const started = Date.now();
      await rig.killAndRestartEngine(3_000);
      return `engine down and back on the same data directory in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    },
  },
  {
    name: 'clock skew in events',
    async run({ source, producer }) {
      const late = Array.from({ length: 30 }, () => source.valid('late'));
      const ahead = Array.from({ length: 30 }, () => source.valid('ahead'));
      await produce(producer, [...late, ...ahead]);
      return '30 late events of last year (count there), 30 events 4 min ahead (within the skew: counted)';
    },
  },
  {
    name: 'slow store (every response held 1.5 s for 20 s)',
    async run({ rig }) {
      rig.proxy.setDelay(1_500);
      await sleep(20_000);
      rig.proxy.setDelay(0);
      return 'every store response delayed by 1.5 s for 20 s, through the proxy';
    },
  },
  {
    name: 'redelivery storm: the whole consumer group restarted at once',
    async run({ rig }) {
      const victims = rig.running();
      for (const victim of victims) rig.kill(victim);
      return `${victims.length} ingest processes killed together: their uncommitted batches are redelivered after the rebalance`;
    },
  },
  {
    name: 'redelivery storm: offsets reset (a new consumer group from the beginning)',
    async run({ rig }) {
      const groupId = `pi-egress-reset-${rig.slots.length}`;
      rig.addIngest(`reset-${rig.slots.length}`, groupId);
      return `group ${groupId} re-reads every message produced so far, into the same store`;
    },
  },
];
