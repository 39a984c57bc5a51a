// Reads the Grafana dashboards of `dashboards/` and turns each panel query into what Grafana would
// send: template variables substituted, and for the ClickHouse plugin its SQL macros expanded.
// Grafana itself is not installable here (SPEC §9), so tests run these queries against the real
// Prometheus and ClickHouse instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testPackageRoot } from './process.js';

export const PROMETHEUS_PLUGIN = 'prometheus';
export const CLICKHOUSE_PLUGIN = 'grafana-clickhouse-datasource';

export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId: string;
  datasource?: DatasourceRef;
  expr?: string;
  rawSql?: string;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DatasourceRef;
  targets?: Target[];
  panels?: Panel[];
}

export interface Variable {
  name: string;
  type: string;
  query: string | { query: string };
  datasource?: DatasourceRef;
  allValue?: string;
  includeAll?: boolean;
}

export interface Dashboard {
  id: number | null;
  uid: string;
  title: string;
  templating: { list: Variable[] };
  panels: Panel[];
}

export interface PanelQuery {
  dashboard: Dashboard;
  panel: Panel;
  target: Target;
  /** The plugin type the query goes to (the panel's datasource unless the target names its own). */
  plugin: string;
}

export function dashboardsDir(): string {
  return join(testPackageRoot(), '..', 'dashboards');
}

export function loadDashboards(dir = dashboardsDir()): Array<{ file: string; dashboard: Dashboard }> {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }));
}

/** Every panel, rows' nested panels included. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export function queriesOf(dashboard: Dashboard): PanelQuery[] {
  return panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      dashboard,
      panel,
      target,
      plugin: target.datasource?.type ?? panel.datasource?.type ?? '',
    })),
  );
}

export function variableQuery(variable: Variable): string {
  return typeof variable.query === 'string' ? variable.query : variable.query.query;
}

/**
 * Substitutes `$name`, `${name}` and `${name:format}` as Grafana does for the formats used here:
 * `sqlstring` quotes for SQL, `regex` and none leave the value as is.
 */
export function substituteVariables(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (all, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    const value = values[name];
    if (value === undefined) return all;
    if (format === 'sqlstring') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
    return value;
  });
}

/** The ClickHouse plugin's SQL macros used by the dashboards, for a time range in Unix seconds. */
export function expandClickHouseMacros(sql: string, range: { from: number; to: number }): string {
  const expanded = sql
    .replace(/\$__timeFilter\((\w+)\)/g, (_, column: string) => `${column} >= toDateTime(${range.from}) AND ${column} <= toDateTime(${range.to})`)
    .replace(/\$__fromTime\b/g, `toDateTime(${range.from})`)
    .replace(/\$__toTime\b/g, `toDateTime(${range.to})`);
  const unknown = /\$__\w+/.exec(expanded);
  if (unknown) throw new Error(`ClickHouse macro ${unknown[0]} is not expanded by this harness; add it here`);
  return expanded;
}
