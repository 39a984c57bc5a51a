import { alertFingerprint, type AlertCandidate, type AlertLabels } from './alert-model.js';

/** An alert as it is kept between evaluations (and across restarts). */
export interface ActiveAlert {
  fingerprint: string;
  labels: AlertLabels;
  summary: string;
  description: string;
  /** Firing since. */
  startsAt: Date;
}

export interface AlertTransitions {
  /** Everything firing after this evaluation, oldest first. */
  firing: ActiveAlert[];
  /** Newly firing. */
  fired: ActiveAlert[];
  /** Firing before, not any more (to be sent with endsAt = now). */
  resolved: ActiveAlert[];
  /** Still firing with new annotations (to be persisted, not re-announced). */
  changed: ActiveAlert[];
}

/**
 * Compares what was firing with what the rules want firing now. An alert keeps its `startsAt`
 * for as long as its labels keep being derived, so a restart neither re-announces nor forgets it.
 */
export function reconcileAlerts(previous: Iterable<ActiveAlert>, desired: readonly AlertCandidate[], now: Date): AlertTransitions {
  const before = new Map<string, ActiveAlert>();
  for (const alert of previous) before.set(alert.fingerprint, alert);
  const firing = new Map<string, ActiveAlert>();
  const fired: ActiveAlert[] = [];
  const changed: ActiveAlert[] = [];
  for (const candidate of desired) {
    const fingerprint = alertFingerprint(candidate.labels);
    if (firing.has(fingerprint)) continue;
    const old = before.get(fingerprint);
    const alert: ActiveAlert = {
      fingerprint,
      labels: candidate.labels,
      summary: candidate.summary,
      description: candidate.description,
      startsAt: old?.startsAt ?? now,
    };
    firing.set(fingerprint, alert);
    if (!old) fired.push(alert);
    else if (old.summary !== alert.summary || old.description !== alert.description) changed.push(alert);
  }
  const resolved = [...before.values()].filter((alert) => !firing.has(alert.fingerprint));
  const ordered = [...firing.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.fingerprint.localeCompare(b.fingerprint));
  return { firing: ordered, fired, resolved, changed };
}
