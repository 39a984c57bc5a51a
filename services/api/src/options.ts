import type { EvidenceKey, IngestReport, Metrics, MonitorContext, ReservationBook } from '@pi-egress/core';
import type { TokenEntry } from './auth.js';
import type { RateLimitOptions } from './rate-limit.js';

/** Default of EGRESS_MAX_BATCH_EVENTS. */
export const DEFAULT_MAX_BATCH_EVENTS = 100_000;

/** What every route plugin is given. */
export interface ApiOptions {
  ctx: MonitorContext;
  metrics: Metrics;
  tokens: readonly TokenEntry[];
  /** Largest request body accepted (EGRESS_MAX_BODY_BYTES); larger gets 413. */
  maxBodyBytes: number;
  /** Most events (JSON array items or NDJSON lines) in one batch (EGRESS_MAX_BATCH_EVENTS); more gets 413. */
  maxBatchEvents?: number;
  /** Extra readiness checks beside the store (e.g. Kafka connected). */
  readiness?: Record<string, () => boolean | Promise<boolean>>;
  /** Called after each HTTP batch is durably written (the evaluator re-checks at once). */
  onIngested?: (report: IngestReport) => void;
  /** Signs evidence packs (core's loadOrCreateEvidenceKey); without it an ephemeral key is used. */
  evidenceKey?: EvidenceKey;
  /** /healthz fails once the store has not answered for longer than this; default DEFAULT_STORE_UNREACHABLE_LIMIT_MS. */
  storeUnreachableLimitMs?: number;
  /** Where the alert runbooks are published (EGRESS_RUNBOOK_BASE_URL); unset: this API's /runbooks. Exported as pi_egress_runbooks_info for the Prometheus rules. */
  runbookBaseUrl?: string | undefined;
  /** External URL of the API (EGRESS_PUBLIC_URL), named as the server in the OpenAPI document. */
  publicUrl?: string | undefined;
  /** Capacity held by reserving admissions (one book per API process); buildApi makes one when not given. */
  reservations?: ReservationBook;
  /** Chromium executable for PDF reports (EGRESS_CHROMIUM_PATH); default: found on PATH. */
  chromiumPath?: string;
  /** Per-client request limits; default DEFAULT_RATE_LIMIT. */
  rateLimit?: RateLimitOptions;
}
