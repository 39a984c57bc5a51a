import { ALERT_NAMES, CHANNELS, type Channel } from '@pi-egress/domain';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REJECTION_CODES } from './pipeline/step-result.js';

/** The label values known in advance: their series start at 0, so a quiet system shows 0, not "No data". */
export const EVENT_RESULTS = ['accepted', 'duplicate', 'rejected', 'dropped'] as const;
/** Store operations that are retried on failure (the `operation` label of pi_egress_store_errors_total). */
export const STORE_OPERATIONS = ['write', 'checkpoint', 'evaluate'] as const;
export const INGEST_SOURCES = ['http', 'kafka'] as const;
const SEVERITIES = ['warning', 'high', 'critical'] as const;

/**
 * Inputs received but not yet written to the store (an HTTP batch from its receipt, a Kafka batch
 * from its oldest message's timestamp), so the ingest lag is how long the oldest of them has been
 * waiting: it grows while the store refuses writes or a batch is retried, and is 0 when ingest
 * keeps up, however old the events themselves are.
 */
export class IngestBacklog {
  private readonly waiting = new Map<number, number>();
  private nextId = 0;

  /** Registers an input received at `receivedAt`; call the returned function once it is written (or answered). */
  received(receivedAt: Date): () => void {
    const id = this.nextId++;
    this.waiting.set(id, receivedAt.getTime());
    return () => this.waiting.delete(id);
  }

  /** Seconds the oldest waiting input has waited, 0 when none waits. */
  lagSeconds(now = Date.now()): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const at of this.waiting.values()) oldest = Math.min(oldest, at);
    return Number.isFinite(oldest) ? Math.max(0, (now - oldest) / 1000) : 0;
  }
}

/**
 * The metrics of SPEC §7, in one registry per process, the series of known label values at 0.
 * Names are fixed by the spec (outside checks rely on them); labels never carry a subject id.
 */
export function createMetrics(registry = new Registry()): Metrics {
  return zeroKnownSeries(defineMetrics(registry));
}

function defineMetrics(registry: Registry) {
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges `_total`, which Prometheus reserves for counters
  // (`promtool check metrics` flags them); the process_* and other nodejs_* metrics stay.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
  // certificate_id names a certificate (the Prometheus rules judge certificates by it); instrument_id
  // and instrument_kind an instrument of the other kinds; all empty on processor totals.
  const scopeLabels = ['processor_id', 'certificate_id', 'instrument_id', 'instrument_kind', 'class', 'year'] as const;
  const ingestBacklog = new IngestBacklog();
  const gauge = <L extends string = string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const counter = <L extends string = string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    ingestBacklog,
    individuals: gauge(
      'pi_egress_individuals',
      'Distinct individuals whose PI was sent abroad this calendar year (China time), per class',
      scopeLabels,
    ),
    cap: gauge('pi_egress_cap', "Declared cap of the certificate's scope, per class", scopeLabels),
    utilization: gauge('pi_egress_utilization_ratio', 'Distinct individuals divided by the declared cap, per class', scopeLabels),
    forecastCapTimestamp: gauge(
      'pi_egress_forecast_cap_timestamp_seconds',
      'Start (China time) of the day the cap is reached at the trailing rate of new individuals, Unix seconds; absent when not this year or within validity',
      scopeLabels,
    ),
    // Each certificate's own alerting settings, so the Prometheus rules judge what the evaluator judges.
    alertLevel: gauge('pi_egress_alert_level_ratio', "A utilisation level of the certificate's alerting.levels (label level), per class", [
      'processor_id',
      'certificate_id',
      'class',
      'year',
      'level',
    ]),
    forecastHorizon: gauge('pi_egress_forecast_horizon_seconds', "The certificate's alerting.forecastHorizonDays, in seconds", [
      'processor_id',
      'certificate_id',
    ]),
    events: counter(
      'pi_egress_events_total',
      'Egress events received, by result (accepted, duplicate, rejected, dropped: a tombstone without a value)',
      ['result'],
    ),
    domesticTransfers: counter(
      'pi_egress_domestic_transfers_total',
      'Accepted transfers to recipients in mainland China (CN): recorded apart, not outbound, never counted',
    ),
    transfersByChannel: counter(
      'pi_egress_transfers_total',
      'Accepted transfers by channel: transfer (sent) or remote_access (overseas access to PI stored in China, counted the same)',
      ['channel'],
    ),
    subjects: counter('pi_egress_subjects_total', 'Subject records in accepted events'),
    deadLetters: counter('pi_egress_dead_letters_total', 'Messages sent to the dead-letter topic, by reason', ['reason']),
    ingestLag: new Gauge({
      name: 'pi_egress_ingest_lag_seconds',
      help: 'How far ingest is behind its input: how long the oldest input not yet written has waited (HTTP: since receipt; Kafka: since the message timestamp); 0 when none waits',
      registers: [registry],
      collect() {
        this.set(ingestBacklog.lagSeconds());
      },
    }),
    eventDelay: gauge(
      'pi_egress_event_delay_seconds',
      'Event time to stored: wall clock minus the newest occurredAt of the last batch written (large for backfills and late producers, not a pipeline fault)',
    ),
    runbooks: gauge(
      'pi_egress_runbooks_info',
      'Where the runbooks the alerts link to are served (base_url; empty: /runbooks of this process); always 1',
      ['base_url'],
    ),
    certificateExpiry: gauge(
      'pi_egress_certificate_expiry_timestamp_seconds',
      'End of the last day of validity of the certificate (China time), Unix seconds',
      ['certificate_id'],
    ),
    certificateSuperseded: gauge(
      'pi_egress_certificate_superseded',
      '1 when the certificate expired and its declared successor (supersededBy) is active, else 0',
      ['certificate_id'],
    ),
    alertsFiring: gauge('pi_egress_alerts_firing', 'Alerts currently firing, by alert name and severity', ['alertname', 'severity']),
    batchDuration: new Histogram({
      name: 'pi_egress_ingest_batch_duration_seconds',
      help: 'Time to validate, pseudonymise and durably write one batch of events',
      labelNames: ['source'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    engineRestarts: counter('pi_egress_store_engine_restarts_total', 'Restarts of the embedded ClickHouse engine after it exited unexpectedly'),
    storeErrors: counter('pi_egress_store_errors_total', 'Failed store operations (retried), by operation', ['operation']),
  };
}

export type Metrics = ReturnType<typeof defineMetrics>;

/** Every alert name at every severity at 0; the evaluator calls it again after each reset of the gauge. */
export function zeroAlertsFiring(metrics: Pick<Metrics, 'alertsFiring'>): void {
  for (const alertname of ALERT_NAMES) for (const severity of SEVERITIES) metrics.alertsFiring.set({ alertname, severity }, 0);
}

function zeroKnownSeries(metrics: Metrics): Metrics {
  for (const result of EVENT_RESULTS) metrics.events.inc({ result }, 0);
  for (const channel of CHANNELS) metrics.transfersByChannel.inc({ channel }, 0);
  // Every rejection code is a possible dead-letter reason (pipeline/step-result.ts).
  for (const reason of REJECTION_CODES) metrics.deadLetters.inc({ reason }, 0);
  for (const operation of STORE_OPERATIONS) metrics.storeErrors.inc({ operation }, 0);
  for (const source of INGEST_SOURCES) metrics.batchDuration.zero({ source });
  zeroAlertsFiring(metrics);
  return metrics;
}

/** Counts one ingest report into the event and subject counters. */
export function recordIngest(
  metrics: Metrics,
  report: {
    accepted: number;
    duplicates: number;
    rejected: readonly unknown[];
    transfers: ReadonlyArray<{ subjects: readonly unknown[]; occurredAt: Date; domestic?: boolean; channel?: Channel }>;
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
    metrics.transfersByChannel.inc({ channel: transfer.channel ?? 'transfer' });
    subjects += transfer.subjects.length;
    newest = Math.max(newest, transfer.occurredAt.getTime());
  }
  metrics.subjects.inc(subjects);
  metrics.domesticTransfers.inc(domestic);
  if (newest > 0) metrics.eventDelay.set(Math.max(0, (now.getTime() - newest) / 1000));
}

/** The gauges only the evaluator sets, all at once (its publishGauges): one series set per scope. */
const PUBLISHED_GAUGES = [
  'pi_egress_individuals',
  'pi_egress_cap',
  'pi_egress_utilization_ratio',
  'pi_egress_forecast_cap_timestamp_seconds',
  'pi_egress_alert_level_ratio',
  'pi_egress_forecast_horizon_seconds',
  'pi_egress_certificate_expiry_timestamp_seconds',
  'pi_egress_certificate_superseded',
  'pi_egress_alerts_firing',
] as const;

/** The evaluator's gauges as last rendered, encoded once: every scrape sends these bytes. */
const publishedBytes = new WeakMap<Metrics, Buffer>();

/** How long synchronous work on the gauges runs before it lets scrapes and requests in. */
const SLICE_MS = 10;

/**
 * Returns a step to await inside long synchronous loops: it yields to the event loop once `SLICE_MS`
 * of work ran since the last yield. At 2,000 certificates setting and rendering the gauges took
 * hundreds of milliseconds in one go, and every scrape and API request waited behind it (many-scopes
 * bench: /metrics p99 624 ms, admission p99 1.1 s against p50 107 and 209 ms).
 */
export function eventLoopSlices(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < SLICE_MS) return undefined;
    return nextTurn().then(() => {
      since = performance.now();
    });
  };
}

/** Whether the evaluator's gauges were rendered at least once (scrapes then read that text, not the gauges). */
export function hasPublishedGauges(metrics: Metrics): boolean {
  return publishedBytes.has(metrics);
}

/**
 * Renders the evaluator's gauges once, right after it set them: at 2,000 certificates they are
 * tens of thousands of series (3 MB of text), and rendering them on every scrape made /metrics
 * slow. Every scrape then reuses this text until the next evaluation. Rendered here in slices (the
 * text format of prom-client's registry), not by the registry in one synchronous pass per metric.
 */
export async function renderPublishedGauges(metrics: Metrics): Promise<void> {
  const slice = eventLoopSlices();
  const parts: string[] = [];
  for (const name of PUBLISHED_GAUGES) {
    const { help, type, values } = await metrics.registry.getSingleMetric(name)!.get();
    const lines = [`# HELP ${name} ${escapeText(help)}`, `# TYPE ${name} ${type}`];
    for (const { labels, value } of values) {
      let pairs = '';
      for (const label in labels) pairs += `${pairs === '' ? '' : ','}${label}="${escapeLabelValue(String(labels[label]))}"`;
      lines.push(`${name}${pairs === '' ? '' : `{${pairs}}`} ${valueText(value)}`);
      const pause = slice();
      if (pause) await pause;
    }
    parts.push(lines.join('\n'));
  }
  // Encoded here, once per evaluation: joining and encoding 3.8 MB on every scrape cost tens of
  // milliseconds each at 2,000 certificates (many-scopes bench profile).
  publishedBytes.set(metrics, Buffer.from(`${parts.join('\n')}\n`));
}

const escapeText = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabelValue = (text: string) => (/[\\\n"]/.test(text) ? escapeText(text).replace(/"/g, '\\"') : text);

function valueText(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

/** The /metrics body: the evaluator's gauges as last rendered (when any were), the rest live. */
export async function expositionBytes(metrics: Metrics): Promise<Buffer> {
  const published = publishedBytes.get(metrics);
  if (published === undefined) return Buffer.from(await metrics.registry.metrics());
  const skip = new Set<string>(PUBLISHED_GAUGES);
  const live = await Promise.all(
    metrics.registry
      .getMetricsAsArray()
      .filter((metric) => !skip.has(metric.name))
      .map((metric) => metrics.registry.getSingleMetricAsString(metric.name)),
  );
  return live.length === 0 ? published : Buffer.concat([Buffer.from(`${live.join('\n')}\n`), published]);
}

/** The /metrics text ({@link expositionBytes} as a string). */
export async function exposition(metrics: Metrics): Promise<string> {
  return (await expositionBytes(metrics)).toString();
}
