// Every standalone service (built: `node services/<x>/dist/main.js`) refuses to start without a
// required variable: one line naming it, exit code 1, nothing else (no stack, no JSON log).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, testPackageRoot } from '../harness/process.js';

const main = (service: string) => join(testPackageRoot(), '..', 'services', service, 'dist', 'main.js');

/** The variables each service requires, no more (so it gets past its configuration); each case removes or spoils one. */
const COMPLETE: Record<string, Record<string, string>> = {
  api: { CLICKHOUSE_URL: 'http://127.0.0.1:1', EGRESS_SUBJECT_KEY: 'k', EGRESS_TOKENS: 'admin:t', EGRESS_EVIDENCE_KEY_FILE: '/nonexistent/key.pem' },
  ingest: { CLICKHOUSE_URL: 'http://127.0.0.1:1', EGRESS_SUBJECT_KEY: 'k', KAFKA_BROKERS: '127.0.0.1:1' },
  evaluator: { CLICKHOUSE_URL: 'http://127.0.0.1:1' },
  monitor: {},
};

const CASES: Array<{ service: string; without?: string; spoil?: [string, string] }> = [
  // Every variable a service requires, each left out in turn.
  ...Object.entries(COMPLETE).flatMap(([service, env]) => Object.keys(env).map((without) => ({ service, without }))),
  // The monitor needs nothing (embedded defaults); a bad value is refused the same way.
  { service: 'monitor', spoil: ['EGRESS_HTTP_PORT', 'eighty'] },
  { service: 'monitor', spoil: ['EGRESS_ENGINE_CONFIG_FILE', '/nonexistent/query-log.xml'] },
  { service: 'evaluator', spoil: ['EGRESS_EVAL_INTERVAL_MS', '-5'] },
];

describe('a standalone service started with a missing or invalid variable', () => {
  it.each(CASES.map((c) => ({ ...c, label: c.without ? `without ${c.without}` : `with ${c.spoil![0]}=${c.spoil![1]}` })))(
    '$service $label: one line naming it, exit 1',
    async ({ service, without, spoil }) => {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...COMPLETE[service] };
      if (without) delete env[without];
      if (spoil) env[spoil[0]] = spoil[1];
      const named = without ?? spoil![0];
      const result = await runCommand(process.execPath, [main(service)], { env, timeoutMs: 30_000 });
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^pi-egress-${service}: invalid configuration: .*\\b${named}\\b`));
      expect(lines[0]).not.toMatch(/\bat .*\.js:\d+/);
    },
  );
});
