import { createLogger } from '@pi-egress/config';
import { createMetrics } from '@pi-egress/core';
import { startEvaluator, type Evaluator } from '@pi-egress/evaluator';
import { Registry } from 'prom-client';
import { startTestApi, type TestApi } from './api.js';
import { forSuite } from './suite.js';

export interface EvaluatedApi {
  api: TestApi;
  /** Evaluates only when asked (evaluateNow), on the API's business clock. */
  evaluator: Evaluator;
  stop(): Promise<void>;
}

/** The real API and an evaluator over the same store, both on the business clock `now`. */
export async function startEvaluatedApi(now: () => Date): Promise<EvaluatedApi> {
  const api = await startTestApi({ now });
  const evaluator = startEvaluator({
    ctx: api.ctx,
    metrics: createMetrics(new Registry()),
    logger: createLogger({ level: 'silent' }),
    intervalMs: 600_000,
    runbookBaseUrl: 'http://runbooks.test',
    followWrites: false,
  });
  return {
    api,
    evaluator,
    async stop() {
      await evaluator.stop();
      await api.close();
    },
  };
}

/** The evaluated API of a describe block (see {@link forSuite}), on the business clock `now`. */
export const evaluatedApiForSuite = (now: () => Date): EvaluatedApi =>
  forSuite(
    () => startEvaluatedApi(now),
    (rig) => rig.stop(),
  );
