// The evaluator wired to a real Alertmanager and a webhook receiver, on a given store, with an
// injectable clock: shared by the evaluator's integration tests and the alert-latency benchmark.
import { createLogger } from '@pi-egress/config';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMetrics, declareCertificate, ingestEvents, recordIngest, type IngestReport, type Metrics, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue, validateCertificate } from '@pi-egress/domain';
import { startEvaluator, type Evaluator, type EvaluatorOptions } from '@pi-egress/evaluator';
import type { Store } from '@pi-egress/store';
import { startWebhookAlertmanager, type AlertmanagerInstance, type WebhookReceiver } from './alertmanager.js';

/** Every label an alert can carry: one Alertmanager group per alert, so each is delivered at once. */
export const ALERT_IDENTITY = ['alertname', 'severity', 'processor_id', 'certificate_id', 'group_id', 'class', 'level', 'reason'];

export const RUNBOOKS_URL = pathToFileURL(fileURLToPath(new URL('../../docs/runbooks', import.meta.url))).href;

export interface AlertingRig {
  store: Store;
  ctx: MonitorContext;
  metrics: Metrics;
  /** The business clock the rules judge (ctx.now()); set it to stand on any date. */
  clock: { now: Date };
  evaluator: Evaluator;
  alertmanager: AlertmanagerInstance;
  webhook: WebhookReceiver;
  ingest(events: unknown[]): Promise<IngestReport>;
  declare(certificate: Record<string, unknown>): Promise<void>;
  /** Stops the evaluator and starts a new one on the same store (a process restart). */
  restartEvaluator(): Promise<void>;
  stop(): Promise<void>;
}

const silent = createLogger({ level: 'silent' });

export async function startAlertingRig(opts: {
  store: Store;
  now: Date;
  evaluator?: Partial<Omit<EvaluatorOptions, 'ctx' | 'metrics'>>;
}): Promise<AlertingRig> {
  const { alertmanager, webhook } = await startWebhookAlertmanager(ALERT_IDENTITY);
  const clock = { now: opts.now };
  const ctx: MonitorContext = { store: opts.store, catalogue: new CategoryCatalogue(), subjectKey: 'alerting-rig-key', now: () => clock.now };
  const metrics = createMetrics();
  const start = () =>
    startEvaluator({
      ctx,
      metrics,
      logger: silent,
      alertmanagerUrl: alertmanager.url,
      // Periodic evaluation out of the way: tests drive it through writes and evaluateNow().
      intervalMs: 600_000,
      runbookBaseUrl: RUNBOOKS_URL,
      ...opts.evaluator,
    });
  const rig: AlertingRig = {
    store: opts.store,
    ctx,
    metrics,
    clock,
    evaluator: start(),
    alertmanager,
    webhook,
    async ingest(events) {
      const report = await ingestEvents(ctx, events);
      recordIngest(metrics, report, ctx.now());
      if (report.rejected.length > 0) throw new Error(`events rejected: ${JSON.stringify(report.rejected)}`);
      return report;
    },
    async declare(certificate) {
      const validated = validateCertificate(certificate);
      if (!validated.ok) throw new Error(validated.errors.join('; '));
      const declared = await declareCertificate(ctx, validated.certificate);
      if (!declared.ok) throw new Error(declared.errors.join('; '));
    },
    async restartEvaluator() {
      await rig.evaluator.stop();
      rig.evaluator = start();
    },
    async stop() {
      await rig.evaluator.stop();
      await Promise.all([alertmanager.stop(), webhook.stop()]);
    },
  };
  return rig;
}
