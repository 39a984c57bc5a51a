// Shared process plumbing for the test harnesses: free ports, locating Debian-installed binaries,
// spawning long-running services that die with the test runner, waiting until they are ready,
// stopping them, and running one-shot CLI tools.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it; tiny race, fine for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not allocate a free port'))));
    });
  });
}

/** A fresh temporary directory; remove it with `removeDir`. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `pi-egress-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** The `test/` workspace package root (works from `test/harness/*.ts` and from `test/dist/harness/*.js`). */
export function testPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@pi-egress/test') return dir;
      } catch {
        // not ours: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the @pi-egress/test package above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of the first candidate found on PATH (or given as an absolute path), else undefined. */
export function findBinary(candidates: readonly string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin']) if (!dirs.includes(dir)) dirs.push(dir);
  for (const name of candidates) {
    if (name.startsWith('/')) {
      if (isExecutable(name)) return name;
      continue;
    }
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutable(path)) return path;
    }
  }
  return undefined;
}

/** Message telling how to get a missing Debian package (`npm test` installs them when run as root). */
export function missingPackageMessage(what: string, debianPackage: string): string {
  return (
    `${what} not found: install the Debian package '${debianPackage}' ` +
    `(apt-get install -y --no-install-recommends ${debianPackage}; \`npm test\` does this itself when run as root)`
  );
}

/**
 * Resolves a binary installed by a Debian package or throws a clear error naming the package.
 * `envOverride` names an environment variable that may point at another build of the binary.
 */
export function requireBinary(candidates: readonly string[], debianPackage: string, envOverride?: string): string {
  const override = envOverride ? process.env[envOverride] : undefined;
  if (override) {
    if (isExecutable(override)) return override;
    throw new Error(`${envOverride}=${override} is not an executable file`);
  }
  const found = findBinary(candidates);
  if (found) return found;
  throw new Error(missingPackageMessage(candidates.join(' / '), debianPackage));
}

// Every service still running when the test worker exits is killed. `setpriv --pdeathsig` (util-linux,
// Essential in Debian) additionally covers the runner being SIGKILLed, where no exit hook runs.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
}
const setpriv = findBinary(['setpriv']);

export interface ServiceOptions {
  /** Short name used in errors and logs, e.g. `prometheus`. */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep stdin as a pipe (the owner closes it to ask the service to exit). Default: ignored. */
  stdinPipe?: boolean;
  /** Arrange for the service to receive SIGTERM if the test process dies (needs `setpriv`). Default true. */
  dieWithParent?: boolean;
}

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Last ~64 KiB of combined stdout/stderr, for error messages. */
  output(): string;
  /** Resolves with the first stdout line matching `pattern` (rejects if the process exits first). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Polls `url` until it answers 2xx (rejects early with the log tail if the process exits). */
  waitForHttp(url: string, timeoutMs: number): Promise<void>;
  /** Whether the process has exited. */
  readonly exited: boolean;
  /** SIGTERM (or close stdin), then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;

export function startService(opts: ServiceOptions): Service {
  const dieWithParent = opts.dieWithParent ?? true;
  const [command, args] =
    dieWithParent && setpriv ? [setpriv, ['--pdeathsig', 'TERM', '--', opts.command, ...opts.args]] : [opts.command, [...opts.args]];
  const stdio: StdioOptions = [opts.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'];
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio });
  trackChild(child);

  let output = '';
  let exited = false;
  let exitInfo = '';
  let spawnError: Error | undefined;
  const append = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  const lineListeners = new Set<(line: string) => void>();
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    append(chunk);
    partial += chunk.toString('utf8');
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl).replace(/\r$/, '');
      partial = partial.slice(nl + 1);
      for (const listener of lineListeners) listener(line);
    }
  });
  child.stderr?.on('data', append);
  // A service whose owner closed stdin may already be gone: ignore EPIPE on the pipe.
  child.stdin?.on('error', () => undefined);

  const exitPromise = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      exited = true;
      exitInfo = `failed to start: ${err.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
  });

  const describeExit = (): Error => new Error(`${opts.name} ${exitInfo} before it was ready${spawnError ? '' : `; output:\n${tail(output)}`}`);

  const service: Service = {
    name: opts.name,
    child,
    get pid() {
      return child.pid ?? -1;
    },
    output: () => output,
    get exited() {
      return exited;
    },
    waitForLine(pattern, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${opts.name}: no stdout line matching ${pattern} within ${timeoutMs} ms; output:\n${tail(output)}`));
        }, timeoutMs);
        const listener = (line: string): void => {
          if (!pattern.test(line)) return;
          cleanup();
          resolve(line);
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          lineListeners.delete(listener);
        };
        lineListeners.add(listener);
        void exitPromise.then(() => {
          if (!lineListeners.has(listener)) return;
          // Let buffered stdout drain into the listener first.
          setImmediate(() => {
            if (!lineListeners.has(listener)) return;
            cleanup();
            reject(describeExit());
          });
        });
      });
    },
    async waitForHttp(url, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (exited) throw describeExit();
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
          if (res.ok) return;
          last = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
        } catch (err) {
          last = (err as Error).message;
        }
        await sleep(100);
      }
      throw new Error(`${opts.name} not ready at ${url} within ${timeoutMs} ms (${last}); output:\n${tail(output)}`);
    },
    async stop(graceMs = 5_000) {
      if (!exited) {
        child.stdin?.end();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exitPromise;
        clearTimeout(timer);
      }
      await exitPromise;
    },
  };
  return service;
}

/**
 * Starts a service that owns the temp directory `dir`, waits until `readyUrl` answers, and gives
 * a stop that also removes the directory (used on failure too, so nothing is left behind).
 */
/**
 * A server of the Prometheus family (Prometheus, Alertmanager) on a free 127.0.0.1 port: its
 * `config` written to a fresh temporary directory, its storage (`storageFlag`) there too.
 */
export async function startPrometheusFamilyServer(opts: {
  name: string;
  binary: string;
  config: string;
  configName: string;
  storageFlag: string;
  args: string[];
}): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await tempDir(opts.name);
  const configFile = join(dir, opts.configName);
  await writeFile(configFile, opts.config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { stop } = await startHttpService({
    name: opts.name,
    command: opts.binary,
    args: [
      `--config.file=${configFile}`,
      `${opts.storageFlag}=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`, // otherwise alerts' generatorURL names the host name
      ...opts.args,
      '--log.level=warn',
    ],
    cwd: dir,
    dir,
    readyUrl: `${url}/-/ready`,
  });
  return { url, stop };
}

export async function startHttpService(
  opts: ServiceOptions & { dir: string; readyUrl: string; readyTimeoutMs?: number },
): Promise<{ service: Service; stop(): Promise<void> }> {
  const service = startService(opts);
  const stop = async (): Promise<void> => {
    await service.stop(5_000);
    await removeDir(opts.dir);
  };
  try {
    await service.waitForHttp(opts.readyUrl, opts.readyTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { service, stop };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a one-shot command to completion (killed after `timeoutMs`). A non-zero exit is not an error. */
export function runCommand(
  command: string,
  args: readonly string[],
  opts: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timeoutMs = opts.timeoutMs ?? 30_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms; stderr:\n${tail(stderr)}`));
      else resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    if (opts.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin);
    }
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value other than `undefined`, or throws after `timeoutMs`. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number; description: string },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.description}${why}`);
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
