import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so `vitest` sees edits without a rebuild.
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const alias = [{ find: /^@pi-egress\/testing\/fixtures$/, replacement: source('./packages/testing/src/fixtures.ts') }];
for (const group of ['packages', 'services']) {
  for (const dir of readdirSync(new URL(`./${group}/`, import.meta.url))) {
    alias.push({ find: new RegExp(`^@pi-egress/${dir}$`), replacement: source(`./${group}/${dir}/src/index.ts`) });
  }
}

const EVERY_TEST = ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/**/*.test.ts'];
const UNIT_TESTS = EVERY_TEST.map((glob) => glob.replace(/\.test\.ts$/, '.unit.test.ts'));

// Two projects: `unit` (*.unit.test.ts: no engine, no processes; `npm run test:unit`) and
// `integration` (every other test file, *.integration.test.ts, on the real ClickHouse engine that
// global-setup starts once for the run). test/test-names.unit.test.ts keeps every file in one of them.
export default defineConfig({
  resolve: { alias },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one ClickHouse engine on two cores: keep parallelism modest.
    pool: 'forks',
    // Pool options are read from this root config only (vitest 3 ignores them in a project): forks
    // serve the integration project, threads the unit project. Unit files are not isolated: they
    // share one module graph per thread, so the workspace is imported twice rather than once per
    // file (about 28 s → under 10 s). A unit test must therefore leave no module state behind;
    // `vitest run --project unit --sequence.shuffle` checks that.
    poolOptions: { forks: { maxForks: 2, minForks: 1 }, threads: { maxThreads: 2, minThreads: 1, isolate: false } },
    reporters: ['default'],
    projects: [
      // Threads: no engine and no child processes here, and a thread starts faster than a fork.
      { extends: true, test: { name: 'unit', include: UNIT_TESTS, pool: 'threads' } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: EVERY_TEST,
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.unit.test.ts'],
          globalSetup: ['packages/testing/src/global-setup.ts'],
        },
      },
    ],
  },
});
