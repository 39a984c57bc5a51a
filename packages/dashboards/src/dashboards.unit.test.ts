import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderDashboards } from './index.js';

const dir = fileURLToPath(new URL('../../../dashboards/', import.meta.url));

describe('the committed dashboards are the output of their TypeScript definitions', () => {
  const generated = renderDashboards();

  it('generates exactly the dashboards committed in dashboards/', () => {
    expect(generated.map((d) => d.file).sort()).toEqual(
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    );
  });

  it.each(generated.map((d) => [d.file, d.json] as const))(
    '%s equals the generator output (run the build after changing a definition)',
    (file, json) => {
      expect(readFileSync(`${dir}${file}`, 'utf8')).toBe(json);
    },
  );

  it('uses the forecast as a timestamp, never the old days metric', () => {
    const all = generated.map((d) => d.json).join('\n');
    expect(all).toContain('pi_egress_forecast_cap_timestamp_seconds');
    expect(all).not.toContain('pi_egress_forecast_cap_days');
  });
});
