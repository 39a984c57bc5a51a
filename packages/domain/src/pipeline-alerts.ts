import { alertLabels, type AlertCandidate } from './alert-model.js';

/**
 * IngestStalled and DeadLettersPresent judged inside the process from its own ingest metrics, for
 * deployments without Prometheus (the embedded default). Same thresholds and label sets as the
 * shipped Prometheus rules, so Alertmanager merges the two when both run.
 */
export interface PipelineObservation {
  at: number;
  /** pi_egress_ingest_lag_seconds: how long the oldest input not yet written has waited. */
  ingestLagSeconds: number;
  /** pi_egress_dead_letters_total by reason. */
  deadLetters: Readonly<Record<string, number>>;
}

export const PIPELINE_RULES = Object.freeze({ lagSeconds: 600, stalledForMs: 600_000, deadLetterWindowMs: 3_600_000 });

/** Keeps what the rules need: the observations of the window plus the last one before it. */
export function trimObservations(history: readonly PipelineObservation[], now: number): PipelineObservation[] {
  const cutoff = now - Math.max(PIPELINE_RULES.deadLetterWindowMs, PIPELINE_RULES.stalledForMs);
  const firstInside = history.findIndex((o) => o.at >= cutoff);
  if (firstInside === -1) return history.slice(-1);
  return history.slice(Math.max(0, firstInside - 1));
}

/** `history` is oldest first and ends with the current observation. */
export function pipelineAlerts(history: readonly PipelineObservation[]): AlertCandidate[] {
  const current = history.at(-1);
  if (!current) return [];
  const alerts: AlertCandidate[] = [];

  // Stalled: lag above the threshold in every observation of the last `stalledForMs`, observed that long.
  const since = current.at - PIPELINE_RULES.stalledForMs;
  const observedLongEnough = (history[0]?.at ?? current.at) <= since;
  if (observedLongEnough && history.filter((o) => o.at >= since).every((o) => o.ingestLagSeconds > PIPELINE_RULES.lagSeconds)) {
    alerts.push({
      labels: alertLabels('IngestStalled', 'warning'),
      summary: 'PI egress ingest stalled: counts cannot be trusted to be complete',
      description:
        'Input has waited more than 10 minutes without being written to the store, for 10 minutes. Counts and scope alerts may be missing recent transfers.',
    });
  }

  // Dead letters: the counter grew within the window. Before the first observation the process
  // had just started, and its counters with it, from 0.
  const windowStart = current.at - PIPELINE_RULES.deadLetterWindowMs;
  const baseline = [...history].reverse().find((o) => o.at <= windowStart)?.deadLetters ?? {};
  for (const [reason, value] of Object.entries(current.deadLetters)) {
    const added = value - (baseline[reason] ?? 0);
    if (added <= 0) continue;
    alerts.push({
      labels: alertLabels('DeadLettersPresent', 'warning', { reason }),
      summary: `PI egress events dead-lettered (${reason})`,
      description: `${added} events went to the dead-letter topic in the last hour (${reason}). They are not counted: the counts cannot be trusted to be complete until they are fixed and replayed.`,
    });
  }
  return alerts;
}
