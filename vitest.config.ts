import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so `vitest` sees edits without a rebuild.
const alias: Record<string, string> = {};
for (const group of ['packages', 'services']) {
  for (const dir of readdirSync(new URL(`./${group}/`, import.meta.url))) {
    alias[`@pi-egress/${dir}`] = fileURLToPath(new URL(`./${group}/${dir}/src/index.ts`, import.meta.url));
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one ClickHouse engine on two cores: keep parallelism modest.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
