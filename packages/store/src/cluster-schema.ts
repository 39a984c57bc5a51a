import { assertIdentifier } from './client.js';

/**
 * Cluster mode of the schema (see README "ClickHouse cluster mode"). Migrations are written once,
 * for a single server; on a cluster every statement is rewritten generically:
 *
 *   CREATE TABLE t (...) ENGINE = XMergeTree(args) ...
 *     → t_local: the same table on every node, ENGINE = ReplicatedXMergeTree(zk path, replica, args)
 *     → t:       ENGINE = Distributed(cluster, db, t_local, sharding key), the table queries use
 *   CREATE MATERIALIZED VIEW v TO t AS SELECT ... FROM s   → TO t_local ... FROM s_local (per node)
 *   DROP / ALTER / OPTIMIZE / TRUNCATE                      → on the local and/or distributed table
 *
 * Sharding key: `cityHash64(id_hash)` for a table with a subject pseudonym column (every row of a
 * person lives on one shard, so per-shard distinct counts add up exactly), else `cityHash64` of the
 * sorting key. Either way rows that a Replacing/Aggregating engine merges share a sorting key, hence
 * a shard, so FINAL and GROUP BY evaluated per shard stay exact.
 */
export interface ClusterLayout {
  /** Cluster name of the servers' `remote_servers`. */
  cluster: string;
  /** The store's database: named explicitly in every Distributed engine. */
  database: string;
  /** Replicated*MergeTree local tables (needs Keeper). Default true. */
  replicated?: boolean;
  /** Add ON CLUSTER to DDL (needs Keeper's distributed DDL queue). Default true; false when the caller runs DDL on each node itself. */
  onCluster?: boolean;
}

export const LOCAL_SUFFIX = '_local';
const SUBJECT_COLUMN = 'id_hash';
const REPLICATION_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";
const SORTING_KEY_END = /\s(?:PARTITION\s+BY|PRIMARY\s+KEY|SAMPLE\s+BY|TTL|SETTINGS)\s/i;
const COLUMN_CHANGE = /^(?:ADD|DROP|MODIFY|RENAME|COMMENT|CLEAR)\s+COLUMN\b/i;

const CREATE_TABLE = /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(/i;
const CREATE_MATERIALIZED_VIEW = /^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+TO\s+(\w+)\s+AS\s+([\s\S]+)$/i;
const CREATE_VIEW = /^CREATE\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+([\s\S]+)$/i;
const DROP_TABLE = /^DROP\s+(?:TABLE|VIEW)\s+(IF\s+EXISTS\s+)?(\w+)$/i;
const ALTER_TABLE = /^ALTER\s+TABLE\s+(\w+)\s+([\s\S]+)$/i;
const LOCAL_ONLY = /^(OPTIMIZE|TRUNCATE)\s+TABLE\s+(IF\s+EXISTS\s+)?(\w+)([\s\S]*)$/i;
const TABLE_REFERENCE = /\b(FROM|JOIN)\s+(\w+)\b(?!\s*\()/gi;

/** Names of the tables (not views) that migrations create: each becomes `<name>_local` + a Distributed `<name>`. */
export function clusterTables(statements: readonly string[]): Set<string> {
  const tables = new Set<string>();
  for (const statement of statements) {
    const match = CREATE_TABLE.exec(statement);
    if (match) tables.add(match[2]!);
  }
  return tables;
}

/** The statements that implement one single-server statement on the cluster, in order. */
export function clusterStatements(statement: string, layout: ClusterLayout, tables: ReadonlySet<string>): string[] {
  const sql = statement.trim();
  const on = layout.onCluster === false ? '' : ` ON CLUSTER ${assertIdentifier(layout.cluster, 'CLICKHOUSE_CLUSTER')}`;
  const local = (name: string) => `${name}${LOCAL_SUFFIX}`;

  const table = CREATE_TABLE.exec(sql);
  if (table) return createTable(sql, table, layout, on);

  const view = CREATE_MATERIALIZED_VIEW.exec(sql);
  if (view) {
    const [, ifNotExists = '', name, target, select] = view;
    // The view fires on each node's local insert and writes that node's local target.
    const localSelect = select!.replace(TABLE_REFERENCE, (all, keyword: string, source: string) =>
      tables.has(source) ? `${keyword} ${local(source)}` : all,
    );
    return [`CREATE MATERIALIZED VIEW ${ifNotExists}${name}${on} TO ${tables.has(target!) ? local(target!) : target} AS ${localSelect}`];
  }

  const plainView = CREATE_VIEW.exec(sql);
  if (plainView) return [`CREATE VIEW ${plainView[1] ?? ''}${plainView[2]}${on} ${plainView[3]}`];

  const drop = DROP_TABLE.exec(sql);
  if (drop) {
    const [, ifExists = '', name] = drop;
    // SYNC: a re-created replicated table must not find its old replica still registered in Keeper.
    const statements = [`DROP TABLE ${ifExists}${name}${on} SYNC`];
    if (tables.has(name!)) statements.push(`DROP TABLE IF EXISTS ${local(name!)}${on} SYNC`);
    return statements;
  }

  const alter = ALTER_TABLE.exec(sql);
  if (alter && tables.has(alter[1]!)) {
    const [, name, change] = alter;
    const onLocal = `ALTER TABLE ${local(name!)}${on} ${change}`;
    // Column changes apply to both tables; mutations and the like only to the data (local) table.
    return COLUMN_CHANGE.test(change!.trim()) ? [onLocal, `ALTER TABLE ${name}${on} ${change}`] : [onLocal];
  }

  const localOnly = LOCAL_ONLY.exec(sql);
  if (localOnly && tables.has(localOnly[3]!)) {
    const [, verb, ifExists = '', name, rest] = localOnly;
    return [`${verb!.toUpperCase()} TABLE ${ifExists}${local(name!)}${on}${rest}`];
  }

  if (/^INSERT\s/i.test(sql)) return [sql];
  throw new Error(`cluster mode cannot rewrite this migration statement; extend cluster-schema.ts:\n${sql}`);
}

/** Whether a rewritten statement is DDL (run on every node) rather than DML (run once, through Distributed). */
export function isDdl(statement: string): boolean {
  return !/^INSERT\s/i.test(statement.trim());
}

function createTable(sql: string, match: RegExpExecArray, layout: ClusterLayout, on: string): string[] {
  const [head, ifNotExists = '', name] = match;
  const columnsEnd = closingParen(sql, head.length - 1);
  const columns = sql.slice(head.length, columnsEnd);
  const engine = /^\s*ENGINE\s*=\s*(\w+)/i.exec(sql.slice(columnsEnd + 1));
  if (!engine || !engine[1]!.endsWith('MergeTree')) {
    throw new Error(`cluster mode supports *MergeTree tables only, not ${name}:\n${sql}`);
  }
  let rest = sql.slice(columnsEnd + 1 + engine[0].length);
  let args = '';
  if (/^\s*\(/.test(rest)) {
    const open = rest.indexOf('(');
    const close = closingParen(rest, open);
    args = rest.slice(open + 1, close).trim();
    rest = rest.slice(close + 1);
  }
  const replicated = layout.replicated !== false;
  const engineSql = replicated
    ? `Replicated${engine[1]}(${[REPLICATION_PATH, args].filter(Boolean).join(', ')})`
    : `${engine[1]}${args ? `(${args})` : ''}`;
  const localName = `${name}${LOCAL_SUFFIX}`;
  const database = assertIdentifier(layout.database, 'CLICKHOUSE_DATABASE');
  const cluster = assertIdentifier(layout.cluster, 'CLICKHOUSE_CLUSTER');
  return [
    `CREATE TABLE ${ifNotExists}${localName}${on} (${columns}) ENGINE = ${engineSql}${rest}`,
    `CREATE TABLE ${ifNotExists}${name}${on} AS ${localName} ENGINE = Distributed(${cluster}, ${database}, ${localName}, ${shardingKey(name!, columns, engine[1]!, rest)})`,
  ];
}

function shardingKey(table: string, columns: string, engine: string, rest: string): string {
  const sortingKey = /\sORDER\s+BY\s+([\s\S]+)$/i.exec(` ${rest}`)?.[1]?.split(SORTING_KEY_END)[0]?.trim();
  if (!sortingKey) throw new Error(`cluster mode needs an ORDER BY on ${table}`);
  const hasSubject = topLevelParts(columns).some((column) => column.trim().split(/\s+/)[0] === SUBJECT_COLUMN);
  if (!hasSubject) return `cityHash64(${withoutOuterParens(sortingKey)})`;
  // Merging engines collapse rows by sorting key: the shard key must be part of it.
  const merges = engine !== 'MergeTree';
  if (merges && !new RegExp(`\\b${SUBJECT_COLUMN}\\b`).test(sortingKey)) {
    throw new Error(`${table}: ${engine} with ${SUBJECT_COLUMN} outside its sorting key cannot be sharded by it`);
  }
  return `cityHash64(${SUBJECT_COLUMN})`;
}

/** `(a, b)` → `a, b`; `a` and `(a) + (b)` stay as they are. */
function withoutOuterParens(expression: string): string {
  return expression.startsWith('(') && closingParen(expression, 0) === expression.length - 1 ? expression.slice(1, -1) : expression;
}

/** Index of the parenthesis closing the one at `open`. */
function closingParen(sql: string, open: number): number {
  let close = -1;
  scan(sql, open, (ch, index, depth) => {
    if (ch !== ')' || depth !== 1) return false;
    close = index;
    return true;
  });
  if (close < 0) throw new Error(`unbalanced parentheses in:\n${sql}`);
  return close;
}

/** `a, f(b, c), d` → ['a', ' f(b, c)', ' d']. */
function topLevelParts(list: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scan(list, 0, (ch, index, depth) => {
    if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, index));
      start = index + 1;
    }
    return false;
  });
  parts.push(list.slice(start));
  return parts;
}

/** Visits each character outside quotes with the parenthesis depth before it, until `visit` returns true. */
function scan(sql: string, from: number, visit: (ch: string, index: number, depth: number) => boolean): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '`' || ch === '"') quote = ch;
    else if (visit(ch, i, depth)) return;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
  }
}
