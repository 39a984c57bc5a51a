// Every test file says what it needs by its name: `*.unit.test.ts` (no engine, no processes: the
// `unit` project, `npm run test:unit`) or `*.integration.test.ts` (the `integration` project, with
// the real ClickHouse engine). A file named otherwise would run in the integration project unnoticed.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@pi-egress/testing/fixtures';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('test file names', () => {
  it('are all *.unit.test.ts or *.integration.test.ts', () => {
    const root = repoRoot();
    const files = ['packages', 'services', 'test'].flatMap((dir) => testFiles(join(root, dir))).map((path) => relative(root, path));
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((path) => !/\.(unit|integration)\.test\.ts$/.test(path))).toEqual([]);
  });
});
