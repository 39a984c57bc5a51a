// Evaluator replicas on one store: the standalone evaluator (`services/evaluator/dist/main.js`) as
// real processes beside a real Alertmanager and webhook receiver. One replica leads (a lease in the
// store); it alone records transitions and delivers, so the history holds each transition once and
// the webhook receives each alert once; after kill -9 of the leader another replica takes over
// within 30 s. Checkpoint refreshes follow the lease too (in-process part, real store).
import { createLogger } from '@pi-egress/config';
import { createMetrics, ingestEvents, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue, validateCertificate } from '@pi-egress/domain';
import { startEvaluatorReplica, type EvaluatorReplica } from '@pi-egress/evaluator';
import { openStore, type Store } from '@pi-egress/store';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, makeCertificate, makeEvent, openTestStore, subjects } from '@pi-egress/testing';
import { ALERT_IDENTITY, RUNBOOKS_URL } from '../harness/alerting-rig.js';
import { startWebhookAlertmanager, type AlertmanagerInstance, type WebhookReceiver } from '../harness/alertmanager.js';
import { freePort, pollUntil, sleep, startService, testPackageRoot, type Service } from '../harness/process.js';

const REPO = join(testPackageRoot(), '..');
const SCOPE = { processor_id: 'P1', certificate_id: 'CERT-1', class: 'non_sensitive', alertname: 'ScopeUtilization' };
const FAILOVER_BOUND_MS = 30_000;
const silent = createLogger({ level: 'silent' });

function buildEvaluator(): void {
  const result = spawnSync(
    'npx',
    ['--yes', 'pnpm@10.34.9', 'exec', 'turbo', 'run', 'build', '--filter', '@pi-egress/evaluator...', '--output-logs=errors-only'],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`building @pi-egress/evaluator failed:\n${result.stdout}\n${result.stderr}`);
}

describe('evaluator replicas as processes, one store, one Alertmanager', () => {
  let store: Store & { database: string };
  let ctx: MonitorContext;
  let alertmanager: AlertmanagerInstance;
  let webhook: WebhookReceiver;
  const replicas: Service[] = [];
  let next = 0;
  const send = async (count: number) => {
    const report = await ingestEvents(ctx, [makeEvent({ subjects: subjects(count, 'person', (next += count) - count) })]);
    expect(report.rejected).toEqual([]);
  };
  const level = (value: string) => (alert: { status: string; labels: Record<string, string> }) =>
    alert.status === 'firing' && alert.labels.level === value && alert.labels.certificate_id === 'CERT-1';

  async function startReplica(): Promise<Service> {
    const replica = startService({
      name: `evaluator-${replicas.length + 1}`,
      command: process.execPath,
      args: [join(REPO, 'services', 'evaluator', 'dist', 'main.js')],
      env: {
        ...process.env,
        CLICKHOUSE_URL: clickhouseUrl(),
        CLICKHOUSE_DATABASE: store.database,
        EGRESS_COUNT_SETTLE_MS: '0',
        ALERTMANAGER_URL: alertmanager.url,
        EGRESS_EVAL_INTERVAL_MS: '500',
        EGRESS_RUNBOOK_BASE_URL: RUNBOOKS_URL,
        EGRESS_HTTP_HOST: '127.0.0.1',
        EGRESS_HTTP_PORT: String(await freePort()),
        LOG_LEVEL: 'info',
      },
    });
    replicas.push(replica);
    await replica.waitForLine(/evaluator started/, 60_000);
    return replica;
  }
  const leaders = () => replicas.filter((replica) => !replica.exited && /evaluator leads/.test(replica.output()));

  beforeAll(async () => {
    buildEvaluator();
    store = await openTestStore();
    ctx = { store, catalogue: new CategoryCatalogue(), subjectKey: 'replicas-test-key', now: () => new Date() };
    const certificate = validateCertificate(makeCertificate({ limits: { nonSensitive: 100, sensitive: 20 } }));
    if (!certificate.ok) throw new Error(certificate.errors.join('; '));
    await store.scopes.putVersion(certificate.certificate, new Date(0));
    ({ alertmanager, webhook } = await startWebhookAlertmanager(ALERT_IDENTITY));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop(2_000)));
    await Promise.all([alertmanager?.stop(), webhook?.stop()]);
    await store?.close();
  });

  it('one history, each alert once at the webhook, and failover within 30 s of kill -9', async () => {
    await Promise.all([startReplica(), startReplica(), startReplica()]);
    await pollUntil(async () => (leaders().length > 0 ? true : undefined), { timeoutMs: 30_000, description: 'a leading evaluator' });
    expect(leaders()).toHaveLength(1);

    await send(80);
    await webhook.waitFor(level('0.8'), 15_000);
    await sleep(3_000); // every replica evaluates this state several times
    const firingOnce = ['firing 0.8'];
    expect((await store.alerts.history({ certificateId: 'CERT-1' })).map((entry) => `${entry.status} ${entry.labels.level}`)).toEqual(firingOnce);
    const [leader] = leaders();
    expect(leaders()).toHaveLength(1);

    leader!.child.kill('SIGKILL');
    const killedAt = Date.now();
    await send(10);
    const crossed90 = await webhook.waitFor(level('0.9'), FAILOVER_BOUND_MS + 10_000);
    const failoverMs = crossed90.receivedAt - killedAt;
    console.log(`kill -9 of the leading evaluator → 0.9 alert at the webhook after ${failoverMs} ms`);
    expect(failoverMs).toBeLessThan(FAILOVER_BOUND_MS);
    expect(leaders().filter((replica) => replica !== leader)).toHaveLength(1);

    await startReplica(); // the killed one comes back: it stands by
    await send(5);
    await webhook.waitFor(level('0.95'), 15_000);
    await sleep(5_000);
    expect(leaders().filter((replica) => replica !== leader)).toHaveLength(1);

    const history = await store.alerts.history({ certificateId: 'CERT-1' });
    expect(history.map((entry) => `${entry.status} ${entry.labels.level}`).sort()).toEqual(['firing 0.8', 'firing 0.9', 'firing 0.95']);
    const delivered = webhook.alerts.filter((alert) => alert.labels.certificate_id === 'CERT-1');
    expect(delivered.map((alert) => `${alert.status} ${alert.labels.level}`).sort()).toEqual(['firing 0.8', 'firing 0.9', 'firing 0.95']);
    expect(delivered.every((alert) => Object.entries(SCOPE).every(([name, value]) => alert.labels[name] === value))).toBe(true);
    const active = (await (await fetch(`${alertmanager.url}/api/v2/alerts?active=true`)).json()) as Array<{ labels: Record<string, string> }>;
    expect(active.filter((alert) => alert.labels.certificate_id === 'CERT-1')).toHaveLength(3);
  }, 180_000);
});

describe('checkpoint refreshes follow the lease', () => {
  it('are run by the leading replica only, and by the next one once it leads', async () => {
    const first = await openTestStore();
    const stores: Store[] = [first, await openStore({ url: clickhouseUrl(), database: first.database, settleMs: 0, migrate: false })];
    const refreshes = stores.map((store) => {
      const calls = { count: 0 };
      const refresh = store.checkpoints.refresh.bind(store.checkpoints);
      // Counts the calls of the real refresh (it still runs).
      store.checkpoints.refresh = () => (calls.count++, refresh());
      return calls;
    });
    const start = (store: Store): EvaluatorReplica =>
      startEvaluatorReplica({
        ctx: { store, catalogue: new CategoryCatalogue(), subjectKey: 'k', now: () => new Date() },
        metrics: createMetrics(),
        logger: silent,
        intervalMs: 200,
        runbookBaseUrl: RUNBOOKS_URL,
        leaseTtlMs: 2_000,
      });
    const replicas = stores.map(start);
    try {
      await pollUntil(async () => (replicas.some((replica) => replica.leading()) ? true : undefined), { timeoutMs: 10_000, description: 'a leader' });
      await sleep(2_000);
      const leaderIndex = replicas.findIndex((replica) => replica.leading());
      const standbyIndex = 1 - leaderIndex;
      expect(refreshes[leaderIndex]!.count).toBeGreaterThan(3);
      expect(refreshes[standbyIndex]!.count).toBe(0);

      await replicas[leaderIndex]!.stop(); // releases the lease
      await pollUntil(async () => (replicas[standbyIndex]!.leading() ? true : undefined), { timeoutMs: 5_000, description: 'the standby to lead' });
      const stoppedCount = refreshes[leaderIndex]!.count;
      await sleep(1_500);
      expect(refreshes[standbyIndex]!.count).toBeGreaterThan(2);
      expect(refreshes[leaderIndex]!.count).toBe(stoppedCount);
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await Promise.all(stores.map((store) => store.close()));
    }
  }, 60_000);
});
