import type { EvidenceKey, IngestReport, Metrics, MonitorContext } from '@pi-egress/core';
import type { TokenEntry } from './auth.js';
import type { RateLimitOptions } from './rate-limit.js';

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
  /** Signs evidence packs (core's loadOrCreateEvidenceKey); without it an ephemeral key is used. */
  evidenceKey?: EvidenceKey;
  /** Chromium executable for PDF reports (EGRESS_CHROMIUM_PATH); default: found on PATH. */
  chromiumPath?: string;
  /** Per-client request limits; default DEFAULT_RATE_LIMIT. */
  rateLimit?: RateLimitOptions;
}
