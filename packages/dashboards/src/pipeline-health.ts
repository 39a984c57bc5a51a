import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { baseDashboard, labelValuesVariable, type PanelText, promQuery, sqlBarsPanel, thresholds, thresholdStat, timeSeriesPanel } from './build.js';

const JOB = 'job=~"$job"';

/** A time series of Prometheus queries over the range, with a unit; query i has refId A, B, … */
interface SeriesPanel extends PanelText {
  unit: string;
  /** [PromQL, legend] */
  queries: Array<[string, string]>;
}

const series = ({ unit, queries, ...text }: SeriesPanel) =>
  timeSeriesPanel(
    text,
    queries.map(([expr, legend], index) => promQuery(expr, { legend, range: true, refId: String.fromCharCode(65 + index) })),
  ).unit(unit);

const SERIES: SeriesPanel[] = [
  {
    title: 'Events per second by result',
    description: 'accepted, duplicate (repeated eventId), rejected (invalid; dead-lettered on Kafka), dropped.',
    box: { x: 0, y: 5, w: 12, h: 8 },
    unit: 'ops',
    queries: [[`sum by (result) (rate(pi_egress_events_total{${JOB}}[$__rate_interval]))`, '{{result}}']],
  },
  {
    title: 'Subject records per second, per instance',
    description: 'Subject records in accepted events: how the work spreads over the consumers of the group.',
    box: { x: 12, y: 5, w: 12, h: 8 },
    unit: 'ops',
    queries: [[`sum by (instance) (rate(pi_egress_subjects_total{${JOB}}[$__rate_interval]))`, '{{instance}}']],
  },
  {
    title: 'Kafka consumer lag per partition',
    description: "Messages after the last one processed, per topic partition, as of each consumer's last batch.",
    box: { x: 0, y: 13, w: 12, h: 8 },
    unit: 'short',
    queries: [[`max by (topic, partition) (pi_egress_kafka_consumer_lag_messages{${JOB}})`, '{{topic}}/{{partition}}']],
  },
  {
    title: 'Ingest lag (event time to stored)',
    description: 'Per instance.',
    box: { x: 12, y: 13, w: 12, h: 8 },
    unit: 's',
    queries: [[`max by (instance) (pi_egress_ingest_lag_seconds{${JOB}})`, '{{instance}}']],
  },
  {
    title: 'Batch duration',
    description: 'Time to validate, pseudonymise and durably write one batch, by source (kafka, http): median and 99th percentile.',
    box: { x: 0, y: 21, w: 12, h: 8 },
    unit: 's',
    queries: [
      [
        `histogram_quantile(0.5, sum by (le, source) (rate(pi_egress_ingest_batch_duration_seconds_bucket{${JOB}}[$__rate_interval])))`,
        'p50 {{source}}',
      ],
      [
        `histogram_quantile(0.99, sum by (le, source) (rate(pi_egress_ingest_batch_duration_seconds_bucket{${JOB}}[$__rate_interval])))`,
        'p99 {{source}}',
      ],
    ],
  },
  {
    title: 'Dead letters and store errors per second',
    description: 'Dead letters by reason; failed (retried) store operations by operation. Every series starts at 0.',
    box: { x: 12, y: 21, w: 12, h: 8 },
    unit: 'ops',
    queries: [
      [`sum by (reason) (rate(pi_egress_dead_letters_total{${JOB}}[$__rate_interval]))`, 'dead letter {{reason}}'],
      [`sum by (operation) (rate(pi_egress_store_errors_total{${JOB}}[$__rate_interval]))`, 'store error {{operation}}'],
    ],
  },
  {
    title: 'CPU per instance',
    description: 'Process CPU time per second.',
    box: { x: 0, y: 29, w: 8, h: 7 },
    unit: 'percentunit',
    queries: [[`rate(process_cpu_seconds_total{${JOB}}[$__rate_interval])`, '{{instance}}']],
  },
  {
    title: 'Resident memory per instance',
    description: 'Process resident set size.',
    box: { x: 8, y: 29, w: 8, h: 7 },
    unit: 'bytes',
    queries: [[`process_resident_memory_bytes{${JOB}}`, '{{instance}}']],
  },
  {
    title: 'Event-loop lag p99 per instance',
    description: 'A blocked event loop delays batches and heartbeats (and so rebalances).',
    box: { x: 16, y: 29, w: 8, h: 7 },
    unit: 's',
    queries: [[`nodejs_eventloop_lag_p99_seconds{${JOB}}`, '{{instance}}']],
  },
];

/** A count per label in the dashboard's time range, starting green at 0. */
const increaseInRange = (text: PanelText, counter: string, by: string) =>
  thresholdStat(
    text,
    promQuery(`sum by (${by}) (increase(${counter}{${JOB}}[$__range]))`, { legend: `{{${by}}}` }),
    thresholds(['green', null], ['orange', 1]),
  ).decimals(0);

export function pipelineHealthDashboard(): dashboard.DashboardBuilder {
  const board = baseDashboard({
    uid: 'pi-egress-pipeline',
    title: 'PI egress · Pipeline health',
    description:
      'Throughput, consumer lag, dead letters, batch durations and store errors of the ingest path: can the counts be trusted to be complete?',
    refresh: '30s',
    from: 'now-6h',
  })
    .withVariable(labelValuesVariable('job', 'job', 'pi_egress_subjects_total', { all: '.+' }))
    .withPanel(
      thresholdStat(
        { title: 'Instances up', description: 'Scrape targets of the selected jobs that answer.', box: { x: 0, y: 0, w: 4, h: 5 } },
        promQuery(`sum(up{${JOB}})`),
        thresholds(['red', null], ['green', 1]),
      ),
    )
    .withPanel(
      increaseInRange(
        {
          title: 'Dead letters in range',
          description: 'Messages sent to the dead-letter topic, by reason: they are not counted until fixed and replayed. Every reason starts at 0.',
          box: { x: 4, y: 0, w: 6, h: 5 },
        },
        'pi_egress_dead_letters_total',
        'reason',
      ),
    )
    .withPanel(
      increaseInRange(
        {
          title: 'Store errors in range',
          description: 'Failed (retried) store operations, by operation (write, checkpoint, evaluate). Every operation starts at 0.',
          box: { x: 10, y: 0, w: 4, h: 5 },
        },
        'pi_egress_store_errors_total',
        'operation',
      ),
    )
    .withPanel(
      thresholdStat(
        {
          title: 'Ingest lag',
          description: 'Age of the newest event when it was written (event time to stored), worst instance.',
          box: { x: 14, y: 0, w: 5, h: 5 },
        },
        promQuery(`max(pi_egress_ingest_lag_seconds{${JOB}})`),
        thresholds(['green', null], ['orange', 300], ['red', 600]),
      ).unit('s'),
    )
    .withPanel(
      thresholdStat(
        { title: 'Kafka consumer lag', description: 'Messages not yet processed, summed over partitions.', box: { x: 19, y: 0, w: 5, h: 5 } },
        promQuery(`sum(pi_egress_kafka_consumer_lag_messages{${JOB}})`),
        thresholds(['green', null], ['orange', 100_000]),
      ).unit('short'),
    );
  for (const panel of SERIES) board.withPanel(series(panel));
  return board.withPanel(
    sqlBarsPanel(
      {
        title: 'Transfers stored per minute (store view)',
        description: "Counted from the store: cross-checks the consumers' own throughput figures.",
        box: { x: 0, y: 36, w: 24, h: 7 },
      },
      `SELECT toStartOfMinute(ingested_at) AS time, count() AS transfers
FROM transfers
WHERE $__timeFilter(ingested_at)
GROUP BY time
ORDER BY time`,
    ).unit('short'),
  );
}
