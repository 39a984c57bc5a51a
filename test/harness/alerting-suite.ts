// The alerting rig of one describe block, on its own test store: started before its tests, stopped after.
import { exposition, type OpsServer, serveOps } from '@pi-egress/core';
import { forSuite, openTestStore } from '@pi-egress/testing';
import { fileURLToPath } from 'node:url';
import { type AlertingRig, startAlertingRig } from './alerting-rig.js';
import { type PrometheusInstance, startPrometheus } from './prometheus.js';

export const SHIPPED_RULES = fileURLToPath(new URL('../../deploy/prometheus/pi-egress.rules.yml', import.meta.url));

type RigOptions = Omit<Parameters<typeof startAlertingRig>[0], 'store'>;

async function startOnTestStore(opts: RigOptions): Promise<AlertingRig> {
  return startAlertingRig({ store: await openTestStore(), ...opts });
}

async function stopWithStore(rig: AlertingRig): Promise<void> {
  await rig.stop();
  await rig.store.close();
}

export const alertingRigForSuite = (opts: RigOptions): AlertingRig => forSuite(() => startOnTestStore(opts), stopWithStore);

export interface ScrapedRig extends AlertingRig {
  /** The evaluator's /metrics as served: its gauges as rendered after each evaluation. */
  server: OpsServer;
  /** Scrapes `server` and runs the shipped rules. */
  prometheus: PrometheusInstance;
}

/** The rig evaluating every second (which also refreshes the count checkpoints behind the forecast), scraped by a real Prometheus. */
export const scrapedRigForSuite = (now: Date): ScrapedRig =>
  forSuite(
    async () => {
      const rig = await startOnTestStore({ now, evaluator: { intervalMs: 1_000 } });
      const server = await serveOps({ registry: rig.metrics.registry, exposition: () => exposition(rig.metrics), host: '127.0.0.1', port: 0 });
      const prometheus = await startPrometheus({ scrapeTargets: [new URL(server.url).host], ruleFiles: [SHIPPED_RULES] });
      return Object.assign(rig, { server, prometheus });
    },
    async (rig) => {
      await rig.prometheus.stop();
      await rig.server.close();
      await stopWithStore(rig);
    },
  );
