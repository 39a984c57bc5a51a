import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { certificateDashboard } from './certificate.js';
import { overviewDashboard } from './overview.js';
import { pipelineHealthDashboard } from './pipeline-health.js';

export { FORECAST_CAP_TIMESTAMP } from './metrics.js';

const DASHBOARDS: Record<string, () => dashboard.DashboardBuilder> = {
  'overview.json': overviewDashboard,
  'certificate.json': certificateDashboard,
  'pipeline-health.json': pipelineHealthDashboard,
};

/** Panel ids 1, 2, … in layout order (rows' nested panels included): stable links to a panel. */
function numberPanels(built: dashboard.Dashboard): dashboard.Dashboard {
  let id = 0;
  const number = (panels: unknown[] | undefined): void => {
    for (const panel of (panels ?? []) as Array<{ id?: number; panels?: unknown[] }>) {
      panel.id = ++id;
      number(panel.panels);
    }
  };
  number(built.panels);
  return built;
}

/** The committed form of each dashboard: file name → JSON text (2-space indent, final newline). */
export function renderDashboards(): Array<{ file: string; json: string }> {
  return Object.entries(DASHBOARDS).map(([file, build]) => ({ file, json: `${JSON.stringify(numberPanels(build().build()), null, 2)}\n` }));
}
