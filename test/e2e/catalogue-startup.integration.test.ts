import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runCommand, tempDir, testPackageRoot } from '../harness/process.js';

const MAIN = join(testPackageRoot(), '..', 'services', 'monitor', 'dist', 'main.js');

describe('start-up with a category file (the built monitor)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('catalogue');
  });
  afterAll(() => removeDir(dir));

  it('stops with one clear line naming a statutory sensitive code the file downgrades', async () => {
    const file = join(dir, 'categories.json');
    writeFileSync(
      file,
      JSON.stringify([
        { code: 'loyalty_tier', sensitive: false },
        { code: 'health', sensitive: false },
      ]),
    );
    const result = await runCommand(process.execPath, [MAIN], {
      env: { ...process.env, EGRESS_DATA_DIR: join(dir, 'data'), EGRESS_CATEGORIES_FILE: file, EGRESS_HTTP_PORT: '0', EGRESS_HTTP_HOST: '127.0.0.1' },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'category catalogue: health is sensitive by law (PIPL Art. 28, GB/T 35273-2020 Annex B) and cannot be made non-sensitive',
    );
  });
});
