import type { IngestReport, Metrics, MonitorContext } from '@pi-egress/core';
import type { TokenEntry } from './auth.js';

/** What every route plugin is given. */
export interface ApiOptions {
  ctx: MonitorContext;
  metrics: Metrics;
  tokens: readonly TokenEntry[];
  /** Largest request body accepted (EGRESS_MAX_BODY_BYTES); larger gets 413. */
  maxBodyBytes: number;
  /** Extra readiness checks beside the store (e.g. Kafka connected). */
  readiness?: Record<string, () => boolean | Promise<boolean>>;
  /** Called after each HTTP batch is durably written (the evaluator re-checks at once). */
  onIngested?: (report: IngestReport) => void;
}
