import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amtool, startAlertmanager, startWebhookReceiver, webhookAlertmanagerConfig, type WebhookReceiver } from './alertmanager.js';
import { removeDir, tempDir } from './process.js';
import { promtool, startPrometheus } from './prometheus.js';

const SAMPLE_METRICS = [
  '# HELP harness_widgets_total Widgets made by the harness test server.',
  '# TYPE harness_widgets_total counter',
  'harness_widgets_total{shop="a"} 42',
  '# HELP harness_temperature_celsius A gauge.',
  '# TYPE harness_temperature_celsius gauge',
  'harness_temperature_celsius 21.5',
  '',
].join('\n');

const RULES_YAML = `groups:
  - name: harness
    rules:
      - alert: HarnessWidgetsHigh
        expr: harness_widgets_total > 10
        labels:
          severity: warning
        annotations:
          summary: "widgets at {{ $value }}"
          runbook_url: https://example.invalid/runbooks/harness
`;

type Sample = { metric: Record<string, string>; value: [number, string] };

describe('Prometheus, Alertmanager, promtool and amtool (Debian binaries)', () => {
  let metricsServer: Server;
  let target: string;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir('observability-test');
    metricsServer = createServer((req, res) => {
      if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(SAMPLE_METRICS);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', resolve));
    const address = metricsServer.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    target = `127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
    if (dir) await removeDir(dir);
  });

  it('Prometheus scrapes a node server and query() returns the metric', async () => {
    let t = Date.now();
    const prom = await startPrometheus({ scrapeTargets: [target], scrapeIntervalSeconds: 1 });
    try {
      console.log(`prometheus ready in ${Date.now() - t} ms at ${prom.url}`);
      t = Date.now();
      const result = (await prom.waitFor('harness_widgets_total', undefined, 20_000)) as Sample[];
      console.log(`first scraped sample visible after ${Date.now() - t} ms`);
      expect(result).toHaveLength(1);
      expect(result[0]?.metric).toMatchObject({ __name__: 'harness_widgets_total', shop: 'a', job: 'test', instance: target });
      expect(result[0]?.value[1]).toBe('42');
      const up = (await prom.query('up')) as Sample[];
      expect(up[0]?.value[1]).toBe('1');
      const scalar = await prom.query('scalar(harness_temperature_celsius)');
      expect(scalar).toEqual([[expect.any(Number), '21.5']]);
      await expect(prom.query('sum(')).rejects.toThrow(/query .* failed/);
    } finally {
      await prom.stop();
    }
  }, 60_000);

  it('promtool checks metrics text and rule files', async () => {
    const ok = await promtool(['check', 'metrics'], { stdin: SAMPLE_METRICS });
    expect(ok.code, ok.stderr).toBe(0);
    const lint = await promtool(['check', 'metrics'], { stdin: '# HELP foo A counter.\n# TYPE foo counter\nfoo 1\n' });
    expect(lint.code).toBe(3); // lint problem: counter without _total
    expect(lint.stdout + lint.stderr).toMatch(/_total/);
    const broken = await promtool(['check', 'metrics'], { stdin: 'garbage{{ 1\n' });
    expect(broken.code).toBe(1);

    const rules = join(dir, 'rules.yml');
    await writeFile(rules, RULES_YAML);
    const checked = await promtool(['check', 'rules', rules]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/SUCCESS: 1 rules found/);
  });

  it('amtool check-config accepts a valid config and rejects an undefined receiver', async () => {
    const good = join(dir, 'am-good.yml');
    await writeFile(good, webhookAlertmanagerConfig('http://127.0.0.1:9/webhook'));
    const ok = await amtool(['check-config', good]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/SUCCESS/);

    const bad = join(dir, 'am-bad.yml');
    await writeFile(bad, 'route:\n  receiver: missing\nreceivers:\n  - name: x\n');
    const failed = await amtool(['check-config', bad]);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toMatch(/undefined receiver "missing"/);
  });

  describe('alert delivery', () => {
    let webhook: WebhookReceiver;
    let am: { url: string; stop(): Promise<void> };

    beforeAll(async () => {
      webhook = await startWebhookReceiver();
      const t = Date.now();
      am = await startAlertmanager({ configYaml: webhookAlertmanagerConfig(webhook.url) });
      console.log(`alertmanager ready in ${Date.now() - t} ms at ${am.url}`);
    });
    afterAll(async () => {
      await am?.stop();
      await webhook?.stop();
    });

    it('an alert POSTed to /api/v2/alerts reaches the webhook within seconds', async () => {
      const t = Date.now();
      const res = await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            labels: { alertname: 'HarnessPosted', severity: 'critical', processor_id: 'p1' },
            annotations: { summary: 'posted by the harness test', runbook_url: 'https://example.invalid/rb' },
            startsAt: new Date().toISOString(),
          },
        ]),
      });
      expect(res.status).toBe(200);
      const alert = await webhook.waitFor((a) => a.labels.alertname === 'HarnessPosted', 10_000);
      console.log(`posted alert reached the webhook after ${Date.now() - t} ms`);
      expect(alert).toMatchObject({ status: 'firing', labels: { severity: 'critical', processor_id: 'p1' } });
      expect(alert.annotations.runbook_url).toBe('https://example.invalid/rb');
      expect(webhook.received[0]?.body).toMatchObject({ version: '4', receiver: 'webhook', status: 'firing' });

      const listed = await amtool(['alert', 'query', 'alertname=HarnessPosted', '--alertmanager.url', am.url, '-o', 'json']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)).toHaveLength(1);
    });

    it('Prometheus alerting rules fire into Alertmanager and reach the webhook', async () => {
      const rules = join(dir, 'alert-rules.yml');
      await writeFile(rules, RULES_YAML);
      const t = Date.now();
      const prom = await startPrometheus({ scrapeTargets: [target], ruleFiles: [rules], alertmanagerUrl: am.url });
      try {
        await prom.waitFor('ALERTS{alertname="HarnessWidgetsHigh",alertstate="firing"}', undefined, 20_000);
        const alert = await webhook.waitFor((a) => a.labels.alertname === 'HarnessWidgetsHigh', 20_000);
        console.log(`rule-based alert reached the webhook ${Date.now() - t} ms after starting Prometheus`);
        expect(alert).toMatchObject({ status: 'firing', labels: { severity: 'warning', shop: 'a', instance: target } });
        expect(alert.annotations.summary).toBe('widgets at 42');
        expect(alert.generatorURL).toContain(prom.url);
      } finally {
        await prom.stop();
      }
    }, 60_000);
  });
});
