import { ConfigError, createLogger, parseEnv, type BaseEnv, type EnvSchema, type Logger } from '@pi-egress/config';
import type { MonitorContext } from './context.js';
import { contextFromEnv, openStoreFromEnv } from './startup.js';

/** What a service's `start` is given. */
export interface ServiceRun<Env extends BaseEnv> {
  env: Env;
  /** The service's logger (name = the service's name); give parts `logger.child({ component })`. */
  logger: Logger;
  /** Aborted when the service starts stopping (a signal or a fatal error), e.g. while waiting for the store. */
  signal: AbortSignal;
  /**
   * Opens the store at CLICKHOUSE_URL the way every service does (closed when the service stops)
   * and gives the service's context over it (contextFromEnv).
   */
  openContext(): Promise<MonitorContext>;
  /** Registers what to stop; stops run last registered first. */
  onStop(stop: () => Promise<void> | void): void;
  /** A fatal error after start: logged, everything stopped, exit 1. */
  fail(error: unknown): void;
}

export interface ServiceDefinition<Env extends BaseEnv> {
  /** The process's name in logs and in the one-line configuration error. */
  name: string;
  envSchema: EnvSchema<Env>;
  start(run: ServiceRun<Env>): Promise<void>;
}

/**
 * The one way a standalone process starts and stops. Exit codes: 0 after SIGTERM/SIGINT and an
 * orderly stop; 1 when the configuration is invalid (one line on stderr naming each variable, no
 * stack), when start-up fails (the store unreachable for EGRESS_STORE_UNREACHABLE_LIMIT_MS
 * included), when `fail` is called, or when stopping fails.
 */
export async function runService<Env extends BaseEnv>(definition: ServiceDefinition<Env>, source: NodeJS.ProcessEnv = process.env): Promise<void> {
  let env: Env;
  try {
    env = parseEnv(definition.envSchema, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${definition.name}: ${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: env.LOG_LEVEL, name: definition.name });
  const stops: Array<() => Promise<void> | void> = [];
  const stopping = new AbortController();

  const stop = async (reason: string, code: number): Promise<never> => {
    if (!stopping.signal.aborted) {
      stopping.abort(new Error(`stopping: ${reason}`));
      // A failure was logged already, as one line: only an ordered stop says so.
      if (code === 0) logger.info({ reason }, `${definition.name} stopping`);
      for (const stopOne of stops.reverse()) {
        try {
          await stopOne();
        } catch (error) {
          logger.error({ err: error }, 'error while stopping');
          code = 1;
        }
      }
      process.exit(code);
    }
    return new Promise<never>(() => {});
  };
  const fail = (error: unknown) => {
    logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
    void stop('fatal error', 1);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(signal, 0));

  try {
    await definition.start({
      env,
      logger,
      signal: stopping.signal,
      openContext: async () => {
        if (!env.CLICKHOUSE_URL) throw new ConfigError('invalid configuration: CLICKHOUSE_URL is required');
        const store = await openStoreFromEnv(env, env.CLICKHOUSE_URL, logger, stopping.signal);
        stops.push(() => store.close());
        return contextFromEnv(store, env);
      },
      onStop: (stopOne) => void stops.push(stopOne),
      fail,
    });
  } catch (error) {
    // A start cut short by a signal is an orderly stop, not a failure.
    if (!stopping.signal.aborted) fail(error);
  }
}
