// The commands of the Kubernetes Deployments, run as they are (built code, one process per service,
// on the real engine and a Kafka-protocol broker): each answers its manifest's liveness and
// readiness probe paths and serves /metrics.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { MOCK_TUNING_ENV } from '../harness/ingest-kafka.js';
import { startKafkaMock, type KafkaMock } from '../harness/kafka-mock.js';
import { freePort, startService, testPackageRoot, type Service } from '../harness/process.js';
import { clickhouseUrl } from '@pi-egress/testing';

const root = join(testPackageRoot(), '..');

interface Container {
  command: string[];
  livenessProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
}

/** The container of each Deployment in deploy/kubernetes, by service name (api, ingest, evaluator). */
function deployedContainers(): Map<string, Container> {
  const containers = new Map<string, Container>();
  for (const service of ['api', 'ingest', 'evaluator']) {
    for (const document of parseAllDocuments(readFileSync(join(root, 'deploy', 'kubernetes', `${service}.yaml`), 'utf8'))) {
      const object = document.toJS() as { kind: string; spec: { template: { spec: { containers: Container[] } } } };
      if (object.kind === 'Deployment') containers.set(service, object.spec.template.spec.containers[0]!);
    }
  }
  return containers;
}

describe('the Kubernetes Deployments’ commands answer their probes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pi-egress-probes-'));
  const database = `probes_${randomBytes(4).toString('hex')}`;
  const running: Service[] = [];
  let mock: KafkaMock;

  beforeAll(async () => {
    mock = await startKafkaMock({
      topics: [
        { name: 'probe.events', partitions: 2 },
        { name: 'probe.events.dlq', partitions: 1 },
      ],
    });
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop(2_000)));
    await mock?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const common = () => ({
    CLICKHOUSE_URL: clickhouseUrl(),
    CLICKHOUSE_DATABASE: database,
    EGRESS_SUBJECT_KEY: 'probe-test-subject-key',
    EGRESS_HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  const extraEnv: Record<string, () => Record<string, string>> = {
    api: () => ({ EGRESS_TOKENS: 'admin:probe-admin-token-0123', EGRESS_EVIDENCE_KEY_FILE: join(dataDir, 'evidence-ed25519.pem') }),
    ingest: () => ({ ...MOCK_TUNING_ENV, KAFKA_BROKERS: mock.bootstrap, EGRESS_TOPIC: 'probe.events', EGRESS_DLQ_TOPIC: 'probe.events.dlq' }),
    evaluator: () => ({ EGRESS_EVAL_INTERVAL_MS: '1000' }),
  };

  for (const [service, container] of deployedContainers()) {
    it(`${service}: ${container.command.join(' ')} serves ${container.livenessProbe.httpGet.path}, ${container.readinessProbe.httpGet.path} and /metrics`, async () => {
      const port = await freePort();
      const [command, ...args] = container.command;
      expect(command).toBe('node');
      const child = startService({
        name: service,
        command: process.execPath,
        args: args.map((arg) => join(root, arg)),
        env: { ...process.env, ...common(), ...extraEnv[service]!(), EGRESS_HTTP_PORT: String(port) },
      });
      running.push(child);
      const url = `http://127.0.0.1:${port}`;
      await child.waitForHttp(`${url}${container.livenessProbe.httpGet.path}`, 60_000);
      await child.waitForHttp(`${url}${container.readinessProbe.httpGet.path}`, 60_000);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^# HELP pi_egress_/m);
    }, 90_000);
  }
});
