#!/usr/bin/env node
// Compiles native/launcher.c into dist/chdb-launcher with the system C compiler, only when the
// binary is missing or older than its source. Run by the package build and by the vitest global
// setup (so `vitest run` works on a fresh checkout). Lives in native/ so turbo's inputs cover it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./launcher.c', import.meta.url));
const target = fileURLToPath(new URL('../dist/chdb-launcher', import.meta.url));

if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) process.exit(0);

const cc = process.env.CC || 'gcc';
mkdirSync(dirname(target), { recursive: true });
// Compile beside the target and rename: concurrent builds (turbo and vitest) never see a partial file.
const temporary = `${target}.${process.pid}.tmp`;
const result = spawnSync(cc, ['-O2', '-Wall', '-Wextra', '-o', temporary, source, '-ldl', '-pthread'], {
  stdio: 'inherit',
});
if (result.error?.code === 'ENOENT') {
  console.error(
    `✖ C compiler '${cc}' not found: the embedded ClickHouse launcher must be compiled.\n` +
      '  Install it: apt-get install -y gcc libc6-dev (or set CC to another compiler).',
  );
  process.exit(1);
}
if (result.error || result.status !== 0) {
  rmSync(temporary, { force: true });
  const reason = result.error?.message ?? `exit ${result.status ?? result.signal}`;
  console.error(`✖ compiling ${source} failed (${reason})`);
  process.exit(1);
}
renameSync(temporary, target);
console.log(`built ${target}`);
