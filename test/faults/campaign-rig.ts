// Everything the fault campaign runs and breaks: a restartable embedded engine behind the store
// proxy, a mock Kafka broker, and supervised processes (restarted when they die, as an
// orchestrator would): Kafka ingest, the API (HTTP ingest) and evaluator replicas, which lead by a
// lease in the store and refresh the count checkpoints; a real Alertmanager and webhook receiver
// record what the evaluators deliver.
import { startEmbeddedClickHouse, type EmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { openStore, type Store } from '@pi-egress/store';
import type { Kafka } from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ALERT_IDENTITY } from '../harness/alerting-rig.js';
import { startWebhookAlertmanager, type AlertmanagerInstance, type WebhookReceiver } from '../harness/alertmanager.js';
import { MOCK_TUNING_ENV, startIngestProcess } from '../harness/ingest-kafka.js';
import { startEventsMock, type KafkaMock } from '../harness/kafka-mock.js';
import { freePort, removeDir, sleep, startService, tempDir, testPackageRoot, type Service } from '../harness/process.js';
import { startStoreProxy, type StoreProxy } from './store-proxy.js';

export const TOPIC = 'pi.egress.events';
export const DLQ_TOPIC = 'pi.egress.events.dlq';
export const MAIN_GROUP = 'pi-egress-monitor';
export const DATABASE = 'faults';
export const SUBJECT_KEY = 'fault-campaign-subject-key';
export const MAX_MESSAGE_BYTES = 16 * 1024;
export const INGEST_TOKEN = 'fault-campaign-ingest-token';
const SETTLE_MS = 10_000;
const REPO = join(testPackageRoot(), '..');

export interface ProcessSlot {
  kind: 'ingest' | 'api' | 'evaluator';
  name: string;
  /** Kafka consumer group (ingest only). */
  groupId?: string;
  service?: Service;
  /** false: stopped on purpose, not to be restarted. */
  wanted: boolean;
}

function buildServices(): void {
  const filters = ['@pi-egress/ingest...', '@pi-egress/api...', '@pi-egress/evaluator...'].flatMap((filter) => ['--filter', filter]);
  const result = spawnSync('npx', ['--yes', 'pnpm@10.34.9', 'exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the services failed:\n${result.stdout}\n${result.stderr}`);
}

export class CampaignRig {
  engine!: EmbeddedClickHouse;
  proxy!: StoreProxy;
  mock!: KafkaMock;
  kafka!: Kafka;
  /** The store through the proxy: what the services see. */
  store!: Store;
  alertmanager!: AlertmanagerInstance;
  webhook!: WebhookReceiver;
  readonly slots: ProcessSlot[] = [];
  restarts = 0;
  /** The API's fixed port: clients retry the same URL across its restarts. */
  apiUrl = '';
  private dataDir = '';
  private timers: NodeJS.Timeout[] = [];
  private supervising = false;

  async start(): Promise<void> {
    buildServices();
    this.dataDir = await tempDir('faults');
    this.engine = await startEmbeddedClickHouse({ dataDir: this.dataDir });
    this.proxy = await startStoreProxy(this.engine.url);
    ({ mock: this.mock, kafka: this.kafka } = await startEventsMock('fault-campaign', {
      topic: TOPIC,
      partitions: 12,
      dlq: DLQ_TOPIC,
      dlqPartitions: 4,
    }));
    this.store = await openStore({ url: this.proxy.url, database: DATABASE, settleMs: SETTLE_MS, requestTimeoutMs: 30_000 });
    ({ alertmanager: this.alertmanager, webhook: this.webhook } = await startWebhookAlertmanager(ALERT_IDENTITY));
    this.apiUrl = `http://127.0.0.1:${await freePort()}`;
  }

  /** Starts the supervised processes: `ingest` Kafka ingest processes in the main group, one API, `evaluators` evaluator replicas. */
  async startProcesses(counts: { ingest: number; evaluators: number }): Promise<void> {
    for (let i = 1; i <= counts.ingest; i++) this.slots.push({ kind: 'ingest', name: `ingest-${i}`, groupId: MAIN_GROUP, wanted: true });
    this.slots.push({ kind: 'api', name: 'api', wanted: true });
    for (let i = 1; i <= counts.evaluators; i++) this.slots.push({ kind: 'evaluator', name: `evaluator-${i}`, wanted: true });
    this.timers.push(setInterval(() => void this.supervise(), 1_000));
    await this.supervise();
    await waitForHttp(`${this.apiUrl}/healthz`);
  }

  /** Restarts every wanted process that is not running. */
  private async supervise(): Promise<void> {
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
      slot.service = await this.startProcess(slot);
    }
  }

  private async startProcess(slot: ProcessSlot): Promise<Service> {
    const common = {
      CLICKHOUSE_URL: this.proxy.url,
      CLICKHOUSE_DATABASE: DATABASE,
      EGRESS_COUNT_SETTLE_MS: String(SETTLE_MS),
      EGRESS_SUBJECT_KEY: SUBJECT_KEY,
      EGRESS_HTTP_HOST: '127.0.0.1',
    };
    if (slot.kind === 'ingest') {
      return startIngestProcess(slot.name, {
        ...MOCK_TUNING_ENV,
        ...common,
        KAFKA_BROKERS: this.mock.bootstrap,
        EGRESS_TOPIC: TOPIC,
        EGRESS_DLQ_TOPIC: DLQ_TOPIC,
        EGRESS_GROUP_ID: slot.groupId!,
        EGRESS_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
        // Small fetches: many batches, so a kill lands mid-batch rather than between them.
        KAFKA_FETCH_MAX_BYTES_PER_PARTITION: String(32 * 1024),
        EGRESS_HTTP_PORT: String(await freePort()),
        LOG_LEVEL: 'error',
      });
    }
    const env =
      slot.kind === 'api'
        ? {
            ...common,
            EGRESS_HTTP_PORT: new URL(this.apiUrl).port,
            EGRESS_TOKENS: `ingest:${INGEST_TOKEN}`,
            EGRESS_EVIDENCE_KEY_FILE: join(this.dataDir, 'evidence-ed25519.pem'),
            EGRESS_RATE_LIMIT_PER_MINUTE: '0',
            LOG_LEVEL: 'error',
          }
        : { ...common, EGRESS_HTTP_PORT: String(await freePort()), ALERTMANAGER_URL: this.alertmanager.url, LOG_LEVEL: 'info' };
    const main = join(REPO, 'services', slot.kind, 'dist', 'main.js');
    return startService({ name: slot.name, command: process.execPath, args: [main], env: { ...process.env, ...env } });
  }

  addIngest(name: string, groupId: string): void {
    this.slots.push({ kind: 'ingest', name, groupId, wanted: true });
  }

  kill(slot: ProcessSlot): void {
    slot.service?.child.kill('SIGKILL');
  }

  running(kind: ProcessSlot['kind'] = 'ingest'): ProcessSlot[] {
    return this.slots.filter((slot) => slot.kind === kind && slot.wanted && slot.service && !slot.service.exited);
  }

  /** The evaluator replica that leads now (its latest lease line says so), if any. */
  leadingEvaluator(): ProcessSlot | undefined {
    return this.running('evaluator').find((slot) => {
      const lines = slot.service!.output().match(/evaluator (leads|lost the lead)/g) ?? [];
      return lines.at(-1) === 'evaluator leads';
    });
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
    await Promise.all([this.alertmanager?.stop(), this.webhook?.stop()]);
    await this.proxy?.stop();
    await this.engine?.stop();
    await removeDir(this.dataDir);
  }
}

async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
