import type { Logger } from '@pi-egress/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { engineArgs, serverLogPath } from './args.js';
import { fileSize, fileTail, OutputTail } from './output.js';
import { buildLauncher, launcherPath, libchdbPath } from './paths.js';
import { freePorts } from './ports.js';

export interface EmbeddedClickHouseOptions {
  /** Where the engine keeps its databases (created if missing); server logs go to `logs/` inside. */
  dataDir: string;
  /** Loopback ports; free ones are chosen (and re-chosen if taken meanwhile) when omitted. */
  httpPort?: number;
  tcpPort?: number;
  /** A server configuration file (e.g. `remote_servers` of a test cluster); the settings below still apply over it. */
  configFile?: string;
  /** Server configuration overrides (`key` → value, nested keys dotted), over the embedded defaults (args.ts). */
  settings?: Record<string, string | number>;
  /** How long to wait for `GET /ping`; default 60 s (re-opening large tables takes a while). */
  startTimeoutMs?: number;
  logger?: Logger;
}

export interface EmbeddedClickHouse {
  /** http://127.0.0.1:PORT, for @clickhouse/client or plain HTTP. */
  readonly url: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly dataDir: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL) without waiting: for crash tests. */
  kill(signal?: NodeJS.Signals): void;
  /** Exit code, or null when ended by a signal. */
  readonly exited: Promise<number | null>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const PORT_ATTEMPTS = 5;

class PortInUseError extends Error {}

/** Starts the ClickHouse engine of libchdb.so as a loopback HTTP + native server in a child process. */
export async function startEmbeddedClickHouse(options: EmbeddedClickHouseOptions): Promise<EmbeddedClickHouse> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dirname(serverLogPath(dataDir)), { recursive: true });
  const library = libchdbPath();
  if (!existsSync(launcherPath())) buildLauncher();

  const fixedPorts = options.httpPort !== undefined && options.tcpPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    const [freeHttp, freeTcp] = fixedPorts ? [] : await freePorts(2);
    const httpPort = options.httpPort ?? freeHttp!;
    const tcpPort = options.tcpPort ?? freeTcp!;
    try {
      return await launch(options, library, dataDir, httpPort, tcpPort);
    } catch (error) {
      if (!(error instanceof PortInUseError) || fixedPorts || attempt >= PORT_ATTEMPTS) throw error;
      options.logger?.warn({ httpPort, tcpPort, attempt }, 'embedded ClickHouse: port taken meanwhile, retrying');
    }
  }
}

async function launch(
  options: EmbeddedClickHouseOptions,
  library: string,
  dataDir: string,
  httpPort: number,
  tcpPort: number,
): Promise<EmbeddedClickHouse> {
  const logPath = serverLogPath(dataDir);
  const logStart = await fileSize(logPath);
  const child = spawn(launcherPath(), [library, ...engineArgs(dataDir, httpPort, tcpPort, options.configFile, options.settings)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a Ctrl-C aimed at the parent must not kill the engine while the parent
    // still flushes into it. The launcher's PR_SET_PDEATHSIG ends it when the parent dies.
    detached: true,
    env: { ...process.env, CHDB_LAUNCHER_PARENT_PID: String(process.pid) },
  });
  const output = new OutputTail();
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk));
  let expectedExit = false;
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
    child.once('error', (error) => {
      output.push(`${error.message}\n`);
      resolveExit(null);
    });
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const startedAt = Date.now();

  try {
    await waitUntilServing(url, dataDir, exited, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  } catch (error) {
    expectedExit = true;
    child.kill('SIGKILL');
    await exited;
    const log = await fileTail(logPath, logStart);
    const message =
      `embedded ClickHouse failed to start on ${dataDir}: ${error instanceof Error ? error.message : String(error)}` +
      `\n--- engine output ---\n${output}\n--- new lines of ${logPath} ---\n${log}`;
    throw /Address already in use/.test(String(output)) ? new PortInUseError(message) : new Error(message);
  }

  void exited.then((code) => {
    if (expectedExit) return;
    options.logger?.error({ code, output: String(output), dataDir }, 'embedded ClickHouse exited unexpectedly');
  });
  const startMs = Date.now() - startedAt;
  options.logger?.info({ url, tcpPort, dataDir, pid: child.pid, startMs }, 'embedded ClickHouse serving');

  return {
    url,
    httpPort,
    tcpPort,
    dataDir,
    pid: child.pid!,
    exited,
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      expectedExit = true;
      child.kill(signal);
    },
    async stop() {
      expectedExit = true;
      await terminate(child, exited);
    },
  };
}

/**
 * The engine has no signal handlers (chdb turns them off): SIGTERM ends it at once, like SIGKILL.
 * Nothing is lost: every acknowledged insert is already written to its part. Measured: even with
 * async_insert=1 and wait_for_async_insert=0 rows are visible at once and system.asynchronous_inserts
 * stays empty (chdb does not start the server's async-insert queue, so inserts are synchronous).
 */
async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(escalation);
}

/**
 * Resolves once `GET /ping` answers "Ok." from *our* server: until the child has bound the port,
 * another server already on it would answer too, so the data path is checked as well.
 */
async function waitUntilServing(url: string, dataDir: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? null));
  const pathQuery = `${url}/?query=${encodeURIComponent("SELECT getServerSetting('path')")}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the engine exited (code ${exitCode}) before serving`);
    if ((await httpText(`${url}/ping`)) === 'Ok.' && (await httpText(pathQuery)) === dataDir) return;
    await sleep(50);
  }
  throw new Error(`no answer to GET ${url}/ping within ${timeoutMs} ms`);
}

async function httpText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? (await response.text()).trim() : undefined;
  } catch {
    return undefined;
  }
}
