import type { Logger } from '@pi-egress/config';
import type { Consumer } from 'kafkajs';
import pRetry from 'p-retry';

export interface SupervisedConsumer {
  /** Pauses or resumes fetching from the topic on whichever consumer is current. */
  pause(): void;
  resume(): void;
  /** In the group with its partitions assigned. */
  readonly joined: boolean;
  /** Stops retrying and disconnects the current consumer (leaving the group). */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  topic: string;
  logger: Logger;
  /** Aborted by stop(). */
  signal: AbortSignal;
  create: () => Consumer;
  /** connect, subscribe and run. */
  start: (consumer: Consumer) => Promise<void>;
  onCrash?: (error: Error) => void;
}

/**
 * Keeps one consumer running. kafkajs restarts a consumer itself after retriable errors only; after
 * any other crash (or a failed start: brokers unreachable) a fresh consumer is started here after
 * an exponential backoff, so the service never needs a process restart (no crash loop). Readiness
 * is false meanwhile. Nothing is lost: the new member resumes from the committed offsets.
 */
export function superviseConsumer(options: SuperviseOptions): SupervisedConsumer {
  const { logger, signal } = options;
  const topics = [{ topic: options.topic }];
  let current: Consumer | undefined;
  let joined = false;

  const startOne = async () => {
    const consumer = options.create();
    current = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      joined = true;
      logger.info({ memberId: payload.memberId, partitions: payload.memberAssignment[options.topic] ?? [] }, 'joined the consumer group');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      joined = false;
      logger.error({ err: payload.error, restart: payload.restart }, 'Kafka consumer crashed');
      if (payload.restart || signal.aborted) return;
      options.onCrash?.(payload.error);
      launching = launch();
    });
    try {
      await options.start(consumer);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  };

  const launch = () =>
    pRetry(startOne, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 1_000,
      maxTimeout: 30_000,
      randomize: true,
      signal,
      onFailedAttempt: ({ error, attemptNumber }) => logger.error({ err: error, attempt: attemptNumber }, 'Kafka consumer could not start, retrying'),
    }).catch((error: unknown) => {
      if (!signal.aborted) logger.error({ err: error }, 'Kafka consumer start abandoned');
    });

  let launching = launch();
  return {
    pause: () => current?.pause(topics),
    resume: () => current?.resume(topics),
    get joined() {
      return joined;
    },
    async stop() {
      await launching;
      joined = false;
      await current?.disconnect();
    },
  };
}
