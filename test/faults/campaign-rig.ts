// Everything the fault campaign runs and breaks: a restartable embedded engine behind the store
// proxy, a mock Kafka broker, supervised ingest processes (restarted when they die, as an
// orchestrator would) and a checkpointer doing what the evaluator does every 5 s.
import { startEmbeddedClickHouse, type EmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { openStore, type Store } from '@pi-egress/store';
import { Kafka, logLevel } from 'kafkajs';
import { buildIngestService, MOCK_TUNING_ENV, startIngestProcess } from '../harness/ingest-kafka.js';
import { startKafkaMock, type KafkaMock } from '../harness/kafka-mock.js';
import { freePort, removeDir, sleep, tempDir, type Service } from '../harness/process.js';
import { startStoreProxy, type StoreProxy } from './store-proxy.js';

export const TOPIC = 'pi.egress.events';
export const DLQ_TOPIC = 'pi.egress.events.dlq';
export const MAIN_GROUP = 'pi-egress-monitor';
export const DATABASE = 'faults';
export const SUBJECT_KEY = 'fault-campaign-subject-key';
export const MAX_MESSAGE_BYTES = 16 * 1024;
const SETTLE_MS = 10_000;
const CHECKPOINT_INTERVAL_MS = 5_000;

interface IngestSlot {
  name: string;
  groupId: string;
  service?: Service;
  /** false: stopped on purpose, not to be restarted. */
  wanted: boolean;
}

export class CampaignRig {
  engine!: EmbeddedClickHouse;
  proxy!: StoreProxy;
  mock!: KafkaMock;
  kafka!: Kafka;
  /** The store through the proxy: what the services see. */
  store!: Store;
  readonly slots: IngestSlot[] = [];
  restarts = 0;
  checkpointErrors = 0;
  private dataDir = '';
  private timers: NodeJS.Timeout[] = [];
  private supervising = false;

  async start(): Promise<void> {
    buildIngestService();
    this.dataDir = await tempDir('faults');
    this.engine = await startEmbeddedClickHouse({ dataDir: this.dataDir });
    this.proxy = await startStoreProxy(this.engine.url);
    this.mock = await startKafkaMock({ topics: [{ name: TOPIC, partitions: 12 }, { name: DLQ_TOPIC, partitions: 4 }] });
    this.kafka = new Kafka({ clientId: 'fault-campaign', brokers: this.mock.brokers, logLevel: logLevel.NOTHING });
    this.store = await openStore({ url: this.proxy.url, database: DATABASE, settleMs: SETTLE_MS, requestTimeoutMs: 30_000 });
  }

  /** Starts `count` supervised ingest processes in the main group, and the checkpointer. */
  async startIngest(count: number): Promise<void> {
    for (let i = 1; i <= count; i++) this.slots.push({ name: `ingest-${i}`, groupId: MAIN_GROUP, wanted: true });
    this.timers.push(setInterval(() => void this.superviseIngest(), 1_000));
    this.timers.push(setInterval(() => void this.checkpoint(), CHECKPOINT_INTERVAL_MS));
    await this.superviseIngest();
  }

  /** Restarts every wanted ingest process that is not running. */
  private async superviseIngest(): Promise<void> {
    if (this.supervising) return;
    this.supervising = true;
    try {
      await this.restartStopped();
    } finally {
      this.supervising = false;
    }
  }

  private async restartStopped(): Promise<void> {
    for (const slot of this.slots) {
      if (!slot.wanted || (slot.service && !slot.service.exited)) continue;
      if (slot.service) this.restarts += 1;
      slot.service = startIngestProcess(slot.name, {
        ...MOCK_TUNING_ENV,
        CLICKHOUSE_URL: this.proxy.url,
        CLICKHOUSE_DATABASE: DATABASE,
        EGRESS_COUNT_SETTLE_MS: String(SETTLE_MS),
        EGRESS_SUBJECT_KEY: SUBJECT_KEY,
        KAFKA_BROKERS: this.mock.bootstrap,
        EGRESS_TOPIC: TOPIC,
        EGRESS_DLQ_TOPIC: DLQ_TOPIC,
        EGRESS_GROUP_ID: slot.groupId,
        EGRESS_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
        // Small fetches: many batches, so a kill lands mid-batch rather than between them.
        KAFKA_FETCH_MAX_BYTES_PER_PARTITION: String(32 * 1024),
        EGRESS_HTTP_HOST: '127.0.0.1',
        EGRESS_HTTP_PORT: String(await freePort()),
        LOG_LEVEL: 'error',
      });
    }
  }

  private async checkpoint(): Promise<void> {
    try {
      await this.store.checkpoints.refresh();
    } catch {
      this.checkpointErrors += 1; // the store is down or slow: the next round catches up
    }
  }

  addIngest(name: string, groupId: string): void {
    this.slots.push({ name, groupId, wanted: true });
  }

  killIngest(slot: IngestSlot): void {
    slot.service?.child.kill('SIGKILL');
  }

  running(): IngestSlot[] {
    return this.slots.filter((slot) => slot.wanted && slot.service && !slot.service.exited);
  }

  /** SIGKILL of the engine, then a new one on the same data directory (a new port: the proxy follows). */
  async killAndRestartEngine(downMs: number): Promise<void> {
    process.kill(this.engine.pid, 'SIGKILL');
    await this.engine.stop().catch(() => undefined);
    await sleep(downMs);
    this.engine = await startEmbeddedClickHouse({ dataDir: this.dataDir });
    this.proxy.retarget(this.engine.url);
  }

  /** A store straight on the engine, for the final comparison. */
  openDirectStore(): Promise<Store> {
    return openStore({ url: this.engine.url, database: DATABASE, settleMs: 0, migrate: false });
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const slot of this.slots) slot.wanted = false;
    await Promise.all(this.slots.map((slot) => slot.service?.stop(3_000)));
    await this.store?.close();
    await this.mock?.stop();
    await this.proxy?.stop();
    await this.engine?.stop();
    await removeDir(this.dataDir);
  }
}
