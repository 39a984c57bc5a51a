import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The metrics of SPEC §7, in one registry per process. Names are fixed by the spec (outside checks
 * rely on them); labels never carry a subject id.
 */
export function createMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges `_total`, which Prometheus reserves for counters
  // (`promtool check metrics` flags them); the process_* and other nodejs_* metrics stay.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
  const scopeLabels = ['processor_id', 'certificate_id', 'class', 'year'] as const;
  return {
    registry,
    individuals: new Gauge({
      name: 'pi_egress_individuals',
      help: 'Distinct individuals whose PI was sent abroad this calendar year (China time), per class',
      labelNames: scopeLabels,
      registers: [registry],
    }),
    cap: new Gauge({
      name: 'pi_egress_cap',
      help: "Declared cap of the certificate's scope, per class",
      labelNames: scopeLabels,
      registers: [registry],
    }),
    utilization: new Gauge({
      name: 'pi_egress_utilization_ratio',
      help: 'Distinct individuals divided by the declared cap, per class',
      labelNames: scopeLabels,
      registers: [registry],
    }),
    forecastCapTimestamp: new Gauge({
      name: 'pi_egress_forecast_cap_timestamp_seconds',
      help: 'Start (China time) of the day the cap is reached at the trailing rate of new individuals, Unix seconds; absent when not this year or within validity',
      labelNames: scopeLabels,
      registers: [registry],
    }),
    // Each certificate's own alerting settings, so the Prometheus rules judge what the evaluator judges.
    alertLevel: new Gauge({
      name: 'pi_egress_alert_level_ratio',
      help: "A utilisation level of the certificate's alerting.levels (label level), per class",
      labelNames: ['processor_id', 'certificate_id', 'class', 'year', 'level'] as const,
      registers: [registry],
    }),
    forecastHorizon: new Gauge({
      name: 'pi_egress_forecast_horizon_seconds',
      help: "The certificate's alerting.forecastHorizonDays, in seconds",
      labelNames: ['processor_id', 'certificate_id'] as const,
      registers: [registry],
    }),
    events: new Counter({
      name: 'pi_egress_events_total',
      help: 'Egress events received, by result (accepted, duplicate, rejected)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    domesticTransfers: new Counter({
      name: 'pi_egress_domestic_transfers_total',
      help: 'Accepted transfers to recipients in mainland China (CN): recorded apart, not outbound, never counted',
      registers: [registry],
    }),
    subjects: new Counter({
      name: 'pi_egress_subjects_total',
      help: 'Subject records in accepted events',
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'pi_egress_dead_letters_total',
      help: 'Messages sent to the dead-letter topic, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    ingestLag: new Gauge({
      name: 'pi_egress_ingest_lag_seconds',
      help: 'Age of the newest event written to the store when it was written (event time to stored)',
      registers: [registry],
    }),
    certificateExpiry: new Gauge({
      name: 'pi_egress_certificate_expiry_timestamp_seconds',
      help: 'End of the last day of validity of the certificate (China time), Unix seconds',
      labelNames: ['certificate_id'] as const,
      registers: [registry],
    }),
    certificateSuperseded: new Gauge({
      name: 'pi_egress_certificate_superseded',
      help: '1 when the certificate expired and its declared successor (supersededBy) is active, else 0',
      labelNames: ['certificate_id'] as const,
      registers: [registry],
    }),
    alertsFiring: new Gauge({
      name: 'pi_egress_alerts_firing',
      help: 'Alerts currently firing, by alert name and severity',
      labelNames: ['alertname', 'severity'] as const,
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'pi_egress_ingest_batch_duration_seconds',
      help: 'Time to validate, pseudonymise and durably write one batch of events',
      labelNames: ['source'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'pi_egress_store_errors_total',
      help: 'Failed store operations (retried), by operation',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Counts one ingest report into the event and subject counters. */
export function recordIngest(
  metrics: Metrics,
  report: {
    accepted: number;
    duplicates: number;
    rejected: readonly unknown[];
    transfers: ReadonlyArray<{ subjects: readonly unknown[]; occurredAt: Date; domestic?: boolean }>;
  },
  now: Date,
): void {
  metrics.events.inc({ result: 'accepted' }, report.accepted);
  metrics.events.inc({ result: 'duplicate' }, report.duplicates);
  metrics.events.inc({ result: 'rejected' }, report.rejected.length);
  let subjects = 0;
  let newest = 0;
  let domestic = 0;
  for (const transfer of report.transfers) {
    if (transfer.domestic) domestic += 1;
    subjects += transfer.subjects.length;
    newest = Math.max(newest, transfer.occurredAt.getTime());
  }
  metrics.subjects.inc(subjects);
  metrics.domesticTransfers.inc(domestic);
  if (newest > 0) metrics.ingestLag.set(Math.max(0, (now.getTime() - newest) / 1000));
}
