import { openStore } from './dist/index.js';
const url = process.argv[2];
const db = 'prof10m';
const store = await openStore({ url, database: db, settleMs: 0 });
const c = store.client;
const key = { level: 'certificate', scopeId: 'C10M', year: 2026 };
const n = Number(process.argv[3] ?? 10_000_000);
const cnt = await (await c.query({ query: "SELECT count() c FROM subject_first_seen WHERE scope_id='C10M'", format: 'JSONEachRow' })).json();
if (Number(cnt[0].c) < n) {
  let t = Date.now();
  await c.command({ query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen) SELECT 'certificate', 'C10M', 2026, 'nonSensitive', SHA256(toString(number)), toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalSecond(number % 20000000) FROM numbers(${n})`, clickhouse_settings: { max_insert_threads: '2' } });
  console.log('seeded', Date.now() - t);
  await new Promise((r) => setTimeout(r, 1500));
  t = Date.now(); await store.checkpoints.refresh(); console.log('checkpoint', Date.now() - t);
}
const time = async (label, f) => { const t = performance.now(); const r = await f(); console.log(label, (performance.now() - t).toFixed(1), 'ms'); return r; };
for (let i = 0; i < 3; i++) await time('repeat', () => store.usage.individuals(key));
for (let i = 0; i < 5; i++) {
  await c.command({ query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen) VALUES ('certificate', 'C10M', 2026, 'nonSensitive', SHA256('new-${Date.now()}-${i}'), now64(3))` });
  await time('after write', () => store.usage.individuals(key));
}
const parts = await (await c.query({ query: "SELECT table, count() parts, sum(rows) rows, sum(marks) marks FROM system.parts WHERE database=currentDatabase() AND active GROUP BY table", format: 'JSONEachRow' })).json();
console.log(parts);
await store.close();
