#!/usr/bin/env node
// The one entry point behind `npm start`, `npm test`, `npm run test:unit|bench|faults|lint`.
// A fresh Debian machine has only Node 20 and npm: this script installs what each command needs
// (system packages through apt when run as root, npm packages through pnpm), builds, then runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '10.34.9';
const ci = process.env.CI === 'true' || process.env.CI === '1';
const command = process.argv[2] ?? 'start';
const extra = process.argv.slice(3);

/**
 * The monitor's V8 heap limit: without it the heap grew to ~200 MB, mostly garbage, after a burst
 * (memory-settings bench; the whole monitor's budget at 1M people is 600 MB, engine included);
 * 256 MB still leaves room to parse a full 32 MB batch. Also in the Dockerfile and the test
 * harness (test/setup/monitor-process.ts).
 */
const MONITOR_NODE_FLAGS = ['--max-old-space-size=256'];

/** Debian packages the test suite and benchmarks drive for real (SPEC §9). */
const TEST_SYSTEM_PACKAGES = [
  'gcc',
  'libc6-dev',
  'librdkafka-dev',
  'kcat',
  'prometheus',
  'prometheus-alertmanager',
  'chromium',
  'poppler-utils',
  'fonts-noto-cjk',
];

function step(message) {
  console.log(`\n▶ ${message}`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`✖ ${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
    process.exit(result.status ?? 1);
  }
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** pnpm from PATH, else the pinned version through npx (a fresh machine has only npm). */
function pnpmCommand(args) {
  return has('pnpm') ? ['pnpm', args] : ['npx', ['--yes', `pnpm@${PNPM_VERSION}`, ...args]];
}

function pnpm(args) {
  return run(...pnpmCommand(args));
}

function missingDebianPackages(packages) {
  return packages.filter(
    (pkg) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') !== true,
  );
}

function installSystemPackages(packages) {
  const missing = missingDebianPackages(packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    const message = `missing Debian packages: ${missing.join(' ')} (run as root, or: sudo apt-get install -y ${missing.join(' ')})`;
    if (ci) {
      console.error(`✖ ${message}`);
      process.exit(1);
    }
    console.warn(`⚠ ${message}`);
    return;
  }
  step(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

function installNodePackages() {
  step('pnpm install');
  const frozen = ci && existsSync(join(root, 'pnpm-lock.yaml'));
  pnpm(['install', frozen ? '--frozen-lockfile' : '--prefer-offline']);
}

function build() {
  step('build (turbo)');
  pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
}

/** Biome's check: the formatter check and the linter (see biome.jsonc); `biome format --write` fixes the format. */
const BIOME_CHECK = 'ci';

/** Lints and format-checks (Biome), type-checks every package's sources (turbo) and then every test file against them. */
function lint() {
  step(`lint: biome ${BIOME_CHECK}`);
  pnpm(['exec', 'biome', BIOME_CHECK]);
  step('lint: type-check sources and tests');
  pnpm(['exec', 'turbo', 'run', 'lint', '--output-logs=errors-only']);
  pnpm(['exec', 'tsc', '-p', 'tsconfig.tests.json']);
}

/** Runs the suite and ends with one plain summary line (`vitest: N passed, N failed`) for CI. */
function runVitest(args) {
  const report = join(root, '.tmp', 'vitest-report.json');
  rmSync(report, { force: true });
  const [cmd, cmdArgs] = pnpmCommand(['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args]);
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (existsSync(report)) {
    const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
    console.log(`\nvitest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
  }
  if (result.status !== 0) {
    console.error(`✖ vitest exited with ${result.status ?? result.signal}`);
    process.exit(result.status ?? 1);
  }
}

switch (command) {
  case 'start':
    installNodePackages();
    build();
    step('starting the monitor');
    run(process.execPath, [...MONITOR_NODE_FLAGS, 'services/monitor/dist/main.js', ...extra]);
    break;
  case 'build':
    installNodePackages();
    build();
    break;
  case 'lint':
    installNodePackages();
    lint();
    break;
  case 'test':
    installSystemPackages(TEST_SYSTEM_PACKAGES);
    installNodePackages();
    build();
    lint();
    step('vitest (unit, integration, end-to-end)');
    runVitest(extra);
    break;
  case 'test:unit':
    // Unit tests only (*.unit.test.ts): no engine, no build, no Debian packages; seconds.
    installNodePackages();
    step('vitest --project unit');
    runVitest(['--project', 'unit', ...extra]);
    break;
  case 'bench':
  case 'faults':
    installSystemPackages(TEST_SYSTEM_PACKAGES);
    installNodePackages();
    build();
    run(process.execPath, [`test/dist/${command === 'bench' ? 'bench' : 'faults'}/main.js`, ...extra]);
    break;
  default:
    console.error(`unknown command ${command}: use start | test | test:unit | build | lint | bench | faults`);
    process.exit(2);
}
