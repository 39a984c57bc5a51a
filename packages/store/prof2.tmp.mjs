import { createClient } from '@clickhouse/client';
const c = createClient({ url: process.argv[2], database: 'prof10m' });
const run = async (label, query, settings = {}) => {
  const times = [];
  let summary;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const r = await c.query({ query, format: 'JSONEachRow', clickhouse_settings: settings });
    await r.json();
    times.push(performance.now() - t);
    summary = r.response_headers['x-clickhouse-summary'];
  }
  times.sort((a, b) => a - b);
  console.log(label, times.map((x) => x.toFixed(0)).join(' '), summary);
};
const w = (await (await c.query({ query: "SELECT toString(max(watermark)) w FROM count_checkpoints", format: 'JSONEachRow' })).json())[0].w;
const S = "scope_level='certificate' AND scope_id='C10M' AND year=2026";
await run('select1', 'SELECT 1');
await run('head', `WITH (SELECT max(watermark) FROM count_checkpoints FINAL WHERE ${S}) AS w SELECT toString(w), toString(now64(6)), (SELECT count() FROM subject_recent WHERE ${S} AND inserted_at > w) AS newer, (SELECT groupArray((toString(class), individuals)) FROM count_checkpoints FINAL WHERE ${S} AND watermark = w) AS cp`);
await run('inflight', `SELECT ifNull(minOrNull(now64(6) - toIntervalMicrosecond(toUInt64(elapsed * 1e6) + 1000000)), now64(6)) FROM system.processes WHERE query_kind = 'Insert' AND current_database = currentDatabase() AND match(query, '(?i)^\\\\s*INSERT\\\\s+INTO\\\\s+\\\\S*subject_first_seen[\\\\s(]')`);
await run('recent', `SELECT class, id_hash FROM subject_recent WHERE ${S} AND inserted_at > '${w}'`);
await run('tail', `SELECT toString(class) AS class, count() FROM (SELECT class, id_hash, min(inserted_at) AS m FROM subject_first_seen WHERE ${S} AND (class, id_hash) IN (SELECT class, id_hash FROM subject_recent WHERE ${S} AND inserted_at > '${w}') GROUP BY class, id_hash HAVING m > '${w}') GROUP BY class`);
await run('tail-1thread', `SELECT toString(class) AS class, count() FROM (SELECT class, id_hash, min(inserted_at) AS m FROM subject_first_seen WHERE ${S} AND (class, id_hash) IN (SELECT class, id_hash FROM subject_recent WHERE ${S} AND inserted_at > '${w}') GROUP BY class, id_hash HAVING m > '${w}') GROUP BY class`, { max_threads: 1 });
await run('tail-nopk-prewhere-off', `SELECT toString(class) AS class, count() FROM (SELECT class, id_hash, min(inserted_at) AS m FROM subject_first_seen WHERE ${S} AND (class, id_hash) IN (SELECT class, id_hash FROM subject_recent WHERE ${S} AND inserted_at > '${w}') GROUP BY class, id_hash HAVING m > '${w}') GROUP BY class`, { optimize_move_to_prewhere: 0 });
