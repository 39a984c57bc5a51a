import { ALERT_NAMES } from '@pi-egress/domain';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLED_RUNBOOKS_URL, runbookUrl } from './runbooks.js';

describe('runbooks', () => {
  it('exist for every alert of SPEC §5, each saying what the Measures require and what to do', () => {
    for (const name of ALERT_NAMES) {
      const file = fileURLToPath(runbookUrl(BUNDLED_RUNBOOKS_URL, name));
      expect(existsSync(file), file).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(`# ${name}`);
      expect(text).toContain('## What the Measures require');
      expect(text).toContain('## What to do');
    }
  });

  it('are linked by every shipped Prometheus alert', () => {
    const rules = readFileSync(fileURLToPath(new URL('../../../deploy/prometheus/pi-egress.rules.yml', import.meta.url)), 'utf8');
    const linked = [...rules.matchAll(/runbook_url: .*\/(\w+)\.md/g)].map((m) => m[1]);
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    expect(new Set(linked)).toEqual(new Set(alerts));
    for (const name of linked) expect(ALERT_NAMES).toContain(name);
  });

  it('joins base and name with one slash', () => {
    expect(runbookUrl('https://wiki/runbooks/', 'ScopeCapExceeded')).toBe('https://wiki/runbooks/ScopeCapExceeded.md');
  });
});
