import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { baseDashboard, CLICKHOUSE, labelValuesVariable, promQuery, sqlQuery, thresholds, thresholdStat, timeSeriesPanel } from './build.js';

const JOB = 'job=~"$job"';

/** A time series of one query per instance-like legend, with a unit. */
const series = (
  title: string,
  description: string,
  box: { x: number; y: number; w: number; h: number },
  unit: string,
  ...queries: ReturnType<typeof promQuery>[]
) => timeSeriesPanel({ title, description, box }, queries).unit(unit);

export function pipelineHealthDashboard(): dashboard.DashboardBuilder {
  return baseDashboard({
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
      thresholdStat(
        {
          title: 'Dead letters in range',
          description: 'Messages sent to the dead-letter topic, by reason: they are not counted until fixed and replayed. Every reason starts at 0.',
          box: { x: 4, y: 0, w: 6, h: 5 },
        },
        promQuery(`sum by (reason) (increase(pi_egress_dead_letters_total{${JOB}}[$__range]))`, { legend: '{{reason}}' }),
        thresholds(['green', null], ['orange', 1]),
      ).decimals(0),
    )
    .withPanel(
      thresholdStat(
        {
          title: 'Store errors in range',
          description: 'Failed (retried) store operations, by operation (write, checkpoint, evaluate). Every operation starts at 0.',
          box: { x: 10, y: 0, w: 4, h: 5 },
        },
        promQuery(`sum by (operation) (increase(pi_egress_store_errors_total{${JOB}}[$__range]))`, { legend: '{{operation}}' }),
        thresholds(['green', null], ['orange', 1]),
      ).decimals(0),
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
    )
    .withPanel(
      series(
        'Events per second by result',
        'accepted, duplicate (repeated eventId), rejected (invalid; dead-lettered on Kafka), dropped.',
        { x: 0, y: 5, w: 12, h: 8 },
        'ops',
        promQuery(`sum by (result) (rate(pi_egress_events_total{${JOB}}[$__rate_interval]))`, { legend: '{{result}}', range: true }),
      ),
    )
    .withPanel(
      series(
        'Subject records per second, per instance',
        'Subject records in accepted events: how the work spreads over the consumers of the group.',
        { x: 12, y: 5, w: 12, h: 8 },
        'ops',
        promQuery(`sum by (instance) (rate(pi_egress_subjects_total{${JOB}}[$__rate_interval]))`, { legend: '{{instance}}', range: true }),
      ),
    )
    .withPanel(
      series(
        'Kafka consumer lag per partition',
        "Messages after the last one processed, per topic partition, as of each consumer's last batch.",
        { x: 0, y: 13, w: 12, h: 8 },
        'short',
        promQuery(`max by (topic, partition) (pi_egress_kafka_consumer_lag_messages{${JOB}})`, { legend: '{{topic}}/{{partition}}', range: true }),
      ),
    )
    .withPanel(
      series(
        'Ingest lag (event time to stored)',
        'Per instance.',
        { x: 12, y: 13, w: 12, h: 8 },
        's',
        promQuery(`max by (instance) (pi_egress_ingest_lag_seconds{${JOB}})`, { legend: '{{instance}}', range: true }),
      ),
    )
    .withPanel(
      series(
        'Batch duration',
        'Time to validate, pseudonymise and durably write one batch, by source (kafka, http): median and 99th percentile.',
        { x: 0, y: 21, w: 12, h: 8 },
        's',
        promQuery(`histogram_quantile(0.5, sum by (le, source) (rate(pi_egress_ingest_batch_duration_seconds_bucket{${JOB}}[$__rate_interval])))`, {
          legend: 'p50 {{source}}',
          range: true,
        }),
        promQuery(`histogram_quantile(0.99, sum by (le, source) (rate(pi_egress_ingest_batch_duration_seconds_bucket{${JOB}}[$__rate_interval])))`, {
          legend: 'p99 {{source}}',
          range: true,
          refId: 'B',
        }),
      ),
    )
    .withPanel(
      series(
        'Dead letters and store errors per second',
        'Dead letters by reason; failed (retried) store operations by operation. Every series starts at 0.',
        { x: 12, y: 21, w: 12, h: 8 },
        'ops',
        promQuery(`sum by (reason) (rate(pi_egress_dead_letters_total{${JOB}}[$__rate_interval]))`, {
          legend: 'dead letter {{reason}}',
          range: true,
        }),
        promQuery(`sum by (operation) (rate(pi_egress_store_errors_total{${JOB}}[$__rate_interval]))`, {
          legend: 'store error {{operation}}',
          range: true,
          refId: 'B',
        }),
      ),
    )
    .withPanel(
      series(
        'CPU per instance',
        'Process CPU time per second.',
        { x: 0, y: 29, w: 8, h: 7 },
        'percentunit',
        promQuery(`rate(process_cpu_seconds_total{${JOB}}[$__rate_interval])`, { legend: '{{instance}}', range: true }),
      ),
    )
    .withPanel(
      series(
        'Resident memory per instance',
        'Process resident set size.',
        { x: 8, y: 29, w: 8, h: 7 },
        'bytes',
        promQuery(`process_resident_memory_bytes{${JOB}}`, { legend: '{{instance}}', range: true }),
      ),
    )
    .withPanel(
      series(
        'Event-loop lag p99 per instance',
        'A blocked event loop delays batches and heartbeats (and so rebalances).',
        { x: 16, y: 29, w: 8, h: 7 },
        's',
        promQuery(`nodejs_eventloop_lag_p99_seconds{${JOB}}`, { legend: '{{instance}}', range: true }),
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Transfers stored per minute (store view)',
          description: "Counted from the store: cross-checks the consumers' own throughput figures.",
          box: { x: 0, y: 36, w: 24, h: 7 },
        },
        [
          sqlQuery(
            `SELECT toStartOfMinute(ingested_at) AS time, count() AS transfers
FROM transfers
WHERE $__timeFilter(ingested_at)
GROUP BY time
ORDER BY time`,
            'timeseries',
          ),
        ],
        CLICKHOUSE,
      )
        .drawStyle(common.GraphDrawStyle.Bars)
        .fillOpacity(60)
        .unit('short'),
    );
}
