import pRetry, { AbortError } from 'p-retry';
import { startEmbeddedClickHouse, type EmbeddedClickHouse, type EmbeddedClickHouseOptions } from './server.js';

export interface SupervisedClickHouseOptions extends EmbeddedClickHouseOptions {
  /** Called after each successful restart with the number of restarts so far (e.g. to count them in a metric). */
  onRestart?: (restarts: number) => void;
  /** Wait before the first restart attempt, doubled after each failed one up to `maxBackoffMs`; default 500 ms. */
  minBackoffMs?: number;
  /** Default 30 s. */
  maxBackoffMs?: number;
}

export interface SupervisedClickHouse {
  /** Stays the same across restarts: the engine comes back on the same ports and data directory. */
  readonly url: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly dataDir: string;
  /** Process id of the engine running now (undefined while it is being restarted). */
  readonly pid: number | undefined;
  readonly restarts: number;
  /** Stops the engine and the supervision. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded engine and restarts it on the same data directory and ports whenever it
 * exits without being asked to (a crash, an OOM kill, kill -9), with exponential backoff. The
 * store's client keeps its URL, so the monitor heals without a restart of its own; if the engine
 * cannot come back, the store stays unreachable and the API's /healthz says so.
 */
export async function superviseEmbeddedClickHouse(options: SupervisedClickHouseOptions): Promise<SupervisedClickHouse> {
  const first = await startEmbeddedClickHouse(options);
  const fixedPorts = { ...options, httpPort: first.httpPort, tcpPort: first.tcpPort };
  const logger = options.logger?.child({ component: 'clickhouse-embedded' });
  const stopping = new AbortController();
  let current: EmbeddedClickHouse | undefined = first;
  let restarts = 0;
  let restarting: Promise<void> = Promise.resolve();

  const restart = async () => {
    const engine = await pRetry(
      async () => {
        if (stopping.signal.aborted) throw new AbortError('the engine is stopping');
        return startEmbeddedClickHouse(fixedPorts);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: options.minBackoffMs ?? 500,
        maxTimeout: options.maxBackoffMs ?? 30_000,
        factor: 2,
        signal: stopping.signal,
        onFailedAttempt: ({ error, attemptNumber }) =>
          logger?.error({ err: error, attempt: attemptNumber, dataDir: first.dataDir }, 'embedded ClickHouse could not be restarted; retrying'),
      },
    ).catch((error: unknown) => {
      if (!stopping.signal.aborted) throw error;
      return undefined;
    });
    if (!engine) return;
    if (stopping.signal.aborted) return engine.stop();
    current = engine;
    restarts += 1;
    logger?.warn({ restarts, pid: engine.pid, url: engine.url }, 'embedded ClickHouse restarted on the same data directory');
    options.onRestart?.(restarts);
    watch(engine);
  };

  const watch = (engine: EmbeddedClickHouse) => {
    void engine.exited.then((code) => {
      if (stopping.signal.aborted) return;
      current = undefined;
      logger?.error({ code, pid: engine.pid, dataDir: engine.dataDir }, 'embedded ClickHouse exited; restarting it');
      restarting = restart();
    });
  };
  watch(first);

  return {
    url: first.url,
    httpPort: first.httpPort,
    tcpPort: first.tcpPort,
    dataDir: first.dataDir,
    get pid() {
      return current?.pid;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping.abort();
      await restarting.catch(() => undefined);
      await current?.stop();
      current = undefined;
    },
  };
}
