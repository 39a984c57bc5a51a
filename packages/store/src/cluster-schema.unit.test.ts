import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterStatements, clusterTables, type ClusterLayout } from './cluster-schema.js';
import { clusterSchemaSql, loadMigrations } from './migrator.js';

const SCHEMA_FILE = new URL('../../../deploy/clickhouse/cluster-schema.sql', import.meta.url);
const SCHEMA_HEADER =
  '-- The store schema on a ClickHouse cluster named pi_egress, database pi_egress: what the migrator\n' +
  '-- applies itself when CLICKHOUSE_CLUSTER is set (packages/store/README.md). Generated, do not edit:\n' +
  '-- UPDATE_CLUSTER_SCHEMA=1 npx vitest run packages/store/src/cluster-schema.unit.test.ts\n\n';

const layout: ClusterLayout = { cluster: 'pi', database: 'pi_egress' };
const migrations = loadMigrations();
const all = migrations.flatMap((migration) => [...migration.up, ...migration.down]);
const tables = clusterTables(all);
const rewrite = (statement: string, options: Partial<ClusterLayout> = {}) => clusterStatements(statement, { ...layout, ...options }, tables);
const distributedOf = (name: string) =>
  migrations
    .flatMap((migration) => migration.up)
    .flatMap((statement) => rewrite(statement))
    .find((statement) => statement.startsWith(`CREATE TABLE IF NOT EXISTS ${name} ON CLUSTER pi AS`));

describe('cluster mode of the migrations', () => {
  it('rewrites every statement of every migration', () => {
    for (const statement of all) expect(rewrite(statement).length).toBeGreaterThan(0);
  });

  it('turns a table into a replicated local table and a Distributed table over it', () => {
    const [local, distributed] = rewrite(migrations[0]!.up.find((s) => s.includes('TABLE IF NOT EXISTS transfers'))!);
    expect(local).toMatch(/^CREATE TABLE IF NOT EXISTS transfers_local ON CLUSTER pi \(/);
    expect(local).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')");
    expect(local).toMatch(/PARTITION BY year\s+ORDER BY event_id$/);
    expect(distributed).toBe(
      'CREATE TABLE IF NOT EXISTS transfers ON CLUSTER pi AS transfers_local ENGINE = Distributed(pi, pi_egress, transfers_local, cityHash64(event_id))',
    );
  });

  it('shards subject tables by pseudonym and the others by their sorting key', () => {
    expect(distributedOf('subject_first_seen')).toMatch(/cityHash64\(id_hash\)\)$/);
    expect(distributedOf('subject_recent')).toMatch(/cityHash64\(id_hash\)\)$/);
    expect(distributedOf('count_checkpoints')).toMatch(/cityHash64\(scope_level, scope_id, year, class\)\)$/);
  });

  it('keeps engine arguments after the replication path', () => {
    const [local] = rewrite('CREATE TABLE IF NOT EXISTS c (k String, v UInt64) ENGINE = ReplacingMergeTree(v) ORDER BY k');
    expect(local).toContain("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', v)");
  });

  it('points materialized views at the local tables of each node', () => {
    const [view] = rewrite(migrations[0]!.up.find((s) => s.includes('VIEW IF NOT EXISTS subject_recent_mv'))!);
    expect(view).toMatch(/^CREATE MATERIALIZED VIEW IF NOT EXISTS subject_recent_mv ON CLUSTER pi TO subject_recent_local AS SELECT/);
    expect(view).toMatch(/FROM subject_first_seen_local$/);
  });

  // Drops, alters and optimizes the right tables: data statements (DELETE, OPTIMIZE) the local table
  // only, schema statements (DROP, ADD COLUMN) the Distributed table as well.
  it.each([
    [
      'DROP TABLE IF EXISTS transfers',
      ['DROP TABLE IF EXISTS transfers ON CLUSTER pi SYNC', 'DROP TABLE IF EXISTS transfers_local ON CLUSTER pi SYNC'],
    ],
    ['DROP TABLE IF EXISTS subject_recent_mv', ['DROP TABLE IF EXISTS subject_recent_mv ON CLUSTER pi SYNC']],
    [
      'ALTER TABLE transfers ADD COLUMN note String',
      ['ALTER TABLE transfers_local ON CLUSTER pi ADD COLUMN note String', 'ALTER TABLE transfers ON CLUSTER pi ADD COLUMN note String'],
    ],
    ["ALTER TABLE transfers DELETE WHERE system = 'x'", ["ALTER TABLE transfers_local ON CLUSTER pi DELETE WHERE system = 'x'"]],
    ['OPTIMIZE TABLE transfers FINAL', ['OPTIMIZE TABLE transfers_local ON CLUSTER pi FINAL']],
  ])('rewrites %s', (statement, rewritten) => {
    expect(rewrite(statement)).toEqual(rewritten);
  });

  it('leaves out ON CLUSTER and replication when told to (DDL run per node, no Keeper)', () => {
    const [local, distributed] = rewrite('CREATE TABLE IF NOT EXISTS c (k String) ENGINE = MergeTree ORDER BY k', {
      replicated: false,
      onCluster: false,
    });
    expect(local).toBe('CREATE TABLE IF NOT EXISTS c_local (k String) ENGINE = MergeTree ORDER BY k');
    expect(distributed).toBe('CREATE TABLE IF NOT EXISTS c AS c_local ENGINE = Distributed(pi, pi_egress, c_local, cityHash64(k))');
  });

  it('refuses what it cannot shard correctly', () => {
    expect(() => rewrite('CREATE TABLE m (k String) ENGINE = Memory')).toThrow(/MergeTree tables only/);
    expect(() => rewrite('CREATE TABLE r (k String, id_hash String) ENGINE = ReplacingMergeTree ORDER BY k')).toThrow(/outside its sorting key/);
    expect(() => rewrite('RENAME TABLE a TO b')).toThrow(/cannot rewrite/);
  });

  it('is what deploy/clickhouse/cluster-schema.sql shows', () => {
    const expected = SCHEMA_HEADER + clusterSchemaSql({ cluster: 'pi_egress', database: 'pi_egress' });
    if (process.env.UPDATE_CLUSTER_SCHEMA) writeFileSync(SCHEMA_FILE, expected);
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'a migration changed: regenerate it (see the header)').toBe(expected);
  });
});
