// Structural checks of the Grafana dashboards and their provisioning files (no Grafana needed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CLICKHOUSE_PLUGIN,
  dashboardsDir,
  loadDashboards,
  panelsOf,
  PROMETHEUS_PLUGIN,
  queriesOf,
  type Panel,
} from '../harness/grafana-dashboards.js';

const dashboards = loadDashboards();
/** Datasource variable name → plugin it selects. */
const DATASOURCE_VARIABLES: Record<string, string> = { datasource: PROMETHEUS_PLUGIN, clickhouse: CLICKHOUSE_PLUGIN };
const isVariableRef = (uid: string | undefined) => /^\$\{?(\w+)\}?$/.exec(uid ?? '')?.[1];

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function overlaps(p: Box, q: Box): boolean {
  return p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h;
}

describe('Grafana dashboards', () => {
  it('are the overview, certificate detail and pipeline health dashboards', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual(['pi-egress-certificate', 'pi-egress-overview', 'pi-egress-pipeline']);
  });

  it('have unique uids and titles, no numeric id, unique panel ids and no overlapping panels', () => {
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.dashboard.title)).size).toBe(dashboards.length);
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.id, file).toBeNull();
      expect(dashboard.uid, file).toMatch(/^[a-z0-9-]{1,40}$/);
      const panels = panelsOf(dashboard) as Array<Panel & { gridPos?: Box }>;
      expect(new Set(panels.map((p) => p.id)).size, file).toBe(panels.length);
      for (const [i, a] of panels.entries()) {
        expect(a.gridPos, `${file} panel ${a.title}`).toBeDefined();
        for (const b of panels.slice(i + 1)) expect(overlaps(a.gridPos!, b.gridPos!), `${file}: "${a.title}" overlaps "${b.title}"`).toBe(false);
      }
    }
  });

  it('select datasources through datasource variables, never a hard-coded uid', () => {
    for (const { file, dashboard } of dashboards) {
      const variables = dashboard.templating.list;
      for (const [name, plugin] of Object.entries(DATASOURCE_VARIABLES)) {
        expect(
          variables.find((v) => v.name === name),
          `${file} variable ${name}`,
        ).toMatchObject({ type: 'datasource', query: plugin });
      }
      for (const panel of panelsOf(dashboard).filter((p) => p.type !== 'row')) {
        const variable = isVariableRef(panel.datasource?.uid);
        expect(variable, `${file} "${panel.title}" datasource`).toBeDefined();
        expect(panel.datasource?.type, `${file} "${panel.title}"`).toBe(DATASOURCE_VARIABLES[variable!]);
        expect(panel.targets?.length, `${file} "${panel.title}" has queries`).toBeGreaterThan(0);
      }
      for (const { panel, target, plugin } of queriesOf(dashboard)) {
        const where = `${file} "${panel.title}" ${target.refId}`;
        expect(isVariableRef(target.datasource?.uid), where).toBe(isVariableRef(panel.datasource?.uid));
        expect(plugin === PROMETHEUS_PLUGIN ? target.expr : target.rawSql, where).toMatch(/\S/);
      }
      for (const variable of variables.filter((v) => v.type === 'query')) {
        expect(isVariableRef(variable.datasource?.uid), `${file} variable ${variable.name}`).toBe('datasource');
      }
    }
  });

  it('are provisioned with both datasources and a file provider', () => {
    const provisioning = join(dashboardsDir(), 'provisioning');
    const datasources = parse(readFileSync(join(provisioning, 'datasources', 'pi-egress.yaml'), 'utf8')) as {
      apiVersion: number;
      datasources: Array<{ type: string; uid: string }>;
    };
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources.map((d) => d.type).sort()).toEqual([CLICKHOUSE_PLUGIN, PROMETHEUS_PLUGIN]);
    const providers = parse(readFileSync(join(provisioning, 'dashboards', 'pi-egress.yaml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(providers.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: expect.any(String) }) })]);
  });
});
