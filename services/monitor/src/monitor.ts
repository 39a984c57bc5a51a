import { apiOptionsFromEnv, buildApi, parseTokens } from '@pi-egress/api';
import { superviseEmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { createLogger, type Logger } from '@pi-egress/config';
import { createMetrics, loadCatalogue, loadOrCreateEvidenceKey, openStoreFromEnv, type MonitorContext } from '@pi-egress/core';
import { phoneRegion } from '@pi-egress/domain';
import { evaluatorOptionsFromEnv, startEvaluatorReplica } from '@pi-egress/evaluator';
import { kafkaSettingsFromEnv, startKafkaIngest } from '@pi-egress/ingest';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MonitorEnv } from './env.js';
import { resolveSecrets } from './secrets.js';

export interface RunningMonitor {
  url: string;
  tokensFile?: string;
  stop(): Promise<void>;
}

/**
 * The whole monitor in one process: the embedded ClickHouse engine unless CLICKHOUSE_URL is set,
 * HTTP ingest and API, evaluator and metrics, and Kafka ingest when KAFKA_BROKERS is set.
 */
export async function startMonitor(env: MonitorEnv, logger: Logger = createLogger({ level: env.LOG_LEVEL })): Promise<RunningMonitor> {
  // A bad category file stops start-up before anything else runs (one line naming the code).
  const catalogue = loadCatalogue(env.EGRESS_CATEGORIES_FILE);
  const region = phoneRegion(env.EGRESS_PHONE_REGION);
  const dataDir = resolve(env.EGRESS_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => logger.error({ err: error }, 'error while stopping'));
  };
  try {
    const metrics = createMetrics();
    let clickhouseUrl = env.CLICKHOUSE_URL;
    if (!clickhouseUrl) {
      const engine = await superviseEmbeddedClickHouse({
        dataDir: join(dataDir, 'clickhouse'),
        settings: env.EGRESS_ENGINE_SETTINGS,
        ...(env.EGRESS_ENGINE_CONFIG_FILE ? { configFile: resolve(env.EGRESS_ENGINE_CONFIG_FILE) } : {}),
        logger,
        onRestart: () => metrics.engineRestarts.inc(),
      });
      stops.push(() => engine.stop());
      clickhouseUrl = engine.url;
      logger.info({ clickhouse: engine.url, dataDir: engine.dataDir }, 'embedded ClickHouse engine started');
    }
    const store = await openStoreFromEnv(env, clickhouseUrl, logger);
    stops.push(() => store.close());
    const secrets = resolveSecrets({ ...env, EGRESS_DATA_DIR: dataDir });
    const ctx: MonitorContext = {
      store,
      catalogue,
      subjectKey: secrets.subjectKey,
      phoneRegion: region,
      now: () => new Date(),
    };

    const readiness: Record<string, () => boolean> = {};
    if (env.KAFKA_BROKERS) {
      const kafka = await startKafkaIngest({
        ctx,
        metrics,
        logger,
        kafka: kafkaSettingsFromEnv(env),
        // The consumer restarts itself from the committed offsets; this only reports it.
        onFatal: (error) => logger.error({ err: error }, 'Kafka consumer crashed; restarting it from the committed offsets'),
      });
      stops.push(() => kafka.stop());
      readiness.kafka = () => kafka.isReady();
    }

    const evidenceKeyFile = env.EGRESS_EVIDENCE_KEY_FILE ?? join(dataDir, 'secrets', 'evidence-ed25519.pem');
    const api = await buildApi({
      ctx,
      metrics,
      logger,
      tokens: parseTokens(secrets.tokens),
      ...apiOptionsFromEnv(env),
      publicUrl: env.EGRESS_PUBLIC_URL ?? `http://127.0.0.1:${env.EGRESS_HTTP_PORT}`,
      readiness,
      evidenceKey: loadOrCreateEvidenceKey(evidenceKeyFile),
    });
    logger.info(
      { evidenceKey: evidenceKeyFile, publicKey: `${evidenceKeyFile}.pub` },
      'evidence packs are signed with this Ed25519 key; give auditors the .pub file',
    );
    stops.push(() => api.close());
    await api.listen({ host: env.EGRESS_HTTP_HOST, port: env.EGRESS_HTTP_PORT });
    const address = api.server.address();
    const port = typeof address === 'object' && address ? address.port : env.EGRESS_HTTP_PORT;
    const url = `http://${env.EGRESS_HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : env.EGRESS_HTTP_HOST}:${port}`;
    // The evaluator follows every write of this process's store writer, HTTP and Kafka alike.
    const evaluator = startEvaluatorReplica({
      ctx,
      metrics,
      logger,
      ...evaluatorOptionsFromEnv(env, `${url.replace(/\/+$/, '')}/runbooks`),
    });
    stops.push(() => evaluator.stop());

    const tokensAt = secrets.tokensFile ?? 'EGRESS_TOKENS';
    logger.info(
      { url, docs: `${url}/docs`, tokens: tokensAt, kafka: env.KAFKA_BROKERS ?? null, alertmanager: env.ALERTMANAGER_URL ?? null },
      `PI egress monitor ready at ${url} (OpenAPI at ${url}/docs); API tokens in ${tokensAt}`,
    );
    return { url, ...(secrets.tokensFile ? { tokensFile: secrets.tokensFile } : {}), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
