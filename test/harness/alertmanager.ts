// Real Alertmanager (Debian package `prometheus-alertmanager`: the binary is
// /usr/bin/prometheus-alertmanager, not `alertmanager`; amtool is /usr/bin/amtool) and a webhook
// receiver that records what Alertmanager delivers.
import { createServer, type IncomingMessage } from 'node:http';
import { requireBinary, runCommand, startPrometheusFamilyServer, type CommandResult } from './process.js';

const ALERTMANAGER = ['prometheus-alertmanager', 'alertmanager'];
const AMTOOL = ['amtool'];

export interface AlertmanagerInstance {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager with `configYaml` on a free 127.0.0.1 port, with its own storage directory and
 * HA clustering disabled (the default gossip port 9094 would clash between instances).
 * For tests, route with short timings (see `webhookAlertmanagerConfig`) so alerts arrive in seconds.
 */
export async function startAlertmanager(opts: { configYaml: string }): Promise<AlertmanagerInstance> {
  const binary = requireBinary(ALERTMANAGER, 'prometheus-alertmanager', 'ALERTMANAGER_BIN');
  return startPrometheusFamilyServer({
    name: 'alertmanager',
    binary,
    config: opts.configYaml,
    configName: 'alertmanager.yml',
    storageFlag: '--storage.path',
    args: ['--cluster.listen-address='],
  });
}

/** Runs Debian's `amtool` (e.g. `['check-config', file]`, `['alert', 'query', '--alertmanager.url', url]`). */
export async function amtool(args: string[]): Promise<CommandResult> {
  const binary = requireBinary(AMTOOL, 'prometheus-alertmanager', 'AMTOOL_BIN');
  return runCommand(binary, args, { timeoutMs: 60_000 });
}

/**
 * An Alertmanager config that sends everything to one webhook with test-friendly timings:
 * group_wait 0 s / group_interval 1 s, so a new alert is delivered ~immediately and changes within ~1 s.
 */
export function webhookAlertmanagerConfig(
  webhookUrl: string,
  opts: { groupWait?: string; groupInterval?: string; repeatInterval?: string; groupBy?: string[] } = {},
): string {
  const groupBy = (opts.groupBy ?? ['alertname']).map((l) => JSON.stringify(l)).join(', ');
  return [
    'route:',
    '  receiver: webhook',
    `  group_by: [${groupBy}]`,
    `  group_wait: ${opts.groupWait ?? '0s'}`,
    `  group_interval: ${opts.groupInterval ?? '1s'}`,
    `  repeat_interval: ${opts.repeatInterval ?? '1h'}`,
    'receivers:',
    '  - name: webhook',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(webhookUrl)}`,
    '        send_resolved: true',
    '',
  ].join('\n');
}

export interface ReceivedAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint?: string;
  generatorURL?: string;
  /** Added by the receiver: when the payload carrying this alert arrived (ms since epoch). */
  receivedAt: number;
}

export interface WebhookReceiver {
  /** Webhook URL to put in an Alertmanager `webhook_configs` entry. */
  url: string;
  /** Every webhook payload as delivered (Alertmanager's webhook JSON: status, groupLabels, alerts…). */
  received: Array<{ receivedAt: number; body: any }>;
  /** All alerts from all payloads, flattened, in arrival order, each with `receivedAt`. */
  alerts: ReceivedAlert[];
  /** Resolves with the first alert (past or future) matching `predicate`; default timeout 15 s. */
  waitFor(predicate: (alert: any) => boolean, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const alerts: ReceivedAlert[] = [];
  const waiters = new Set<{ predicate: (alert: any) => boolean; resolve: (alert: any) => void }>();

  const server = createServer((req, res) => {
    void readBody(req).then(
      (text) => {
        const receivedAt = Date.now();
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          res.writeHead(400).end('invalid JSON');
          return;
        }
        received.push({ receivedAt, body });
        const batch: any[] = Array.isArray(body?.alerts) ? body.alerts : [];
        for (const alert of batch) {
          const entry = { ...alert, receivedAt } as ReceivedAlert;
          alerts.push(entry);
          for (const waiter of [...waiters]) {
            if (safeMatch(waiter.predicate, entry)) {
              waiters.delete(waiter);
              waiter.resolve(entry);
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('webhook receiver has no address');
  const url = `http://127.0.0.1:${address.port}/webhook`;

  return {
    url,
    received,
    alerts,
    waitFor(predicate, timeoutMs = 15_000) {
      const existing = alerts.find((a) => safeMatch(predicate, a));
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (alert: any) => {
            clearTimeout(timer);
            resolve(alert);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = alerts.map((a) => `${a.status} ${JSON.stringify(a.labels)}`).join('\n  ') || '(none)';
          reject(new Error(`no matching alert reached the webhook within ${timeoutMs} ms; received:\n  ${seen}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function safeMatch(predicate: (alert: any) => boolean, alert: unknown): boolean {
  try {
    return predicate(alert);
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Alertmanager (routed with test timings, grouped by `groupBy`) delivering to a fresh webhook receiver. */
export async function startWebhookAlertmanager(groupBy: string[]): Promise<{ alertmanager: AlertmanagerInstance; webhook: WebhookReceiver }> {
  const webhook = await startWebhookReceiver();
  try {
    return { alertmanager: await startAlertmanager({ configYaml: webhookAlertmanagerConfig(webhook.url, { groupBy }) }), webhook };
  } catch (error) {
    await webhook.stop();
    throw error;
  }
}
