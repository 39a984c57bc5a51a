import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

const MAIN = join(repoRoot(), 'services', 'monitor', 'dist', 'main.js');

export interface MonitorProcess {
  child: ChildProcess;
  url: string;
  tokens: Record<string, string>;
  /** Everything the process logged so far (stdout and stderr). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the built all-in-one monitor (`services/monitor/dist/main.js`, as `npm start` does) as a
 * child process and waits for its ready line, which gives the URL and where the tokens are.
 */
export async function startMonitorProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<MonitorProcess> {
  // The V8 heap limit `npm start` gives the monitor (scripts/bootstrap.mjs MONITOR_NODE_FLAGS).
  const child = spawn(process.execPath, ['--max-old-space-size=256', MAIN], {
    env: { ...process.env, EGRESS_HTTP_PORT: '0', EGRESS_HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<{ url: string; tokens: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`monitor not ready after ${timeoutMs} ms:\n${output.slice(-4000)}`)), timeoutMs);
    const check = () => {
      for (const line of output.split('\n')) {
        if (!line.includes('PI egress monitor ready')) continue;
        clearTimeout(timer);
        const entry = JSON.parse(line) as { url: string; tokens: string };
        return resolve(entry);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`monitor exited with ${code} before it was ready:\n${output.slice(-4000)}`));
    });
  });
  const tokens = Object.fromEntries(
    (env.EGRESS_TOKENS ?? readFileSync(ready.tokens, 'utf8').trim()).split(',').map((entry) => {
      const [role, ...token] = entry.split(':');
      return [role!, token.join(':')];
    }),
  );
  return {
    child,
    url: ready.url,
    tokens,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
