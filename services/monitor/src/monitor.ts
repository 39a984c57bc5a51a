import { buildApi, parseTokens } from '@pi-egress/api';
import { startEmbeddedClickHouse, type EmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { createLogger, type Env, type Logger } from '@pi-egress/config';
import { createMetrics, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue } from '@pi-egress/domain';
import { openStore, type Store } from '@pi-egress/store';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveSecrets } from './secrets.js';

export interface RunningMonitor {
  url: string;
  tokensFile?: string;
  stop(): Promise<void>;
}

/** Retries opening the store while a just-started or restarting engine does not answer yet. */
async function openStoreWhenReady(env: Env, url: string, logger: Logger): Promise<Store> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await openStore({
        url,
        username: env.CLICKHOUSE_USER,
        password: env.CLICKHOUSE_PASSWORD,
        database: env.CLICKHOUSE_DATABASE,
        settleMs: env.EGRESS_COUNT_SETTLE_MS,
        ...(env.CLICKHOUSE_CLUSTER ? { cluster: env.CLICKHOUSE_CLUSTER } : {}),
      });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      logger.warn({ err: error }, 'ClickHouse not ready yet, retrying');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

function loadCatalogue(file: string | undefined): CategoryCatalogue {
  return file ? CategoryCatalogue.fromJson(readFileSync(file, 'utf8')) : new CategoryCatalogue();
}

/**
 * The whole monitor in one process: the embedded ClickHouse engine unless CLICKHOUSE_URL is set,
 * HTTP ingest and API, evaluator and metrics, and Kafka ingest when KAFKA_BROKERS is set.
 */
export async function startMonitor(env: Env, logger: Logger = createLogger({ level: env.LOG_LEVEL })): Promise<RunningMonitor> {
  const dataDir = resolve(env.EGRESS_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => logger.error({ err: error }, 'error while stopping'));
  };
  try {
    let clickhouseUrl = env.CLICKHOUSE_URL;
    if (!clickhouseUrl) {
      const engine: EmbeddedClickHouse = await startEmbeddedClickHouse({ dataDir: join(dataDir, 'clickhouse'), logger });
      stops.push(() => engine.stop());
      clickhouseUrl = engine.url;
      logger.info({ clickhouse: engine.url, dataDir: engine.dataDir }, 'embedded ClickHouse engine started');
    }
    const store = await openStoreWhenReady(env, clickhouseUrl, logger);
    stops.push(() => store.close());
    const secrets = resolveSecrets({ ...env, EGRESS_DATA_DIR: dataDir });
    const ctx: MonitorContext = {
      store,
      catalogue: loadCatalogue(env.EGRESS_CATEGORIES_FILE),
      subjectKey: secrets.subjectKey,
      now: () => new Date(),
    };
    const metrics = createMetrics();
    const api = await buildApi({
      ctx,
      metrics,
      logger,
      tokens: parseTokens(secrets.tokens),
      maxBodyBytes: env.EGRESS_MAX_BODY_BYTES,
    });
    stops.push(() => api.close());
    await api.listen({ host: env.EGRESS_HTTP_HOST, port: env.EGRESS_HTTP_PORT });
    const address = api.server.address();
    const port = typeof address === 'object' && address ? address.port : env.EGRESS_HTTP_PORT;
    const url = `http://${env.EGRESS_HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : env.EGRESS_HTTP_HOST}:${port}`;
    logger.info(
      { url, docs: `${url}/docs`, tokens: secrets.tokensFile ?? 'EGRESS_TOKENS' },
      `PI egress monitor ready at ${url} (OpenAPI at ${url}/docs); API tokens in ${secrets.tokensFile ?? 'EGRESS_TOKENS'}`,
    );
    return { url, ...(secrets.tokensFile ? { tokensFile: secrets.tokensFile } : {}), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
