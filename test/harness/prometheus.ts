// Real Prometheus (Debian package `prometheus`: /usr/bin/prometheus 2.42, /usr/bin/promtool) for tests.
// Each instance gets a free 127.0.0.1 port and its own temporary TSDB directory, removed on stop().
// The configuration is written as JSON, which is valid YAML for Prometheus' loader.
//
// Timings (measured here): /-/ready answers ~150 ms after spawn, but the FIRST scrape of a target only
// happens ~5 s after start: Prometheus 2.42 throttles target-discovery updates to the scrape manager
// (and to the notifier's Alertmanager list) with a fixed, non-configurable 5 s tick, even for
// static_configs. So budget ≥ 10 s for `waitFor` on freshly scraped series; a rule-based alert with
// `for: 0` reaches an Alertmanager webhook ~6 s after startPrometheus() returns.
import { pollUntil, requireBinary, runCommand, startPrometheusFamilyServer, type CommandResult } from './process.js';

export interface PrometheusOptions {
  /** `host:port` targets scraped at `/metrics` (job `test`). */
  scrapeTargets: string[];
  /** Scrape and rule evaluation interval; default 1 s so tests see data quickly. */
  scrapeIntervalSeconds?: number;
  /** Rule files (absolute paths) loaded by Prometheus. */
  ruleFiles?: string[];
  /** Alertmanager base URL (e.g. from startAlertmanager) that firing alerts are sent to. */
  alertmanagerUrl?: string;
  /** Merged over the generated configuration (top-level keys replace the generated ones). */
  extraConfig?: object;
}

export interface PrometheusInstance {
  url: string;
  stop(): Promise<void>;
  /** Instant query; returns `data.result` (vector/matrix entries; scalar/string results as a one-element array). */
  query(expr: string): Promise<unknown[]>;
  /** Polls `query(expr)` until `predicate` (default: non-empty result) holds; default timeout 30 s. */
  waitFor(expr: string, predicate?: (result: unknown[]) => boolean, timeoutMs?: number): Promise<unknown[]>;
}

const PROMETHEUS = ['prometheus'];
const PROMTOOL = ['promtool'];

export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusInstance> {
  const binary = requireBinary(PROMETHEUS, 'prometheus', 'PROMETHEUS_BIN');
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  const config: Record<string, unknown> = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: [
      {
        job_name: 'test',
        metrics_path: '/metrics',
        static_configs: [{ targets: opts.scrapeTargets }],
      },
    ],
  };
  if (opts.ruleFiles?.length) config.rule_files = opts.ruleFiles;
  if (opts.alertmanagerUrl) {
    const am = new URL(opts.alertmanagerUrl);
    config.alerting = {
      alertmanagers: [
        {
          scheme: am.protocol.replace(/:$/, ''),
          path_prefix: am.pathname === '/' ? undefined : am.pathname,
          api_version: 'v2',
          static_configs: [{ targets: [am.host] }],
        },
      ],
    };
  }
  Object.assign(config, opts.extraConfig ?? {});

  const { url, stop } = await startPrometheusFamilyServer({
    name: 'prometheus',
    binary,
    config: JSON.stringify(config, null, 2),
    configName: 'prometheus.yml',
    storageFlag: '--storage.tsdb.path',
    args: ['--web.enable-lifecycle', '--storage.tsdb.retention.time=1d'],
  });

  const query = async (expr: string): Promise<unknown[]> => {
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    if (!res.ok || body.status !== 'success' || !body.data) {
      throw new Error(`Prometheus query ${JSON.stringify(expr)} failed: HTTP ${res.status} ${body.error ?? ''}`);
    }
    const result = body.data.result;
    return Array.isArray(body.data.result) && (body.data.resultType === 'vector' || body.data.resultType === 'matrix')
      ? (result as unknown[])
      : [result];
  };

  const waitFor = (expr: string, predicate: (result: unknown[]) => boolean = (r) => r.length > 0, timeoutMs = 30_000) =>
    pollUntil(
      async () => {
        const result = await query(expr);
        return predicate(result) ? result : undefined;
      },
      { timeoutMs, intervalMs: 250, description: `Prometheus query ${JSON.stringify(expr)}` },
    );

  return { url, stop, query, waitFor };
}

/** Runs Debian's `promtool` (e.g. `['check', 'rules', file]`, `['check', 'metrics']` with stdin). */
export async function promtool(args: string[], opts: { stdin?: string } = {}): Promise<CommandResult> {
  const binary = requireBinary(PROMTOOL, 'prometheus', 'PROMTOOL_BIN');
  return runCommand(binary, args, { stdin: opts.stdin, timeoutMs: 60_000 });
}
