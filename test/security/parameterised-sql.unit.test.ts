import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { productionSources, scanFile, type SqlAllowance } from './sql-scan.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Vetted exceptions: SQL that is not static text but cannot carry outside input. Keep it short. */
const ALLOWANCES: SqlAllowance[] = [
  {
    file: 'packages/store/src/alerts.ts',
    expression: "where.join(' AND ')",
    why: 'joins condition fragments that are string literals with {parameters}; only which ones apply varies',
  },
  {
    file: 'packages/store/src/incidents.ts',
    expression: "conditions.join(' AND ')",
    why: 'joins condition fragments that are string literals with {parameters}; only which ones apply varies',
  },
  {
    file: 'packages/dashboards/src/build.ts',
    expression: 'query',
    why: "a Grafana variable's PromQL label_values() query in a dashboard file, never sent to ClickHouse",
  },
  {
    file: 'packages/store/src/client.ts',
    expression: 'query',
    why: 'selectRows itself: the SQL of each of its callers is checked where it is called',
  },
  {
    file: 'packages/store/src/cluster-schema.ts',
    expression: '*',
    why: 'rewrites the DDL of the versioned migration files for a cluster (names, columns, engines taken from those files)',
  },
  {
    file: 'packages/store/src/migrator.ts',
    expression: 'query',
    why: 'statements of the versioned migration files shipped in the package',
  },
];

function scanSnippet(code: string, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sql-scan-'));
  mkdirSync(join(dir, 'src'));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, 'src', name), text);
  writeFileSync(join(dir, 'src', 'snippet.ts'), code);
  return scanFile(join(dir, 'src', 'snippet.ts'), dir, []).map((v) => `${v.expression}: ${v.problem}`);
}

describe('the SQL scanner', () => {
  it('flags values spliced or concatenated into SQL and SQL assembled out of sight', () => {
    expect(scanSnippet("const q = `SELECT * FROM t WHERE id = '${id}'`;")).toEqual(['id: spliced into SQL text']);
    expect(scanSnippet("run('DELETE FROM t WHERE id = ' + request.params.id);")).toEqual(['request.params.id: concatenated into SQL text']);
    expect(scanSnippet('let table = input; await client.command({ query: `DROP TABLE ${table}` });')).toEqual([
      '`DROP TABLE ${table}`: SQL sent to ClickHouse is not static text',
      'table: spliced into SQL text',
    ]);
    expect(scanSnippet('function f(sql: string) { return selectRows(client, sql, {}); }')).toEqual([
      'sql: SQL sent to ClickHouse is not static text',
    ]);
    expect(scanSnippet('const W = pick(); selectRows(client, `SELECT 1 FROM t WHERE ${W}`);')).toEqual([
      '`SELECT 1 FROM t WHERE ${W}`: SQL sent to ClickHouse is not static text',
      'W: spliced into SQL text',
    ]);
  });

  it('accepts parameters, constants of static SQL (also imported), conditionals of them and checked identifiers', () => {
    const code = `
      import { KEY } from './key.js';
      const LOCAL = \`year = {year:UInt16} AND \${KEY}\`;
      selectRows(client, \`SELECT count() FROM t WHERE \${LOCAL} AND id = {id:String}\`, { id });
      await client.command({ query: \`CREATE DATABASE IF NOT EXISTS \${assertIdentifier(name, 'db')}\${cluster ? ' ON CLUSTER x' : ''}\` });
      await client.query({ query: 'SELECT 1' });`;
    expect(scanSnippet(code, { 'key.ts': "export const KEY = 'scope_id = {scopeId:String}';" })).toEqual([]);
  });
});

describe('the monitor’s sources', () => {
  it('build no SQL from strings: every value is a query parameter', () => {
    const used = new Set<SqlAllowance>();
    const files = productionSources(ROOT);
    expect(files.length).toBeGreaterThan(20);
    const violations = files.flatMap((file) => scanFile(file, ROOT, ALLOWANCES, used));
    expect(violations.map((v) => `${v.file}:${v.line} ${v.expression} — ${v.problem}`)).toEqual([]);
    // An entry whose file is gone is ignored; one that no longer matches anything must go.
    const stale = ALLOWANCES.filter((a) => existsSync(join(ROOT, a.file)) && !used.has(a));
    expect(
      stale.map((a) => `${a.file}: ${a.expression}`),
      'stale allowances',
    ).toEqual([]);
  });
});
