// The Kafka ingest rig of one describe block (see forSuite): a mock broker with the events topic and
// its dead-letter topic, a store, and Kafka ingest in this process consuming the one into the other.
// Started before the block's tests, stopped after them.
import { createMetrics, type Metrics } from '@pi-egress/core';
import type { KafkaIngest, KafkaIngestSettings } from '@pi-egress/ingest';
import type { Store } from '@pi-egress/store';
import { forSuite, openTestStore } from '@pi-egress/testing';
import type { Kafka } from 'kafkajs';
import {
  type DeadLetterRecord,
  type GroupProgress,
  groupProgress,
  produceMessages,
  readDeadLetters,
  startInProcessIngest,
  waitUntilConsumed,
} from './ingest-kafka.js';
import type { WorkloadMessage } from './ingest-workload.js';
import { type KafkaMock, startEventsMock } from './kafka-mock.js';

export interface KafkaIngestRigOptions {
  /** Partitions of the events topic and of its dead-letter topic. */
  partitions: number;
  dlqPartitions: number;
  subjectKey: string;
  maxMessageBytes: number;
  tuning?: KafkaIngestSettings['tuning'];
  /** The store the ingest writes to, closed with the rig (default: a fresh database on the test engine). */
  openStore?: () => Promise<Store>;
  /** Runs on the store before the ingest starts. */
  prepareStore?: (store: Store) => Promise<unknown>;
}

const TOPIC = 'pi.egress.events';
const DLQ_TOPIC = 'pi.egress.events.dlq';
const CLIENT_ID = 'ingest-test';

export class KafkaIngestRig {
  readonly topic = TOPIC;
  readonly dlqTopic = DLQ_TOPIC;
  readonly groupId = 'pi-egress-monitor';
  readonly metrics: Metrics = createMetrics();
  private running: KafkaIngest | undefined;

  private constructor(
    readonly mock: KafkaMock,
    /** A kafkajs client on the mock broker. */
    readonly kafka: Kafka,
    readonly store: Store,
    private readonly options: KafkaIngestRigOptions,
  ) {}

  static async start(options: KafkaIngestRigOptions): Promise<KafkaIngestRig> {
    const { mock, kafka } = await startEventsMock(CLIENT_ID, {
      topic: TOPIC,
      partitions: options.partitions,
      dlq: DLQ_TOPIC,
      dlqPartitions: options.dlqPartitions,
    });
    let rig: KafkaIngestRig | undefined;
    try {
      rig = new KafkaIngestRig(mock, kafka, await (options.openStore ?? openTestStore)(), options);
      await options.prepareStore?.(rig.store);
      await rig.restartIngest(options.maxMessageBytes);
      return rig;
    } catch (error) {
      await (rig ? rig.stop() : mock.stop());
      throw error;
    }
  }

  /** The ingest consuming now (another one after restartIngest). */
  get ingest(): KafkaIngest {
    if (!this.running) throw new Error('the rig runs no ingest');
    return this.running;
  }

  /** Stops the ingest (if one runs) and starts another that accepts messages up to `maxMessageBytes`. */
  async restartIngest(maxMessageBytes: number): Promise<void> {
    await this.running?.stop();
    this.running = await startInProcessIngest({
      store: this.store,
      subjectKey: this.options.subjectKey,
      metrics: this.metrics,
      kafka: {
        brokers: this.mock.brokers,
        clientId: CLIENT_ID,
        topic: this.topic,
        dlqTopic: this.dlqTopic,
        groupId: this.groupId,
        maxMessageBytes,
        ...(this.options.tuning ? { tuning: this.options.tuning } : {}),
      },
    });
  }

  produce(messages: readonly WorkloadMessage[]): Promise<void> {
    return produceMessages(this.kafka, this.topic, messages);
  }

  /** Waits until the ingest's group committed every message of the topic. */
  waitUntilConsumed(timeoutMs: number): Promise<void> {
    return waitUntilConsumed(this.kafka, this.groupId, this.topic, timeoutMs);
  }

  progress(): Promise<GroupProgress> {
    return groupProgress(this.kafka, this.groupId, this.topic);
  }

  deadLetters(): Promise<DeadLetterRecord[]> {
    return readDeadLetters(this.kafka, this.dlqTopic);
  }

  async stop(): Promise<void> {
    await this.running?.stop();
    await this.store.close();
    await this.mock.stop();
  }
}

export const kafkaIngestForSuite = (options: KafkaIngestRigOptions): KafkaIngestRig =>
  forSuite(
    () => KafkaIngestRig.start(options),
    (rig) => rig.stop(),
  );
