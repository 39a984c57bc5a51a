import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  baseDashboard,
  type Box,
  CLICKHOUSE,
  DASHED_CAP,
  gaugePanel,
  labelValuesVariable,
  LEVEL_THRESHOLDS,
  promQuery,
  type PanelText,
  row,
  sqlBarsPanel,
  sqlQuery,
  statPanel,
  tablePanel,
  thresholds,
  thresholdStat,
  timeSeriesPanel,
} from './build.js';
import { FORECAST_CAP_TIMESTAMP } from './metrics.js';

const CERT = 'certificate_id="$certificate"';
const YEAR = "toYear(toTimezone($__toTime, 'Asia/Shanghai'))";

/** A stat of one certificate's metric, per class. */
const perClassStat = (text: PanelText, metric: string) => statPanel(text, [promQuery(`${metric}{${CERT}}`, { legend: '{{class}}' })]).unit('short');

const sqlTable = (title: string, description: string, box: Box, sql: string) => tablePanel({ title, description, box }, [sqlQuery(sql)], CLICKHOUSE);

/** Transfers and subject records under the certificate in the time range, most transfers first. */
const BREAKDOWNS: Array<PanelText & { sql: string }> = [
  {
    title: 'By recipient and country',
    description: 'Transfers and subject records (not distinct persons) per overseas recipient.',
    box: { x: 0, y: 15, w: 8, h: 8 },
    sql: `SELECT recipient_id AS recipient, recipient_country AS country, count() AS transfers, sum(subject_count) AS subject_records
FROM transfers FINAL
WHERE certificate_id = \${certificate:sqlstring} AND $__timeFilter(occurred_at)
GROUP BY recipient, country
ORDER BY transfers DESC`,
  },
  {
    title: 'By PI category',
    description: 'Transfers and subject records per catalogue category code.',
    box: { x: 8, y: 15, w: 8, h: 8 },
    sql: `SELECT category, count() AS transfers, sum(subject_count) AS subject_records
FROM transfers FINAL
ARRAY JOIN categories AS category
WHERE certificate_id = \${certificate:sqlstring} AND $__timeFilter(occurred_at)
GROUP BY category
ORDER BY transfers DESC`,
  },
  {
    title: 'By purpose and source system',
    description: 'Transfers and subject records per declared purpose and sending system.',
    box: { x: 16, y: 15, w: 8, h: 8 },
    sql: `SELECT purpose, system, count() AS transfers, sum(subject_count) AS subject_records
FROM transfers FINAL
WHERE certificate_id = \${certificate:sqlstring} AND $__timeFilter(occurred_at)
GROUP BY purpose, system
ORDER BY transfers DESC`,
  },
];

export function certificateDashboard(): dashboard.DashboardBuilder {
  const board = baseDashboard({
    uid: 'pi-egress-certificate',
    title: 'PI egress · Certificate',
    description: 'One certificate: counts against its declared caps, new individuals per day, breakdowns, out-of-scope incidents and alert history.',
    refresh: '1m',
    from: 'now/y',
  })
    .withVariable(labelValuesVariable('certificate', 'certificate_id', 'pi_egress_cap'))
    .withPanel(
      perClassStat(
        {
          title: 'Distinct individuals this year',
          description: 'Per class, counted once per person however many transfers carried them.',
          box: { x: 0, y: 0, w: 6, h: 5 },
        },
        'certificate_class:pi_egress_individuals:max',
      ),
    )
    .withPanel(
      perClassStat(
        {
          title: 'Declared cap',
          description: "The certificate's declared limits (at most 999,999 non-sensitive and 9,999 sensitive).",
          box: { x: 6, y: 0, w: 5, h: 5 },
        },
        'certificate_class:pi_egress_cap:max',
      ),
    )
    .withPanel(
      gaugePanel(
        { title: 'Utilisation', description: 'Individuals divided by the declared cap.', box: { x: 11, y: 0, w: 5, h: 5 } },
        promQuery(`certificate_class:pi_egress_utilization_ratio:max{${CERT}}`, { legend: '{{class}}' }),
      )
        .min(0)
        .max(1)
        .thresholds(LEVEL_THRESHOLDS())
        .unit('percentunit'),
    )
    .withPanel(
      thresholdStat(
        {
          title: 'Days to cap at the 14-day rate',
          description: 'When the cap is reached at the trailing 14-day rate of new individuals; shown only while that is before 31 December.',
          box: { x: 16, y: 0, w: 4, h: 5 },
        },
        promQuery(`(min by (class) (${FORECAST_CAP_TIMESTAMP}{${CERT}}) - time()) / 86400`, { legend: '{{class}}' }),
        thresholds(['red', null], ['orange', 14], ['yellow', 30]),
      )
        .unit('d')
        .decimals(1),
    )
    .withPanel(
      statPanel({ title: 'Validity ends', description: 'End of the last day of validity, China time.', box: { x: 20, y: 0, w: 4, h: 5 } }, [
        promQuery(`1000 * certificate:pi_egress_certificate_expiry_timestamp_seconds:max{${CERT}}`),
      ]).unit('dateTimeAsIso'),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Individuals against the declared cap',
          description: 'Distinct individuals per class (solid) and the declared cap (dashed).',
          box: { x: 0, y: 5, w: 12, h: 9 },
        },
        [
          promQuery(`certificate_class:pi_egress_individuals:max{${CERT}}`, { legend: '{{class}}', range: true }),
          promQuery(`certificate_class:pi_egress_cap:max{${CERT}}`, { legend: 'cap · {{class}}', range: true, refId: 'B' }),
        ],
      )
        .fillOpacity(5)
        .lineWidth(2)
        .unit('short')
        .overrideByQuery('B', DASHED_CAP),
    )
    .withPanel(
      sqlBarsPanel(
        {
          title: 'New individuals per day',
          description: 'Persons seen for the first time this year, per China-time day of their first transfer, as of the last count checkpoint.',
          box: { x: 12, y: 5, w: 12, h: 9 },
        },
        `SELECT toDateTime(day, 'Asia/Shanghai') AS time,
       sumIf(individuals, class = 'nonSensitive') AS non_sensitive,
       sumIf(individuals, class = 'sensitive') AS sensitive
FROM daily_new_individuals FINAL
WHERE scope_level = 'certificate' AND scope_id = \${certificate:sqlstring} AND year = ${YEAR}
  AND watermark = (SELECT max(watermark) FROM count_checkpoints FINAL
                   WHERE scope_level = 'certificate' AND scope_id = \${certificate:sqlstring} AND year = ${YEAR})
GROUP BY time
ORDER BY time`,
      )
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal).group('A'))
        .unit('short'),
    )
    .withRow(row('Breakdowns (transfers under the certificate in the time range)', 14));
  for (const { title, description, box, sql } of BREAKDOWNS) board.withPanel(sqlTable(title, description, box, sql));
  return board
    .withRow(row('Incidents', 23))
    .withPanel(
      sqlTable(
        'Out-of-scope transfers',
        'Transfers outside the declared scope (recipient, country, purpose, category, important data, status or validity), newest first.',
        { x: 0, y: 24, w: 14, h: 9 },
        `SELECT occurred_at, event_id, arrayStringConcat(out_of_scope_reasons, ', ') AS reasons, recipient_id, recipient_country,
       purpose, arrayStringConcat(categories, ', ') AS categories, important_data, subject_count
FROM transfers FINAL
WHERE certificate_id = \${certificate:sqlstring} AND $__timeFilter(occurred_at) AND notEmpty(out_of_scope_reasons)
ORDER BY occurred_at DESC
LIMIT 200`,
      ),
    )
    .withPanel(
      sqlTable(
        'Alert history',
        'Every firing and resolution of an alert about this certificate, newest first.',
        { x: 14, y: 24, w: 10, h: 9 },
        `SELECT at, status, alertname, severity, labels['class'] AS class, labels['level'] AS level
FROM alert_history
WHERE certificate_id = \${certificate:sqlstring} AND $__timeFilter(at)
ORDER BY at DESC
LIMIT 200`,
      ),
    );
}
