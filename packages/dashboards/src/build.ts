import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * The building blocks every dashboard shares: the two datasource variables, Prometheus and
 * ClickHouse queries, and panels with this project's defaults. Each panel is typed against
 * Grafana's schema by the Foundation SDK.
 */

export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
export const CLICKHOUSE: common.DataSourceRef = { type: 'grafana-clickhouse-datasource', uid: '${clickhouse}' };

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A PromQL query: instant (default) or over the time range, as a table when asked. */
export function promQuery(
  expr: string,
  options: { legend?: string; range?: boolean; table?: boolean; refId?: string } = {},
): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder()
    .refId(options.refId ?? 'A')
    .datasource(PROMETHEUS)
    .expr(expr)
    .legendFormat(options.legend ?? '')
    .editorMode(prometheus.QueryEditorMode.Code);
  if (options.table) query.format(prometheus.PromQueryFormat.Table);
  return options.range ? query.range() : query.instant();
}

/** A query of the official ClickHouse plugin (grafana-clickhouse-datasource), which the SDK does not ship. */
interface ClickHouseQuery extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  editorType: 'sql';
  rawSql: string;
  /** 0 time series, 1 table (the plugin's Format enum). */
  format: 0 | 1;
  queryType: 'timeseries' | 'table';
}

export class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: ClickHouseQuery;

  constructor(rawSql: string, kind: 'timeseries' | 'table') {
    this.internal = {
      refId: 'A',
      datasource: CLICKHOUSE,
      editorType: 'sql',
      rawSql,
      format: kind === 'table' ? 1 : 0,
      queryType: kind,
      _implementsDataqueryVariant() {},
    };
  }

  build(): ClickHouseQuery {
    return this.internal;
  }
}

export const sqlQuery = (rawSql: string, kind: 'timeseries' | 'table' = 'table') => new ClickHouseQueryBuilder(rawSql, kind);

/** Absolute thresholds from (color, lower bound) steps; the first step has no lower bound. */
export function thresholds(...steps: Array<[string, number | null]>): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps.map(([color, value]) => ({ color, value })));
}

/** 80 % warning, 90 % high, 95 % critical (SPEC §5). */
export const LEVEL_THRESHOLDS = () => thresholds(['green', null], ['yellow', 0.8], ['orange', 0.9], ['red', 0.95]);

const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false);
const byThresholds = () => new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds);

export interface PanelText {
  title: string;
  description: string;
  box: Box;
}

function placed<
  T extends { title(t: string): T; description(d: string): T; gridPos(g: dashboard.GridPos): T; datasource(d: common.DataSourceRef): T },
>(panel: T, { title, description, box }: PanelText, datasource: common.DataSourceRef): T {
  return panel.title(title).description(description).gridPos(box).datasource(datasource);
}

export function statPanel(text: PanelText, queries: prometheus.DataqueryBuilder[]): stat.PanelBuilder {
  const panel = placed(new stat.PanelBuilder(), text, PROMETHEUS)
    .reduceOptions(lastValue())
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .textMode(common.BigValueTextMode.Auto)
    .orientation(common.VizOrientation.Auto);
  for (const query of queries) panel.withTarget(query);
  return panel;
}

/** A stat coloured by thresholds. */
export function thresholdStat(text: PanelText, query: prometheus.DataqueryBuilder, steps: dashboard.ThresholdsConfigBuilder): stat.PanelBuilder {
  return statPanel(text, [query]).thresholds(steps).colorScheme(byThresholds());
}

export function gaugePanel(text: PanelText, query: prometheus.DataqueryBuilder): gauge.PanelBuilder {
  return placed(new gauge.PanelBuilder(), text, PROMETHEUS)
    .withTarget(query)
    .reduceOptions(lastValue())
    .showThresholdMarkers(true)
    .showThresholdLabels(false);
}

export function barGaugePanel(text: PanelText, query: prometheus.DataqueryBuilder): bargauge.PanelBuilder {
  return placed(new bargauge.PanelBuilder(), text, PROMETHEUS)
    .withTarget(query)
    .reduceOptions(lastValue())
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true)
    .valueMode(common.BarGaugeValueMode.Color);
}

/** A bar gauge of a share from 0 to 100 %, coloured by the alert levels. */
export function shareBarGauge(text: PanelText, query: prometheus.DataqueryBuilder): bargauge.PanelBuilder {
  return barGaugePanel(text, query).min(0).max(1).unit('percentunit').thresholds(LEVEL_THRESHOLDS()).colorScheme(byThresholds());
}

/** A time series with the legend as a table on the right (last value) and a shared tooltip. */
export function timeSeriesPanel(text: PanelText, queries: Array<cog.Builder<cog.Dataquery>>, datasource = PROMETHEUS): timeseries.PanelBuilder {
  const panel = placed(new timeseries.PanelBuilder(), text, datasource)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .showLegend(true)
        .calcs(['lastNotNull']),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  for (const query of queries) panel.withTarget(query);
  return panel;
}

/** Bars of one ClickHouse time-series query. */
export function sqlBarsPanel(text: PanelText, sql: string): timeseries.PanelBuilder {
  return timeSeriesPanel(text, [sqlQuery(sql, 'timeseries')], CLICKHOUSE)
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(60);
}

/** The cap (query B) drawn dashed and unfilled. */
export const DASHED_CAP: dashboard.DynamicConfigValue[] = [
  { id: 'custom.lineStyle', value: { dash: [10, 10], fill: 'dash' } },
  { id: 'custom.fillOpacity', value: 0 },
];

export function tablePanel(text: PanelText, queries: Array<cog.Builder<cog.Dataquery>>, datasource = PROMETHEUS): table.PanelBuilder {
  const panel = placed(new table.PanelBuilder(), text, datasource)
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .footer(new common.TableFooterOptionsBuilder().show(false).reducer(['sum']));
  for (const query of queries) panel.withTarget(query);
  return panel;
}

/** Hides columns (and renames others) of a table. */
export const organize = (excludeByName: Record<string, boolean>, renameByName: Record<string, string> = {}): dashboard.DataTransformerConfig => ({
  id: 'organize',
  options: { excludeByName, renameByName },
});

/** A table of one instant PromQL query without its Time column; `valueName` shows the Value column under that name, with `valueOverrides`. */
export function promTable(
  text: PanelText,
  expr: string,
  valueName?: string,
  valueOverrides: dashboard.DynamicConfigValue[] = [],
): table.PanelBuilder {
  const panel = tablePanel(text, [promQuery(expr, { table: true })]);
  if (valueName) panel.overrideByName('Value', [{ id: 'displayName', value: valueName }, ...valueOverrides]);
  return panel.withTransformation(organize({ Time: true }));
}

export const row = (title: string, y: number) => new dashboard.RowBuilder(title).gridPos({ x: 0, y, w: 24, h: 1 });

/** A dashboard with this project's settings: China time, both datasource variables, links to the others. */
export function baseDashboard(options: {
  uid: string;
  title: string;
  description: string;
  refresh: string;
  from: string;
}): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(options.title)
    .uid(options.uid)
    .id(null)
    .description(options.description)
    .tags(['pi-egress', 'pipl'])
    .timezone('Asia/Shanghai')
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh(options.refresh)
    .time({ from: options.from, to: 'now' })
    .fiscalYearStartMonth(0)
    .liveNow(false)
    .link(
      new dashboard.DashboardLinkBuilder('PI egress')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['pi-egress'])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    )
    .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'))
    .withVariable(new dashboard.DatasourceVariableBuilder('clickhouse').label('ClickHouse').type('grafana-clickhouse-datasource'));
}

/** A query variable over Prometheus label values (`label_values(metric, label)`). */
export function labelValuesVariable(name: string, label: string, metric: string, options: { all?: string } = {}): dashboard.QueryVariableBuilder {
  const query = `label_values(${metric}, ${label})`;
  const variable = new dashboard.QueryVariableBuilder(name)
    .label(label === name ? name[0]!.toUpperCase() + name.slice(1) : label)
    .datasource(PROMETHEUS)
    .query({ query, refId: `${name}-values`, qryType: 1 })
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  return options.all ? variable.includeAll(true).multi(true).allValue(options.all) : variable.includeAll(false).multi(false);
}
