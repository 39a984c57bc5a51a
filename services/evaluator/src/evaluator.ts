import type { Logger } from '@pi-egress/config';
import type { Metrics, MonitorContext } from '@pi-egress/core';
import { reconcileAlerts, yearOf, type ActiveAlert } from '@pi-egress/domain';
import type { FiringAlert, StoredAlert } from '@pi-egress/store';
import { AlertmanagerPusher, type OutgoingAlert } from './alertmanager-client.js';
import { assess } from './assess.js';
import { CountCache } from './count-cache.js';
import { openIncidents } from './incidents.js';
import { publishGauges } from './gauges.js';
import { PipelineWatch } from './pipeline.js';
import { runbookUrl } from './runbooks.js';

export interface EvaluatorOptions {
  ctx: MonitorContext;
  metrics: Metrics;
  logger: Logger;
  /** Alertmanager base URL(s), comma-separated for an HA pair (ALERTMANAGER_URL); none: no delivery. */
  alertmanagerUrl?: string | undefined;
  /** Time between periodic evaluations (EGRESS_EVAL_INTERVAL_MS). */
  intervalMs: number;
  /** Base of the runbook_url annotation: `${runbookBaseUrl}/${alertname}.md`. */
  runbookBaseUrl: string;
  /** Firing alerts are re-sent at least this often (default 60 s), and live 4× that in Alertmanager. */
  resendIntervalMs?: number;
  /** An incident alert (out of scope, important data, unknown category) fires this long after its latest transfer (default 24 h). */
  incidentWindowMs?: number;
  /** Also evaluate after each write through ctx.store.writer (default true). */
  followWrites?: boolean;
  /**
   * Which replica changes alert state, delivers and advances checkpoints (a LeaderLease, see
   * replica.ts); the others only evaluate for their gauges. Default: this one, always.
   */
  leadership?: { held(): boolean; readonly term: number };
  /** Called with the outcome of every evaluation (benchmarks time the cycles with it). */
  onEvaluated?: (result: EvaluationResult) => void;
}

export interface EvaluationResult {
  /** Business time the rules were judged at (ctx.now()) and its counting year. */
  asOf: Date;
  year: number;
  firing: FiringAlert[];
  fired: FiringAlert[];
  resolved: FiringAlert[];
  durationMs: number;
}

export interface Evaluator {
  /** Evaluate soon; calls while one is already queued are coalesced into it. */
  trigger(): void;
  /** Evaluate now (after any evaluation in progress) and report the outcome. */
  evaluateNow(): Promise<EvaluationResult>;
  stop(): Promise<void>;
}

const DEFAULT_RESEND_MS = 60_000;
const DEFAULT_INCIDENT_WINDOW_MS = 24 * 3600_000;
/** Evaluations shorter than this follow writes at once (freshness); longer ones are spaced. */
const MIN_SPACED_CYCLE_MS = 100;
/**
 * A costly evaluation is followed, while writes keep coming, only after three times its duration:
 * evaluations then take at most a quarter of the time. At a half (the factor 1), a burst of HTTP
 * ingest (300,000 people) left the engine 4.2 s of CPU against 3.2–3.5 s, and 8 % fewer people/s.
 */
const SPACING_FACTOR = 3;

/** How long an evaluation after a write waits, given the last one: none after a cheap one. */
export function followUpDelayMs(last: { endedAt: number; durationMs: number }, now: number): number {
  if (last.durationMs < MIN_SPACED_CYCLE_MS) return 0;
  return Math.max(0, last.endedAt + SPACING_FACTOR * last.durationMs - now);
}

/**
 * Evaluates every SPEC §5 rule periodically and after ingest writes, keeps alert state in the
 * store (so a restart neither floods nor forgets), sets the SPEC §7 gauges and delivers to
 * Alertmanager. Rules judge the business clock ctx.now(); alert timestamps use the wall clock,
 * which is what Alertmanager compares startsAt/endsAt with.
 */
export function startEvaluator(options: EvaluatorOptions): Evaluator {
  const { ctx, metrics } = options;
  const logger = options.logger.child({ component: 'evaluator' });
  const resendMs = options.resendIntervalMs ?? DEFAULT_RESEND_MS;
  const pushers = (options.alertmanagerUrl ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0)
    .map((url) => new AlertmanagerPusher({ url, logger, firingTtlMs: 4 * Math.max(resendMs, options.intervalMs) }));

  const pipeline = new PipelineWatch(metrics);
  const counts = new CountCache(ctx);
  let active: ActiveAlert[] | undefined;
  let activeTerm: number | undefined;
  const leads = () => options.leadership?.held() ?? true;
  let lastPushAt = 0;
  let lastCheckpointAt = 0;
  // Checkpoint refreshes run beside evaluations, not in their path: after a burst of new people a
  // refresh takes seconds, which held every alert and gauge back (measured: /metrics freshness).
  // Counts are exact either way (checkpoint + tail); only the forecast's histogram waits for it.
  let refreshing: Promise<unknown> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let queued = false;
  let stopped = false;
  /** The last evaluation (spacing of write-triggered ones) and the spaced one waiting, if any. */
  let lastCycle = { endedAt: 0, durationMs: 0 };
  let followUp: NodeJS.Timeout | undefined;

  const toStored = (alert: ActiveAlert): StoredAlert => ({
    fingerprint: alert.fingerprint,
    labels: alert.labels,
    annotations: { summary: alert.summary, description: alert.description, runbook_url: runbookUrl(options.runbookBaseUrl, alert.labels.alertname) },
    startsAt: alert.startsAt,
  });
  const fromStored = (alert: StoredAlert): ActiveAlert => ({
    fingerprint: alert.fingerprint,
    labels: alert.labels as ActiveAlert['labels'],
    summary: alert.annotations.summary ?? '',
    description: alert.annotations.description ?? '',
    startsAt: alert.startsAt,
  });
  const toFiring = (alert: ActiveAlert): FiringAlert => {
    const stored = toStored(alert);
    return {
      alertname: alert.labels.alertname,
      severity: alert.labels.severity,
      labels: stored.labels,
      annotations: stored.annotations,
      startsAt: alert.startsAt.toISOString(),
    };
  };
  const outgoing = (alert: ActiveAlert): OutgoingAlert => {
    const stored = toStored(alert);
    return { labels: stored.labels, annotations: stored.annotations, startsAt: alert.startsAt.toISOString() };
  };

  function deliver(firing: readonly ActiveAlert[], resolved: readonly ActiveAlert[], changed: boolean): void {
    if (!changed && Date.now() - lastPushAt < resendMs) return;
    lastPushAt = Date.now();
    const resolvedByFingerprint = new Map(resolved.map((alert) => [alert.fingerprint, outgoing(alert)]));
    for (const pusher of pushers) pusher.push(firing.map(outgoing), resolvedByFingerprint);
  }

  async function evaluateOnce(): Promise<EvaluationResult> {
    const started = Date.now();
    const asOf = ctx.now();
    if (leads() && !refreshing && started - lastCheckpointAt >= options.intervalMs) {
      lastCheckpointAt = started;
      refreshing = ctx.store.checkpoints
        .refresh()
        .catch((err: unknown) => {
          metrics.storeErrors.inc({ operation: 'checkpoint' });
          logger.warn({ err }, 'count checkpoint refresh failed; retrying at the next interval');
        })
        .finally(() => (refreshing = undefined));
    }
    const assessment = await assess(ctx, counts, { incidentWindowMs: options.incidentWindowMs ?? DEFAULT_INCIDENT_WINDOW_MS });
    if (!leads()) return standBy(asOf, assessment, started);
    // Another replica may have led meanwhile: its alert state is in the store.
    if (activeTerm !== options.leadership?.term) [active, activeTerm] = [undefined, options.leadership?.term];
    active ??= (await ctx.store.alerts.active()).map(fromStored);
    const wallNow = new Date();
    const t = reconcileAlerts(active, [...assessment.candidates, ...(await pipeline.alerts(wallNow.getTime()))], wallNow);
    if (!leads()) return standBy(asOf, assessment, started);
    await ctx.store.alerts.record({
      at: wallNow,
      fired: t.fired.map(toStored),
      changed: t.changed.map(toStored),
      resolved: t.resolved.map(toStored),
    });
    await openIncidents(ctx, t.fired, assessment.year);
    active = t.firing;
    await publishGauges(metrics, assessment, t.firing);
    deliver(t.firing, t.resolved, t.fired.length + t.resolved.length > 0);
    for (const alert of t.fired) logger.info({ labels: alert.labels }, `alert firing: ${alert.summary}`);
    for (const alert of t.resolved) logger.info({ labels: alert.labels }, `alert resolved: ${alert.summary}`);
    return {
      asOf,
      year: yearOf(asOf),
      firing: t.firing.map(toFiring),
      fired: t.fired.map(toFiring),
      resolved: t.resolved.map(toFiring),
      durationMs: Date.now() - started,
    };
  }

  /** A replica that does not lead: gauges from the stored alert state, nothing written or sent. */
  async function standBy(asOf: Date, assessment: Awaited<ReturnType<typeof assess>>, started: number): Promise<EvaluationResult> {
    active = undefined;
    const firing = (await ctx.store.alerts.active()).map(fromStored);
    await publishGauges(metrics, assessment, firing);
    return { asOf, year: yearOf(asOf), firing: firing.map(toFiring), fired: [], resolved: [], durationMs: Date.now() - started };
  }

  /** Evaluations run one at a time, in call order. */
  function serial(): Promise<EvaluationResult> {
    const run = chain.then(async () => {
      queued = false;
      try {
        const result = await evaluateOnce();
        lastCycle = { endedAt: Date.now(), durationMs: result.durationMs };
        options.onEvaluated?.(result);
        return result;
      } catch (err) {
        metrics.storeErrors.inc({ operation: 'evaluate' });
        // The store is unreachable: keep what was firing alive in Alertmanager meanwhile.
        if (active) deliver(active, [], false);
        throw err;
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function trigger(): void {
    if (stopped || queued) return;
    queued = true;
    serial().catch((err: unknown) => logger.error({ err }, 'evaluation failed; retrying at the next interval'));
  }

  // After a write, evaluate at once unless the last evaluation was costly (followUpDelayMs): at
  // 2,000 certificates back-to-back cycles starved the ingest they follow.
  const afterWrite = () => {
    if (stopped || queued || followUp) return;
    const wait = followUpDelayMs(lastCycle, Date.now());
    if (wait === 0) return trigger();
    followUp = setTimeout(() => {
      followUp = undefined;
      trigger();
    }, wait);
  };
  const timer = setInterval(trigger, options.intervalMs);
  if (options.followWrites ?? true) ctx.store.writer.onWritten(afterWrite);
  trigger();

  return {
    trigger,
    evaluateNow: serial,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(followUp);
      await chain;
      await refreshing;
      await Promise.all(pushers.map((pusher) => pusher.stop()));
    },
  };
}

/**
 * The options a process takes from its environment (ALERTMANAGER_URL, EGRESS_EVAL_INTERVAL_MS,
 * EGRESS_RUNBOOK_BASE_URL, EGRESS_PUBLIC_URL). Runbook links: EGRESS_RUNBOOK_BASE_URL, else the
 * API's /runbooks under EGRESS_PUBLIC_URL, else `defaultRunbookBaseUrl`.
 */
export function evaluatorOptionsFromEnv(
  env: {
    ALERTMANAGER_URL?: string | undefined;
    EGRESS_EVAL_INTERVAL_MS: number;
    EGRESS_RUNBOOK_BASE_URL?: string | undefined;
    EGRESS_PUBLIC_URL?: string | undefined;
  },
  defaultRunbookBaseUrl: string,
): Pick<EvaluatorOptions, 'alertmanagerUrl' | 'intervalMs' | 'runbookBaseUrl'> {
  const published = env.EGRESS_PUBLIC_URL ? `${env.EGRESS_PUBLIC_URL.replace(/\/+$/, '')}/runbooks` : undefined;
  return {
    alertmanagerUrl: env.ALERTMANAGER_URL,
    intervalMs: env.EGRESS_EVAL_INTERVAL_MS,
    runbookBaseUrl: env.EGRESS_RUNBOOK_BASE_URL ?? published ?? defaultRunbookBaseUrl,
  };
}
