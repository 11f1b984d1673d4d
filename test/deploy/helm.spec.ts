// The Helm charts (helm/): a real helm lints and renders every chart with its default values and with a
// production-like values file; every rendered object is validated against the Kubernetes API schemas and
// checked for the hardening the charts promise; wrong values are refused at render time. No cluster, no
// network: the charts' file:// dependencies are vendored into a temporary copy with `helm dependency build`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accountsService } from '@amtsbote/accounts';
import { intakeService } from '@amtsbote/intake';
import { paymentService } from '@amtsbote/payment';
import { loadConfig } from '@amtsbote/platform';
import { routingService } from '@amtsbote/routing';
import { repoRoot } from '@amtsbote/testing';
import type { z } from 'zod';
import { ensureHelm } from './helm-bin';
import { find, type Manifest, type Of, parseManifests, schemaProblems, selects } from './manifests';

const SERVICES = ['intake', 'accounts', 'payment', 'routing'] as const;
type ServiceName = (typeof SERVICES)[number];
const CHARTS = [...SERVICES, 'amtsbote'] as const;
type ChartName = (typeof CHARTS)[number];
const PROFILES = ['defaults', 'production'] as const;
type Profile = (typeof PROFILES)[number];

const CONFIG_SCHEMAS: Record<ServiceName, z.ZodType> = {
  intake: intakeService.configSchema,
  accounts: accountsService.configSchema,
  payment: paymentService.configSchema,
  routing: routingService.configSchema,
};

/** Setting names that hold secrets: never literal in a manifest. */
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|KEY)$|^PAYMENT_SECRET_/;

const root = repoRoot();
let helm = '';
let work = '';
const rendered = new Map<string, Manifest[]>();

function helmRun(args: string[]) {
  const r = spawnSync(helm, args, {
    cwd: work,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      HELM_CACHE_HOME: join(work, '.helm', 'cache'),
      HELM_CONFIG_HOME: join(work, '.helm', 'config'),
      HELM_DATA_HOME: join(work, '.helm', 'data'),
    },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function helmOk(args: string[]): string {
  const r = helmRun(args);
  assert.equal(r.status, 0, `helm ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const chartDir = (chart: ChartName | 'amtsbote-lib') => join(work, 'helm', chart);
const profileArgs = (chart: ChartName, profile: Profile) =>
  profile === 'production' ? ['-f', join(chartDir(chart), 'ci', 'production-values.yaml')] : [];

function template(chart: ChartName, extra: string[] = []): Manifest[] {
  return parseManifests(
    helmOk(['template', 'amtsbote', chartDir(chart), '--namespace', 'amtsbote', ...extra]),
  );
}

function render(chart: ChartName, profile: Profile): Manifest[] {
  const key = `${chart}/${profile}`;
  if (!rendered.has(key)) rendered.set(key, template(chart, profileArgs(chart, profile)));
  return rendered.get(key)!;
}

/** Every (chart, profile) pair's rendered objects. */
function allRenders(): Array<{ chart: ChartName; profile: Profile; manifests: Manifest[] }> {
  return CHARTS.flatMap((chart) =>
    PROFILES.map((profile) => ({ chart, profile, manifests: render(chart, profile) })),
  );
}

function serviceOf(m: Manifest): ServiceName {
  return m.metadata.labels!['app.kubernetes.io/name'] as ServiceName;
}

function refused(chart: ChartName, args: string[]): string {
  const r = helmRun(['template', 'amtsbote', chartDir(chart), ...args]);
  assert.notEqual(r.status, 0, `helm template ${args.join(' ')} should have been refused`);
  return r.stderr;
}

type Workload = Of<'Deployment'> | Of<'Job'>;
/** Pod spec and pod labels of a Deployment or Job. */
const podSpec = (w: Workload) => w.spec!.template.spec!;
const podLabels = (w: Workload) => w.spec!.template.metadata!.labels!;
const configOf = (manifests: Manifest[], svc: ServiceName) =>
  find(manifests, 'ConfigMap', (m) => serviceOf(m) === svc)[0].data!;
const workloads = (manifests: Manifest[]): Workload[] => [
  ...find(manifests, 'Deployment'),
  ...find(manifests, 'Job'),
];

/** A stand-in for a Secret's value, of the right shape (32-byte base64 keys, long HMAC secrets). */
const secretStandIn = (name: string): string =>
  /KEY$/.test(name) ? Buffer.alloc(32, 7).toString('base64') : 's'.repeat(40);

describe('Helm charts', () => {
  before(
    async () => {
      helm = await ensureHelm();
      work = mkdtempSync(join(tmpdir(), 'amtsbote-helm-'));
      // A copy without anything vendored before: helm dependency build packs the charts as they are now.
      cpSync(join(root, 'helm'), join(work, 'helm'), {
        recursive: true,
        filter: (src) => !/\/charts(\/|$)|Chart\.lock$/.test(src.slice(root.length)),
      });
      for (const chart of CHARTS) helmOk(['dependency', 'build', chartDir(chart)]);
    },
    { timeout: 20 * 60_000 },
  );

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('helm lint --strict passes for every chart with default and production values', () => {
    const lib = helmOk(['lint', '--strict', chartDir('amtsbote-lib')]);
    assert.match(lib, /0 chart\(s\) failed/);
    for (const chart of CHARTS) {
      for (const profile of PROFILES) {
        const out = helmOk(['lint', '--strict', chartDir(chart), ...profileArgs(chart, profile)]);
        assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/, `${chart} ${profile}`);
      }
    }
  });

  it('renders schema-valid Kubernetes objects, and only the expected kinds', () => {
    for (const { chart, profile, manifests } of allRenders()) {
      assert.deepEqual(schemaProblems(manifests), [], `${chart} with ${profile} values`);
      const services = chart === 'amtsbote' ? SERVICES : [chart];
      const deployments = find(manifests, 'Deployment');
      assert.deepEqual(deployments.map(serviceOf).sort(), [...services].sort(), `${chart} ${profile}`);
      for (const kind of ['Service', 'ServiceAccount', 'ConfigMap', 'PodDisruptionBudget', 'Job'] as const) {
        assert.equal(
          find(manifests, kind).length,
          services.length,
          `${kind} per service in ${chart} ${profile}`,
        );
      }
      // Optional objects: off by default, on in the production-like values.
      for (const kind of ['HorizontalPodAutoscaler', 'Ingress', 'ServiceMonitor'] as const) {
        assert.equal(
          find(manifests, kind).length,
          profile === 'production' ? services.length : 0,
          `${kind} ${chart}`,
        );
      }
    }
  });

  it('runs hardened pods: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp, no token', () => {
    for (const { chart, profile, manifests } of allRenders()) {
      for (const m of workloads(manifests)) {
        const id = `${chart}/${profile} ${m.kind}/${m.metadata.name}`;
        const pod = podSpec(m);
        const psc = pod.securityContext!;
        assert.equal(psc.runAsNonRoot, true, id);
        assert.equal(psc.runAsUser, 10001, id);
        assert.equal(psc.seccompProfile!.type, 'RuntimeDefault', id);
        assert.equal(pod.automountServiceAccountToken, false, id);
        assert.equal(pod.enableServiceLinks, false, id);
        assert.equal(pod.hostNetwork ?? false, false, id);
        for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
          const sc = c.securityContext!;
          assert.equal(sc.readOnlyRootFilesystem, true, id);
          assert.equal(sc.allowPrivilegeEscalation, false, id);
          assert.equal(sc.runAsNonRoot, true, id);
          assert.equal(sc.privileged, false, id);
          assert.deepEqual(sc.capabilities, { drop: ['ALL'] }, id);
          assert.equal(sc.seccompProfile!.type, 'RuntimeDefault', id);
          for (const r of [c.resources!.requests, c.resources!.limits]) {
            assert.ok(r?.cpu && r.memory, `${id}: requests and limits for cpu and memory`);
          }
          assert.doesNotMatch(c.image!, /:latest$/, id);
          // The only writable places are volumes: /tmp and what the values mount.
          assert.ok(
            c.volumeMounts!.some((v) => v.mountPath === '/tmp'),
            `${id}: /tmp is a volume`,
          );
        }
      }
      for (const sa of find(manifests, 'ServiceAccount'))
        assert.equal(sa.automountServiceAccountToken, false);
    }
  });

  it('probes liveness on /health/live and readiness on /health/ready, and terminates gracefully', () => {
    for (const { chart, profile, manifests } of allRenders()) {
      for (const d of find(manifests, 'Deployment')) {
        const id = `${chart}/${profile} ${d.metadata.name}`;
        const svc = serviceOf(d);
        const pod = podSpec(d);
        const [c] = pod.containers;
        assert.deepEqual(c.command, ['node', `/app/apps/${svc}/dist/src/main.js`], id);
        assert.deepEqual(c.startupProbe!.httpGet, { path: '/health/live', port: 'http' }, id);
        assert.deepEqual(c.livenessProbe!.httpGet, { path: '/health/live', port: 'http' }, id);
        assert.deepEqual(c.readinessProbe!.httpGet, { path: '/health/ready', port: 'http' }, id);
        const startup = c.startupProbe!;
        assert.ok(startup.periodSeconds! * startup.failureThreshold! >= 60, `${id}: a minute to boot`);

        const config = configOf(manifests, svc);
        assert.equal(config.PORT, String(c.ports![0].containerPort), id);
        const shutdownMs = Number(config.SHUTDOWN_TIMEOUT_MS ?? 10000);
        const preStop = Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
        assert.ok(pod.terminationGracePeriodSeconds! * 1000 > shutdownMs + preStop * 1000, id);

        const labels = podLabels(d);
        assert.ok(pod.topologySpreadConstraints!.length >= 1, id);
        for (const t of pod.topologySpreadConstraints!) {
          assert.ok(selects(t.labelSelector!.matchLabels, labels), `${id}: spread`);
        }
        assert.ok(selects(d.spec!.selector.matchLabels, labels), id);
        const [service] = find(manifests, 'Service', (m) => serviceOf(m) === svc);
        assert.ok(selects(service.spec!.selector, labels), `${id}: Service selects the pods`);
        const [pdb] = find(manifests, 'PodDisruptionBudget', (m) => serviceOf(m) === svc);
        assert.ok(selects(pdb.spec!.selector!.matchLabels, labels), `${id}: PDB`);
      }
    }
  });

  it('denies all traffic by default and allows only the listed peers', () => {
    for (const { chart, profile, manifests } of allRenders()) {
      for (const d of find(manifests, 'Deployment')) {
        const svc = serviceOf(d);
        const id = `${chart}/${profile} ${svc}`;
        const policies = find(manifests, 'NetworkPolicy', (p) =>
          selects(p.spec!.podSelector.matchLabels, podLabels(d)),
        );
        assert.equal(policies.length, 1, `${id}: one NetworkPolicy selects the pods`);
        const np = policies[0].spec!;
        assert.deepEqual(np.policyTypes, ['Ingress', 'Egress'], id);
        const ingress = np.ingress!;
        const egress = np.egress!;
        for (const rule of ingress) {
          assert.ok(rule.from && rule.from.length > 0, `${id}: no ingress rule allows everyone`);
          assert.deepEqual(rule.ports, [{ port: 'http', protocol: 'TCP' }], `${id}: only the http port`);
        }
        for (const rule of egress)
          assert.ok(rule.to && rule.to.length > 0, `${id}: no egress rule allows everywhere`);
        const egressPorts = egress.flatMap((r) => (r.ports ?? []).map((p) => p.port));
        assert.ok(egressPorts.includes(53), `${id}: DNS`);
        assert.ok(egressPorts.includes(5432), `${id}: PostgreSQL`);
        assert.ok(egressPorts.includes(9092) || egressPorts.includes(9093), `${id}: Kafka`);
        assert.ok(egressPorts.includes(443), `${id}: IdP`);
        const fromNamespaces = ingress.flatMap((r) =>
          r.from!.map((peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']),
        );
        assert.ok(fromNamespaces.includes('ingress-nginx') && fromNamespaces.includes('monitoring'), id);
        if (profile === 'production') {
          const ipBlocks = egress.flatMap((r) =>
            r.to!.flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : [])),
          );
          const outside: Record<ServiceName, string | undefined> = {
            intake: undefined,
            accounts: '198.51.100.25/32',
            payment: '203.0.113.0/28',
            routing: '192.0.2.0/26',
          };
          if (outside[svc]) assert.ok(ipBlocks.includes(outside[svc]), `${id}: configured outside hosts`);
          assert.ok(!ipBlocks.includes('0.0.0.0/0'), `${id}: nothing open to the world`);
        }
      }
      // The migration pods get their own policy (a hook, so it exists before the Job): DNS and PostgreSQL.
      for (const job of find(manifests, 'Job')) {
        const [np] = find(manifests, 'NetworkPolicy', (p) =>
          selects(p.spec!.podSelector.matchLabels, podLabels(job)),
        );
        assert.ok(np, `${chart}/${profile} ${job.metadata.name} has a NetworkPolicy`);
        assert.deepEqual(np.spec!.ingress, []);
        const ports = np.spec!.egress!.flatMap((r) => r.ports!.map((p) => p.port));
        assert.deepEqual([...new Set(ports)].sort(), [53, 5432]);
        const weight = (m: Manifest) => Number(m.metadata.annotations!['helm.sh/hook-weight']);
        assert.ok(weight(np) < weight(job), 'the policy exists before the Job starts');
      }
    }
  });

  it('keeps the HPA within the partitions of the consumed topics', () => {
    for (const chart of CHARTS) {
      const manifests = render(chart, 'production');
      for (const hpa of find(manifests, 'HorizontalPodAutoscaler')) {
        const svc = serviceOf(hpa);
        const partitions = Number(configOf(manifests, svc).KAFKA_TOPIC_PARTITIONS);
        const spec = hpa.spec!;
        assert.ok(spec.maxReplicas <= partitions, `${chart} ${svc}: ${spec.maxReplicas} <= ${partitions}`);
        assert.ok(spec.minReplicas! <= spec.maxReplicas);
        const [d] = find(manifests, 'Deployment', (m) => serviceOf(m) === svc);
        assert.equal(spec.scaleTargetRef.name, d.metadata.name);
        assert.equal(d.spec!.replicas, undefined, 'the HPA owns the replica count');
      }
    }
    // Default partitions (3): 3 is fine, 4 is refused; with 6 partitions, 6 is fine.
    template('payment', ['--set', 'autoscaling.enabled=true', '--set', 'autoscaling.maxReplicas=3']);
    assert.match(
      refused('payment', ['--set', 'autoscaling.enabled=true', '--set', 'autoscaling.maxReplicas=4']),
      /maxReplicas \(4\) is above the partitions .*KAFKA_TOPIC_PARTITIONS=3/,
    );
    template('payment', [
      '--set',
      'autoscaling.enabled=true',
      '--set',
      'autoscaling.maxReplicas=6',
      '--set-string',
      'config.KAFKA_TOPIC_PARTITIONS=6',
    ]);
  });

  it('never renders a Secret or a literal secret value: secrets come only by reference', () => {
    for (const { chart, profile, manifests } of allRenders()) {
      assert.equal(find(manifests, 'Secret').length, 0);
      for (const cm of find(manifests, 'ConfigMap')) {
        for (const key of Object.keys(cm.data ?? {})) {
          assert.doesNotMatch(key, SECRET_NAME, `${chart}/${profile}: ${key} must not be in a ConfigMap`);
        }
      }
      for (const m of workloads(manifests)) {
        for (const c of podSpec(m).containers) {
          for (const e of c.env ?? []) {
            if (SECRET_NAME.test(e.name)) {
              assert.equal(
                e.value,
                undefined,
                `${chart}/${profile} ${m.metadata.name}: ${e.name} is literal`,
              );
              assert.ok(e.valueFrom?.secretKeyRef?.name && e.valueFrom.secretKeyRef.key, e.name);
            }
          }
        }
      }
    }
    // The secrets each service needs in production are wired from the operator's Secret.
    const deployments = find(render('amtsbote', 'production'), 'Deployment');
    const refs = Object.fromEntries(
      deployments.map((d) => [
        serviceOf(d),
        Object.fromEntries(
          podSpec(d).containers[0].env!.map((e) => {
            const ref = e.valueFrom!.secretKeyRef!;
            return [e.name, `${ref.name}/${ref.key}`];
          }),
        ),
      ]),
    );
    assert.equal(refs.payment.DATABASE_PASSWORD, 'amtsbote-payment/DATABASE_PASSWORD');
    assert.equal(refs.routing.ROUTING_SECRETS_KEY, 'amtsbote-routing/ROUTING_SECRETS_KEY');
    assert.equal(refs.intake.KAFKA_SASL_PASSWORD, 'amtsbote-kafka/password');
    assert.equal(refs.accounts.METRICS_TOKEN, 'amtsbote-metrics/token');
    // Trying to put a secret into values as a literal is refused by the schema.
    const literal: Array<[string[], RegExp]> = [
      [['--set', 'config.DATABASE_PASSWORD=hunter2'], /invalid propertyName 'DATABASE_PASSWORD'/],
      [['--set', 'global.config.KAFKA_SASL_PASSWORD=hunter2'], /invalid propertyName 'KAFKA_SASL_PASSWORD'/],
      [
        ['--set', 'config.PAYMENT_SECRET_HB_CLIENT_ID=hunter2'],
        /invalid propertyName 'PAYMENT_SECRET_HB_CLIENT_ID'/,
      ],
      [['--set', 'extraEnv[0].name=X_PASSWORD', '--set', 'extraEnv[0].value=hunter2'], /extraEnv/],
    ];
    for (const [args, message] of literal) assert.match(refused('payment', args), message, args.join(' '));
  });

  it('runs the migrations as a pre-install/pre-upgrade hook Job with the same image', () => {
    for (const { chart, profile, manifests } of allRenders()) {
      for (const job of find(manifests, 'Job')) {
        const svc = serviceOf(job);
        const id = `${chart}/${profile} ${job.metadata.name}`;
        const a = job.metadata.annotations!;
        assert.equal(a['helm.sh/hook'], 'pre-install,pre-upgrade', id);
        assert.match(a['helm.sh/hook-delete-policy'], /before-hook-creation/, id);
        const pod = podSpec(job);
        const [c] = pod.containers;
        assert.equal(pod.restartPolicy, 'Never', id);
        assert.deepEqual(c.command, ['node', `/app/apps/${svc}/dist/src/migrate.js`], id);
        const [d] = find(manifests, 'Deployment', (m) => serviceOf(m) === svc);
        assert.equal(c.image, podSpec(d).containers[0].image, `${id}: same image as the service`);
        // Hooks run before the release's ConfigMap exists: the settings are inline.
        assert.equal(c.envFrom, undefined, id);
        const env = new Map(c.env!.map((e) => [e.name, e]));
        assert.equal(env.get('DATABASE_URL')?.value, configOf(manifests, svc).DATABASE_URL, id);
        assert.ok(env.get('DATABASE_PASSWORD')?.valueFrom?.secretKeyRef, id);
        assert.equal(env.get('KAFKA_SASL_PASSWORD'), undefined, `${id}: only what migrations need`);
        assert.equal(selects(d.spec!.selector.matchLabels, podLabels(job)), false, id);
      }
    }
    assert.equal(find(template('payment', ['--set', 'migrations.enabled=false']), 'Job').length, 0);
  });

  it('gives each service a configuration it accepts in production (image env + ConfigMap + Secrets)', () => {
    const files = mkdtempSync(join(tmpdir(), 'amtsbote-mounts-'));
    try {
      for (const profile of PROFILES) {
        const manifests = render('amtsbote', profile);
        for (const d of find(manifests, 'Deployment')) {
          const svc = serviceOf(d);
          const [c] = podSpec(d).containers;
          const env: Record<string, string> = { NODE_ENV: 'production', ...configOf(manifests, svc) };
          // Paths under a mounted volume exist in the pod: stand them up here.
          const mounts = c.volumeMounts!.map((v) => v.mountPath);
          for (const [k, v] of Object.entries(env)) {
            const mount = mounts.find((m) => v === m || v.startsWith(m + '/'));
            if (!mount) continue;
            const local = join(files, svc, v);
            mkdirSync(v === mount ? local : dirname(local), { recursive: true });
            if (v !== mount) writeFileSync(local, 'x');
            env[k] = local;
          }
          for (const e of c.env ?? []) env[e.name] = secretStandIn(e.name);
          try {
            loadConfig(CONFIG_SCHEMAS[svc] as never, env);
          } catch (err) {
            assert.fail(`${svc} (${profile} values) refuses the chart's settings: ${(err as Error).message}`);
          }
        }
      }
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });

  it('keeps files in S3 with fileStore.kind s3: no storage volume, settings in the ConfigMap, keys by reference', () => {
    const s3 = [
      ['fileStore.kind', 's3'],
      ['fileStore.s3.bucket', 'amtsbote-files'],
      ['fileStore.s3.endpoint', 'https://s3.land.example'],
      ['fileStore.s3.credentialsSecret.name', 'amtsbote-s3'],
    ].flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    for (const svc of ['intake', 'accounts', 'routing'] as const) {
      const onDisk = template(svc);
      const diskVolumes = podSpec(find(onDisk, 'Deployment')[0]).volumes!.map((v) => v.name);
      assert.ok(
        diskVolumes.includes('storage'),
        `${svc} mounts its storage volume with the filesystem store`,
      );
      const manifests = template(svc, s3);
      const [d] = find(manifests, 'Deployment');
      const [c] = podSpec(d).containers;
      // Only the storage volume goes (routing keeps its read-only schema volume).
      const others = diskVolumes.filter((v) => v !== 'storage');
      assert.deepEqual(
        podSpec(d).volumes!.map((v) => v.name),
        others,
        `${svc}: no (ReadWriteMany) storage claim with S3`,
      );
      assert.deepEqual(
        c.volumeMounts!.map((v) => v.name),
        others,
      );
      const config = configOf(manifests, svc);
      assert.equal(config.FILE_STORE, 's3');
      assert.equal(config.FILE_STORE_S3_BUCKET, 'amtsbote-files');
      assert.equal(config.FILE_STORE_S3_ENDPOINT, 'https://s3.land.example');
      assert.equal(config.FILE_STORE_S3_REGION, 'us-east-1');
      assert.equal(config.FILE_STORE_PRESIGNED_URLS, 'true');
      assert.equal(
        Object.keys(config).some((k) => k.endsWith('_STORAGE_DIR')),
        false,
      );
      const refs = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef]));
      assert.deepEqual(refs.FILE_STORE_S3_ACCESS_KEY_ID, {
        name: 'amtsbote-s3',
        key: 'FILE_STORE_S3_ACCESS_KEY_ID',
      });
      assert.deepEqual(refs.FILE_STORE_S3_SECRET_ACCESS_KEY, {
        name: 'amtsbote-s3',
        key: 'FILE_STORE_S3_SECRET_ACCESS_KEY',
      });
      const env: Record<string, string> = { NODE_ENV: 'production', ...config };
      for (const name of Object.keys(refs)) env[name] = secretStandIn(name);
      assert.doesNotThrow(
        () => loadConfig(CONFIG_SCHEMAS[svc] as never, env),
        `${svc} accepts it in production`,
      );
    }
  });

  it('refuses wrong values at render time (values.schema.json and template checks)', () => {
    const cases: Array<[ChartName, string[], RegExp]> = [
      ['payment', ['--set', 'replicaCount=three'], /replicaCount.*want integer/],
      ['payment', ['--set', 'replicaCont=3'], /additional properties 'replicaCont' not allowed/],
      ['routing', ['--set', 'networkPolicy.outside[0].to[0].ipBlock.cidr=example.org'], /cidr/],
      ['intake', ['--set', 'image.pullPolicy=Sometimes'], /pullPolicy/],
      ['accounts', ['--set', 'config.log_level=debug'], /propertyName/],
      [
        'payment',
        ['--set', 'terminationGracePeriodSeconds=12'],
        /terminationGracePeriodSeconds \(12 s\) must be longer/,
      ],
      ['payment', ['--set', 'secretEnv.DATABASE_URL.key=url'], /both in config .* and in secretEnv/],
      ['intake', ['--set', 'fileStore.kind=s3'], /fileStore.s3.bucket is empty/],
      ['accounts', ['--set', 'fileStore.kind=gcs'], /fileStore.kind/],
      ['intake', ['--set', 'fileStore.s3.bucket=Not_A_Bucket'], /bucket/],
      // /metrics is closed without a token: a ServiceMonitor without one would scrape nothing.
      ['routing', ['--set', 'serviceMonitor.enabled=true'], /serviceMonitor.enabled .* METRICS_TOKEN/],
      ['amtsbote', ['--set', 'payment.replicaCount=three'], /payment:[\s\S]*replicaCount/],
      ['amtsbote', ['--set', 'paymnet.enabled=false'], /additional properties 'paymnet' not allowed/],
      [
        'amtsbote',
        ['--set', 'routing.autoscaling.enabled=true', '--set', 'routing.autoscaling.maxReplicas=5'],
        /maxReplicas \(5\) is above/,
      ],
    ];
    for (const [chart, args, message] of cases) assert.match(refused(chart, args), message, args.join(' '));
  });

  it('the umbrella shares global settings and lets a service override or leave out its part', () => {
    const manifests = template('amtsbote', [
      '--set',
      'global.config.KAFKA_BROKERS=kafka-a:9092\\,kafka-b:9092',
      '--set',
      'payment.config.LOG_LEVEL=debug',
      '--set',
      'accounts.enabled=false',
    ]);
    const configs = Object.fromEntries(find(manifests, 'ConfigMap').map((m) => [serviceOf(m), m.data!]));
    assert.deepEqual(Object.keys(configs).sort(), ['intake', 'payment', 'routing']);
    for (const data of Object.values(configs)) assert.equal(data.KAFKA_BROKERS, 'kafka-a:9092,kafka-b:9092');
    assert.equal(configs.payment.LOG_LEVEL, 'debug');
    assert.equal(configs.intake.LOG_LEVEL, 'info');
    assert.equal(
      configs.intake.KAFKA_PROVISION_TOPICS,
      'false',
      'the operator creates the topics by default',
    );
    assert.deepEqual(
      find(manifests, 'Deployment')
        .map((d) => d.metadata.name)
        .sort(),
      ['amtsbote-intake', 'amtsbote-payment', 'amtsbote-routing'],
    );
  });

  it('keeps the four service schemas identical and every value documented in the READMEs', () => {
    const schemas = SERVICES.map((s) => readFileSync(join(root, 'helm', s, 'values.schema.json'), 'utf8'));
    for (const s of schemas) assert.equal(s, schemas[0]);
    const r = spawnSync(process.execPath, [join(root, 'helm', 'docs.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
