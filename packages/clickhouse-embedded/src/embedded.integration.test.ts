import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedClickHouse, type EmbeddedClickHouse } from './index.js';
import { libchdbPath } from './paths.js';

async function query(engine: EmbeddedClickHouse, sql: string): Promise<string> {
  const response = await fetch(engine.url, { method: 'POST', body: sql });
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${text}`);
  return text.trim();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** KiB of the engine library's file pages (mappings without copied-on-write pages) resident in `pid`. */
function libraryFileRssKiB(pid: number): number {
  let kib = 0;
  let library = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) library = line.endsWith('/libchdb.so');
    else if (library && line.startsWith('Rss:')) kib += Number(line.split(/\s+/)[1]);
  }
  return kib;
}

describe('embedded ClickHouse', () => {
  let dataDir: string;
  const running: EmbeddedClickHouse[] = [];
  const start = async (subdir = '') => {
    const engine = await startEmbeddedClickHouse({ dataDir: join(dataDir, subdir) });
    running.push(engine);
    return engine;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickhouse-embedded-test-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((engine) => engine.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves HTTP and keeps MergeTree data across a stop and a restart', async () => {
    const first = await start();
    expect(first.url).toBe(`http://127.0.0.1:${first.httpPort}`);
    expect(first.tcpPort).not.toBe(first.httpPort);
    expect(await (await fetch(`${first.url}/ping`)).text()).toBe('Ok.\n');
    await query(first, 'CREATE DATABASE app');
    await query(first, 'CREATE TABLE app.t (id UInt32, name String) ENGINE = MergeTree ORDER BY id');
    await query(first, "INSERT INTO app.t VALUES (1, 'a'), (2, 'b')");

    await first.stop();
    expect(isAlive(first.pid)).toBe(false);
    await expect(fetch(`${first.url}/ping`)).rejects.toThrow();

    const second = await start();
    expect(await query(second, 'SELECT id, name FROM app.t ORDER BY id FORMAT CSV')).toBe('1,"a"\n2,"b"');
  });

  it('restarts on the same data after kill -9', async () => {
    const first = await start();
    await query(first, 'CREATE TABLE t (id UInt32) ENGINE = MergeTree ORDER BY id');
    await query(first, 'INSERT INTO t SELECT number FROM numbers(1000)');
    first.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const second = await start();
    expect(await query(second, 'SELECT count(), sum(id) FROM t')).toBe('1000\t499500');
  });

  it('rejects with the engine output when it exits during start-up', async () => {
    await start();
    // A second server on the same data directory is refused by the engine's lock on it.
    await expect(start()).rejects.toThrow(/Another server instance in same directory/);
  });

  it('drops the library pages it is not using from its RSS, and keeps serving', async () => {
    expect(libchdbPath()).toMatch(/libchdb\.so$/);
    // The launcher reads its interval from the environment the engine inherits.
    process.env.CHDB_LAUNCHER_DROP_PAGES_EVERY_S = '0';
    const keeping = await start('keeping').finally(() => delete process.env.CHDB_LAUNCHER_DROP_PAGES_EVERY_S);
    const dropping = await start('dropping');
    const work = 'SELECT count(), uniqExact(number % 1000) FROM numbers(1000000) FORMAT TSV';
    for (const engine of [keeping, dropping]) expect(await query(engine, work)).toBe('1000000\t1000');
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // two drops (every 2 s)
    const kept = libraryFileRssKiB(keeping.pid);
    // Start-up alone maps well over 50 MiB of the library; what is used every second stays far below.
    expect(kept).toBeGreaterThan(50 * 1024);
    expect(libraryFileRssKiB(dropping.pid)).toBeLessThan(kept / 2);
    expect(await query(dropping, work)).toBe('1000000\t1000');
  });
});
