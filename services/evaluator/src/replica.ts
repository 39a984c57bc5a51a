import { LeaderLease } from '@pi-egress/store';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { startEvaluator, type Evaluator, type EvaluatorOptions } from './evaluator.js';

/** Lease time: a killed leader's replica takes over within this plus one refresh (< 30 s). */
export const EVALUATOR_LEASE_TTL_MS = 15_000;
const LEASE_NAME = 'evaluator';

export interface EvaluatorReplica extends Evaluator {
  /** Whether this replica currently leads. */
  leading(): boolean;
}

/**
 * An evaluator that may run beside others on one store: a lease in the store (LeaderLease) names
 * the one replica that changes alert state, delivers to Alertmanager and advances the count
 * checkpoints; the others stand by (they still evaluate for their gauges) and one of them takes
 * over when the leader stops renewing. README "Replicas" says why a lease.
 */
export function startEvaluatorReplica(options: EvaluatorOptions & { leaseTtlMs?: number }): EvaluatorReplica {
  const { ctx } = options;
  const logger = options.logger.child({ component: 'evaluator-lease' });
  const ttlMs = options.leaseTtlMs ?? EVALUATOR_LEASE_TTL_MS;
  const lease = new LeaderLease(ctx.store.client, { name: LEASE_NAME, holder: `${hostname()}:${process.pid}:${randomUUID()}`, ttlMs });
  const evaluator = startEvaluator({ ...options, leadership: lease });
  let wasLeading = false;
  let refreshing: Promise<void> = Promise.resolve();

  const refresh = () => {
    refreshing = lease.refresh().then(
      (leading) => {
        if (leading && !wasLeading) {
          logger.info({ holder: lease.holder, term: lease.term }, 'evaluator leads: alert state, delivery and checkpoints are this replica');
          evaluator.trigger();
        } else if (!leading && wasLeading) {
          logger.warn({ holder: lease.holder }, 'evaluator lost the lead; standing by');
        }
        wasLeading = leading;
      },
      (err: unknown) => {
        // held() lapses on its own clock: no write happens on a lease not renewed.
        logger.warn({ err }, 'evaluator lease refresh failed; retrying');
      },
    );
  };
  const timer = setInterval(refresh, Math.floor(ttlMs / 5));
  refresh();

  return {
    trigger: evaluator.trigger,
    evaluateNow: evaluator.evaluateNow,
    leading: () => lease.held(),
    async stop() {
      clearInterval(timer);
      await refreshing;
      await evaluator.stop();
      await lease.release().catch((err: unknown) => logger.warn({ err }, 'evaluator lease release failed; it expires on its own'));
    },
  };
}
