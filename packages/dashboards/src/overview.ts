import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  baseDashboard,
  DASHED_CAP,
  LEVEL_THRESHOLDS,
  organize,
  promQuery,
  promTable,
  row,
  shareBarGauge,
  sqlQuery,
  tablePanel,
  thresholds,
  thresholdStat,
  timeSeriesPanel,
  CLICKHOUSE,
} from './build.js';
import { FORECAST_CAP_TIMESTAMP } from './metrics.js';

const PATHWAY_BY_VOLUME = `max by (processor_id) (
  label_replace(2 * (max by (processor_id) (processor_class:pi_egress_individuals:max{class="non_sensitive"}) >= bool 1000000), "rule", "n_assessment", "", "")
  or label_replace(2 * (max by (processor_id) (processor_class:pi_egress_individuals:max{class="sensitive"}) >= bool 10000), "rule", "s_assessment", "", "")
  or label_replace(max by (processor_id) (processor_class:pi_egress_individuals:max{class="non_sensitive"}) >= bool 100000, "rule", "n_contract", "", "")
  or label_replace(max by (processor_id) (processor_class:pi_egress_individuals:max{class="sensitive"}) >= bool 1, "rule", "s_contract", "", "")
)`;

/** Every instrument's utilisation: a certificate's series name it by certificate_id, the other kinds' by instrument_id and instrument_kind. */
const INSTRUMENT_UTILIZATION = 'max by (processor_id, certificate_id, instrument_kind, instrument_id, class) (pi_egress_utilization_ratio)';

/** Each processor's count as a share of the security-assessment threshold of its class (SPEC §2: 1,000,000 / 10,000 以上). */
const SHARE_OF_ASSESSMENT_THRESHOLD = `processor_class:pi_egress_individuals:max{class="non_sensitive"} / 1000000
  or processor_class:pi_egress_individuals:max{class="sensitive"} / 10000`;

const GROUP_SHARE_SQL = `SELECT scope_id AS group_id, class, argMax(individuals, watermark) AS individuals,
       individuals / if(class = 'sensitive', 10000, 1000000) AS share_of_threshold, max(watermark) AS as_of
FROM count_checkpoints FINAL
WHERE scope_level = 'group' AND year = toYear(toTimezone($__toTime, 'Asia/Shanghai'))
GROUP BY group_id, class
ORDER BY share_of_threshold DESC, group_id, class`;

export function overviewDashboard(): dashboard.DashboardBuilder {
  return baseDashboard({
    uid: 'pi-egress-overview',
    title: 'PI egress · Overview',
    description:
      'All certificates and processors: utilisation against the declared scope, pathway, forecasts and firing alerts (PIPL Art. 38 certification).',
    refresh: '1m',
    from: 'now/y',
  })
    .withRow(row('Scope utilisation (certificates)', 0))
    .withPanel(
      shareBarGauge(
        {
          title: 'Utilisation of declared caps',
          description:
            "Distinct individuals this year (China time) divided by the certificate's declared cap, per class. Alert levels 80 % (warning), 90 % (high), 95 % (critical); above 100 % the scope is exceeded.",
          box: { x: 0, y: 1, w: 12, h: 9 },
        },
        promQuery('certificate_class:pi_egress_utilization_ratio:max', { legend: '{{certificate_id}} · {{class}}' }),
      ),
    )
    .withPanel(
      thresholdStat(
        {
          title: 'Firing alerts',
          description: 'Alerts the evaluator holds firing now (SPEC §5), by severity; 0 when none. The list is under Alerting and at GET /v1/alerts.',
          box: { x: 12, y: 1, w: 4, h: 9 },
        },
        promQuery('sum by (severity) (max by (alertname, severity) (pi_egress_alerts_firing))', { legend: '{{severity}}' }),
        thresholds(['green', null], ['red', 1]),
      ),
    )
    .withPanel(
      tablePanel({ title: 'Firing alerts by name', description: 'Alert names and severities firing now.', box: { x: 16, y: 1, w: 8, h: 9 } }, [
        promQuery('max by (alertname, severity) (pi_egress_alerts_firing) > 0', { table: true }),
      ]).withTransformation(organize({ Time: true, Value: true })),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Individuals against declared caps, this year',
          description:
            'Distinct individuals per certificate and class (solid) and the declared cap (dashed). Counts restart each 1 January, China time.',
          box: { x: 0, y: 10, w: 16, h: 10 },
        },
        [
          promQuery('certificate_class:pi_egress_individuals:max', { legend: '{{certificate_id}} · {{class}}', range: true }),
          promQuery('certificate_class:pi_egress_cap:max', { legend: 'cap {{certificate_id}} · {{class}}', range: true, refId: 'B' }),
        ],
      )
        .fillOpacity(5)
        .lineWidth(2)
        .unit('short')
        .overrideByQuery('B', DASHED_CAP),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Forecast cap date',
          description:
            'When the cap is reached at the trailing 14-day rate of new individuals; only certificates reaching it before 31 December are listed.',
          box: { x: 16, y: 10, w: 8, h: 10 },
        },
        [
          promQuery(`(min by (processor_id, certificate_id, class) (${FORECAST_CAP_TIMESTAMP}) - time()) / 86400`, { table: true }),
          promQuery(`1000 * min by (processor_id, certificate_id, class) (${FORECAST_CAP_TIMESTAMP})`, { table: true, refId: 'B' }),
        ],
      )
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation(organize({ Time: true }, { 'Value #A': 'days', 'Value #B': 'date' }))
        .overrideByName('days', [
          { id: 'unit', value: 'd' },
          { id: 'decimals', value: 1 },
        ])
        .overrideByName('date', [{ id: 'unit', value: 'dateTimeAsIsoNoDateIfToday' }]),
    )
    .withRow(row('Pathway (processors and groups)', 20))
    .withPanel(
      promTable(
        {
          title: 'Pathway required by volume',
          description:
            "Per processor, from this year's counts over all its counted transfers (SPEC §2): N ≥ 1,000,000 or S ≥ 10,000 → security assessment; N ≥ 100,000 or S ≥ 1 → standard contract or certification; else exempt. CII status and important data also require an assessment: the API's usage endpoints give the full answer.",
          box: { x: 0, y: 21, w: 8, h: 9 },
        },
        PATHWAY_BY_VOLUME,
        'pathway',
      )
        .mappings([
          {
            type: dashboard.MappingType.ValueToText,
            options: {
              0: { text: 'exempt', color: 'green', index: 0 },
              1: { text: 'standard contract or certification', color: 'yellow', index: 1 },
              2: { text: 'security assessment', color: 'red', index: 2 },
            },
          },
        ])
        .cellOptions({ type: common.TableCellDisplayMode.ColorBackground }),
    )
    .withPanel(
      timeSeriesPanel(
        {
          title: 'Processor totals, this year',
          description: 'Distinct individuals over all counted transfers of each processor, whatever the mechanism (this decides the pathway).',
          box: { x: 8, y: 21, w: 8, h: 9 },
        },
        [promQuery('processor_class:pi_egress_individuals:max', { legend: '{{processor_id}} · {{class}}', range: true })],
      )
        .fillOpacity(5)
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line))
        .thresholds(thresholds(['green', null], ['yellow', 100_000], ['red', 1_000_000]))
        .unit('short'),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Group totals (each person once)',
          description:
            "Anti-splitting (SPEC §2): distinct individuals across the entities of each group, as of the last count checkpoint (the API adds the few seconds since). Year of the dashboard's end time, China time.",
          box: { x: 16, y: 21, w: 8, h: 9 },
        },
        [
          sqlQuery(`SELECT scope_id AS group_id, class, argMax(individuals, watermark) AS individuals, max(watermark) AS as_of
FROM count_checkpoints FINAL
WHERE scope_level = 'group' AND year = toYear(toTimezone($__toTime, 'Asia/Shanghai'))
GROUP BY group_id, class
ORDER BY group_id, class`),
        ],
        CLICKHOUSE,
      ),
    )
    .withRow(row('Approaching the security-assessment threshold (PathwayThresholdApproaching)', 30))
    .withPanel(
      shareBarGauge(
        {
          title: 'Processors: share of the security-assessment threshold',
          description:
            "Each processor's distinct individuals this year over all its counted transfers, as a share of the threshold of its class: 1,000,000 non-sensitive 以上 or 10,000 sensitive 以上 requires a security assessment. PathwayThresholdApproaching fires at 80 % (warning), 90 % (high), 95 % (critical).",
          box: { x: 0, y: 31, w: 10, h: 8 },
        },
        promQuery(SHARE_OF_ASSESSMENT_THRESHOLD, { legend: '{{processor_id}} · {{class}}' }),
      ),
    )
    .withPanel(
      thresholdStat(
        {
          title: 'PathwayThresholdApproaching firing',
          description:
            'Processors and groups whose count reached a level of the security-assessment threshold, by severity (labels processor_id or group_id, class, level, year in Alertmanager and GET /v1/alerts); 0 when none.',
          box: { x: 10, y: 31, w: 4, h: 8 },
        },
        promQuery('sum by (severity) (pi_egress_alerts_firing{alertname="PathwayThresholdApproaching"}) or on () vector(0)', {
          legend: '{{severity}}',
        }),
        thresholds(['green', null], ['orange', 1]),
      ),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Groups: share of the security-assessment threshold',
          description:
            "Each group's distinct individuals (each person once across its members) as a share of the threshold of its class, as of the last count checkpoint; the group level of PathwayThresholdApproaching and SplittingRisk.",
          box: { x: 14, y: 31, w: 10, h: 8 },
        },
        [sqlQuery(GROUP_SHARE_SQL)],
        CLICKHOUSE,
      ).overrideByName('share_of_threshold', [
        { id: 'unit', value: 'percentunit' },
        { id: 'thresholds', value: LEVEL_THRESHOLDS().build() },
        { id: 'custom.cellOptions', value: { type: 'color-text' } },
      ]),
    )
    .withRow(row('Instruments (every pathway)', 39))
    .withPanel(
      promTable(
        {
          title: 'Instruments per processor: kind and utilisation',
          description:
            'One line per processor, instrument and class: a certificate (certificate_id) or a standard contract or security-assessment approval (instrument_kind, instrument_id), and the distinct individuals this year against its caps (declared, or the ceilings 999,999 / 9,999 for a contract declaring none). The pathway each processor needs is in the row above.',
          box: { x: 0, y: 40, w: 16, h: 8 },
        },
        INSTRUMENT_UTILIZATION,
        'utilisation',
      )
        .unit('percentunit')
        .thresholds(LEVEL_THRESHOLDS())
        .cellOptions({ type: common.TableCellDisplayMode.ColorText }),
    )
    .withPanel(
      promTable(
        {
          title: 'Transfers by channel',
          description:
            'Accepted transfers since the monitor started, sent (transfer) or read from abroad (remote_access): overseas access counts as providing PI abroad.',
          box: { x: 16, y: 40, w: 8, h: 8 },
        },
        'sum by (channel) (pi_egress_transfers_total)',
      ),
    )
    .withRow(row('Certificates', 48))
    .withPanel(
      promTable(
        {
          title: 'Days of validity left',
          description: 'Per certificate: days until the end of its last day of validity (China time). A renewal application is due 6 months before.',
          box: { x: 0, y: 49, w: 24, h: 7 },
        },
        '(certificate:pi_egress_certificate_expiry_timestamp_seconds:max - time()) / 86400',
        'days left',
        [{ id: 'thresholds', value: thresholds(['red', null], ['orange', 0], ['yellow', 183], ['green', 213]).build() }],
      )
        .unit('d')
        .decimals(0)
        .thresholds(thresholds(['green', null]))
        .cellOptions({ type: common.TableCellDisplayMode.ColorText }),
    );
}
