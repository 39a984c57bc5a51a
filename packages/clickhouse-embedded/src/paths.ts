import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file runs from src/ (vitest) or dist/ (build): the package root is one level up either way.
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const LIB_PACKAGE = '@chdb/lib-linux-x64-gnu';

/** Absolute path of the ClickHouse engine library shipped by chdb's platform package. */
export function libchdbPath(): string {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve(`${LIB_PACKAGE}/package.json`));
  } catch (cause) {
    throw new Error(
      `${LIB_PACKAGE} is not installed: the embedded ClickHouse engine needs it (Linux x64 with glibc only; ` +
        `this is ${process.platform}-${process.arch}). Run the workspace install, or set CLICKHOUSE_URL to a server.`,
      { cause },
    );
  }
  const library = join(packageDir, 'libchdb.so');
  if (!existsSync(library)) throw new Error(`${library} is missing: reinstall ${LIB_PACKAGE}`);
  return library;
}

/** The compiled launcher (native/launcher.c) that runs the engine as a server. */
export function launcherPath(): string {
  return join(packageRoot, 'dist', 'chdb-launcher');
}

/** Compiles the launcher if it is missing or older than its source (needs gcc). */
export function buildLauncher(): void {
  const result = spawnSync(process.execPath, [join(packageRoot, 'native', 'build.mjs')], { stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`building ${launcherPath()} failed (see the compiler output above)`);
}
