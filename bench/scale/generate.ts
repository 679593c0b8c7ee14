/**
 * The generated cluster of the scale benchmark (`bench/scale.bench.ts`, issue 12): manifests of a cluster of N pods,
 * written to a directory as several multi-document YAML files in the layout `cdk8s synth` writes, plus a second
 * version with a few policies changed (for `diff`) and a Hubble flow capture (for `replay`). Deterministic: the same
 * N and seed give byte-identical files.
 *
 * Shape, for N pods: round(N / 75) namespaces (2,000 at 150,000 pods) with 5 NetworkPolicies each (10,000):
 * - kube-system (CoreDNS: `k8s-app=kube-dns`, named ports `dns`/UDP, `dns-tcp`/TCP, `metrics`), ingress-nginx (the
 *   controller) and monitoring (Prometheus), each with a default deny and four allows of its own;
 * - application namespaces labelled `team` (five namespaces per team) and `env` (prod, staging, dev in turn), each with
 *   the rest of the pods (about 75) as bare Pods of six apps (frontend, backend, api, worker, db, cache) labelled
 *   `app`, `tier`, `track` (one replica in ten a canary), `version` and `app.kubernetes.io/part-of`, with named
 *   container ports; and five policies: a default deny (Ingress and Egress; Ingress only in dev namespaces), DNS
 *   egress (namespaceSelector AND podSelector in one peer; named ports in every other namespace), the web tier
 *   (ingress from the ingress controller and Prometheus on named ports, egress to `app In [backend, api]` and
 *   `track NotIn [canary]`), the services (ingress from the web tier and workers, from the team's namespaces on the
 *   port range 9000-9010 (endPort), egress to the data tier, to the services of the team's namespaces of the same env,
 *   and to the internet on 443 through an ipBlock with except), and the data tier (Ingress only: from `tier=app` pods
 *   with `track Exists`, Prometheus, and an ipBlock with except).
 *
 * The numbers are chosen so the connection list has a realistic density (a few dozen lines per pod, the issue's
 * 4.8M lines at 100,000 pods) rather than all pairs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeHubbleFlows } from './flows';
import { JsonValue, yamlStream } from './yaml';

/** Options of `writeScaleCluster`. */
export interface ScaleClusterOptions {
  /** The number of pods, at least 1,000. */
  readonly pods: number;
  /**
   * The seed of the pseudo-random choices (canary replicas, versions, flows).
   * @default 1
   */
  readonly seed?: number;
  /**
   * The number of Hubble flow records to write.
   * @default 100000
   */
  readonly flows?: number;
  /**
   * Namespaces per manifest file (one file per group of namespaces, as one cdk8s chart per group would write).
   * @default 50
   */
  readonly namespacesPerFile?: number;
}

/** One connection to explain: a pair of endpoint names as `explain --from/--to` takes them, and a port. */
export interface ExplainPair {
  /** The source, `namespace/name`. */
  readonly from: string;
  /** The destination, `namespace/name`. */
  readonly to: string;
  /** The destination port. */
  readonly port: number;
  /** The protocol. */
  readonly protocol: 'TCP' | 'UDP';
}

/** What `writeScaleCluster` wrote. */
export interface ScaleCluster {
  /** The directory of the manifests (`<dir>/manifests`). */
  readonly manifests: string;
  /** The manifest files, in the order a directory walk reads them. */
  readonly files: string[];
  /** The directory of the second version, with a few policies changed (`<dir>/manifests-changed`). */
  readonly changedManifests: string;
  /** The files of the second version. */
  readonly changedFiles: string[];
  /** The Hubble flow capture (`<dir>/flows.jsonl`, `hubble observe -o json` lines). */
  readonly flowsFile: string;
  /** Pods (bare Pod objects). */
  readonly pods: number;
  /** Namespaces (declared as Namespace objects). */
  readonly namespaces: number;
  /** NetworkPolicies of the first version. */
  readonly policies: number;
  /** Policies changed, added or removed in the second version. */
  readonly changedPolicies: number;
  /** Flow records written. */
  readonly flows: number;
  /** Bytes of YAML of the first version. */
  readonly manifestBytes: number;
  /** Bytes of the flow capture. */
  readonly flowBytes: number;
  /** A pair to explain (allowed: a frontend pod to a backend pod of the same namespace on 8080/TCP). */
  readonly explain: ExplainPair;
}

/** A container port: name, number, protocol. */
export type PortSpec = readonly [name: string, containerPort: number, protocol: 'TCP' | 'UDP'];

/** A namespace of the generated cluster. */
export interface NamespaceSpec {
  /** The name. */
  readonly name: string;
  /** The labels (`kubernetes.io/metadata.name` is left to the API server, as in real manifests). */
  readonly labels: { [key: string]: string };
  /** The position among the application namespaces; -1 for the system namespaces. */
  readonly index: number;
  /** The pods. */
  readonly pods: PodSpec[];
}

/** A pod of the generated cluster. */
export interface PodSpec {
  /** The name. */
  readonly name: string;
  /** The app (the `app` label, or the system component). */
  readonly app: string;
  /** The labels. */
  readonly labels: { [key: string]: string };
  /** The container ports. */
  readonly ports: readonly PortSpec[];
}

/** The generated cluster before it is written: the namespaces with their pods, and what the policies need. */
export interface ClusterSpec {
  /** The system namespaces (kube-system, ingress-nginx, monitoring), then the application namespaces. */
  readonly namespaces: NamespaceSpec[];
  /** The explain pair. */
  readonly explain: ExplainPair;
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same sequence in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The application kinds of every application namespace, with their share of the namespace's pods. */
const APPS: readonly { app: string; tier: string; weight: number; ports: readonly PortSpec[] }[] = [
  { app: 'frontend', tier: 'web', weight: 0.2, ports: [['http', 8080, 'TCP'], ['metrics', 9090, 'TCP']] },
  { app: 'backend', tier: 'app', weight: 0.2, ports: [['http', 8080, 'TCP'], ['grpc', 9000, 'TCP'], ['metrics', 9090, 'TCP']] },
  { app: 'api', tier: 'app', weight: 0.15, ports: [['http', 8080, 'TCP'], ['grpc', 9001, 'TCP'], ['metrics', 9090, 'TCP']] },
  { app: 'worker', tier: 'worker', weight: 0.2, ports: [['metrics', 9090, 'TCP']] },
  { app: 'db', tier: 'data', weight: 0.1, ports: [['postgres', 5432, 'TCP'], ['metrics', 9187, 'TCP']] },
  { app: 'cache', tier: 'data', weight: 0.15, ports: [['redis', 6379, 'TCP'], ['metrics', 9121, 'TCP']] },
];

const TEAM_WORDS = ['payments', 'checkout', 'search', 'catalog', 'identity', 'billing', 'ledger', 'shipping', 'reviews', 'ads', 'media', 'chat'];
const ENVS = ['prod', 'staging', 'dev'];
const SYSTEM_PODS = 7;
const PODS_PER_NAMESPACE = 75;

/** Splits `total` pods over the apps by weight, at least one each. */
function replicaCounts(total: number): number[] {
  const counts = APPS.map(a => Math.max(1, Math.floor(total * a.weight)));
  let rest = total - counts.reduce((s, c) => s + c, 0);
  for (let i = 0; rest !== 0; i = (i + 1) % counts.length) {
    if (rest > 0) { counts[i]++; rest--; } else if (counts[i] > 1) { counts[i]--; rest++; }
  }
  return counts;
}

/** The namespaces and pods of a cluster of `pods` pods; deterministic in `seed`. */
export function clusterSpec(pods: number, seed = 1): ClusterSpec {
  if (!Number.isInteger(pods) || pods < 1000) throw new Error(`the scale cluster needs an integer of at least 1,000 pods, got ${pods}`);
  const random = prng(seed);
  const namespaceCount = Math.max(4, Math.round(pods / PODS_PER_NAMESPACE));
  const appNamespaces = namespaceCount - 3;
  const system = (name: string, podList: PodSpec[]): NamespaceSpec => ({ name, labels: { tier: 'system' }, index: -1, pods: podList });
  const namespaces: NamespaceSpec[] = [
    system('kube-system', [0, 1].map(i => ({
      name: `coredns-${i}`, app: 'coredns', labels: { 'k8s-app': 'kube-dns', 'app.kubernetes.io/name': 'coredns' },
      ports: [['dns', 53, 'UDP'], ['dns-tcp', 53, 'TCP'], ['metrics', 9153, 'TCP']] as PortSpec[],
    }))),
    system('ingress-nginx', [0, 1, 2].map(i => ({
      name: `ingress-nginx-controller-${i}`, app: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      ports: [['http', 80, 'TCP'], ['https', 443, 'TCP'], ['metrics', 10254, 'TCP']] as PortSpec[],
    }))),
    system('monitoring', [0, 1].map(i => ({
      name: `prometheus-${i}`, app: 'prometheus', labels: { app: 'prometheus', 'app.kubernetes.io/name': 'prometheus' },
      ports: [['web', 9090, 'TCP']] as PortSpec[],
    }))),
  ];
  const appPods = pods - SYSTEM_PODS;
  for (let i = 0; i < appNamespaces; i++) {
    const teamIndex = Math.floor(i / 5);
    const team = `team-${String(teamIndex).padStart(3, '0')}`;
    const env = ENVS[i % ENVS.length];
    const name = `${TEAM_WORDS[teamIndex % TEAM_WORDS.length]}-${env}-${String(i).padStart(4, '0')}`;
    const size = Math.floor(appPods / appNamespaces) + (i < appPods % appNamespaces ? 1 : 0);
    const podList: PodSpec[] = [];
    replicaCounts(size).forEach((count, a) => {
      const { app, tier, ports } = APPS[a];
      for (let r = 0; r < count; r++) {
        const track = r > 0 && random() < 0.1 ? 'canary' : 'stable';
        const version = `v${1 + Math.floor(random() * 3)}`;
        podList.push({ name: `${app}-${r}`, app, labels: { app, tier, track, version, 'app.kubernetes.io/part-of': team }, ports });
      }
    });
    namespaces.push({ name, labels: { team, env }, index: i, pods: podList });
  }
  const first = namespaces[3].name;
  return { namespaces, explain: { from: `${first}/frontend-0`, to: `${first}/backend-0`, port: 8080, protocol: 'TCP' } };
}

type Json = { [key: string]: JsonValue };

const byName = (ns: string): Json => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
const labels = (l: { [key: string]: string }): Json => ({ matchLabels: l });
const tcp = (port: number | string, endPort?: number): Json => ({ protocol: 'TCP', port, ...(endPort ? { endPort } : {}) });
const udp = (port: number | string): Json => ({ protocol: 'UDP', port });
const PROMETHEUS: Json = { namespaceSelector: byName('monitoring'), podSelector: labels({ app: 'prometheus' }) };
const INGRESS_CONTROLLER: Json = { namespaceSelector: byName('ingress-nginx'), podSelector: labels({ 'app.kubernetes.io/name': 'ingress-nginx' }) };
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

function policy(namespace: string, name: string, spec: Json): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

function dnsEgress(namedPorts: boolean): Json {
  return {
    podSelector: {}, policyTypes: ['Egress'],
    egress: [{
      to: [{ namespaceSelector: byName('kube-system'), podSelector: labels({ 'k8s-app': 'kube-dns' }) }],
      ports: namedPorts ? [udp('dns'), tcp('dns-tcp')] : [udp(53), tcp(53)],
    }],
  };
}

/** The five policies of a system namespace. */
function systemPolicies(ns: string): Json[] {
  const deny = policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  const apiserver = { to: [{ ipBlock: { cidr: '10.96.0.1/32' } }], ports: [tcp(443)] };
  switch (ns) {
    case 'kube-system': {
      const dns = labels({ 'k8s-app': 'kube-dns' });
      return [
        deny,
        policy(ns, 'dns-ingress', { podSelector: dns, ingress: [{ from: [{ namespaceSelector: {} }], ports: [udp('dns'), tcp('dns-tcp')] }] }),
        policy(ns, 'dns-upstream', { podSelector: dns, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [udp(53), tcp(53)] }] }),
        policy(ns, 'dns-metrics', { podSelector: dns, ingress: [{ from: [PROMETHEUS], ports: [tcp('metrics')] }] }),
        policy(ns, 'dns-apiserver', { podSelector: dns, policyTypes: ['Egress'], egress: [apiserver] }),
      ];
    }
    case 'ingress-nginx': {
      const controller = labels({ 'app.kubernetes.io/name': 'ingress-nginx' });
      return [
        deny,
        policy(ns, 'allow-dns', dnsEgress(true)),
        policy(ns, 'controller-ingress', { podSelector: controller, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [tcp('http'), tcp('https')] }] }),
        policy(ns, 'controller-egress', {
          podSelector: controller, policyTypes: ['Egress'],
          egress: [
            { to: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] }, podSelector: labels({ tier: 'web' }) }], ports: [tcp(8080)] },
            { to: [{ namespaceSelector: byName('monitoring'), podSelector: labels({ app: 'prometheus' }) }], ports: [tcp('web')] },
            apiserver,
          ],
        }),
        policy(ns, 'controller-metrics', { podSelector: controller, ingress: [{ from: [PROMETHEUS], ports: [tcp('metrics')] }] }),
      ];
    }
    default: { // monitoring
      const prometheus = labels({ app: 'prometheus' });
      return [
        deny,
        policy(ns, 'allow-dns', dnsEgress(false)),
        policy(ns, 'prometheus-scrape', {
          podSelector: prometheus, policyTypes: ['Egress'],
          egress: [{
            to: [
              { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
              { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['coredns', 'ingress-nginx'] }] } },
            ],
            ports: [tcp('metrics'), tcp(9100, 9199)],
          }],
        }),
        policy(ns, 'prometheus-ingress', { podSelector: prometheus, ingress: [{ from: [INGRESS_CONTROLLER], ports: [tcp('web')] }] }),
        policy(ns, 'prometheus-apiserver', { podSelector: prometheus, policyTypes: ['Egress'], egress: [apiserver] }),
      ];
    }
  }
}

/** How the second version changes an application namespace's policies: one namespace in 50 of each kind. */
enum Change { NONE, WIDEN_WEB, REMOVE_DATA, NARROW_SERVICES, DEFAULT_DENY_TYPES }

function changeOf(index: number, changed: boolean): Change {
  if (!changed) return Change.NONE;
  switch (index % 50) {
    case 7: return Change.WIDEN_WEB;
    case 19: return Change.REMOVE_DATA;
    case 31: return Change.NARROW_SERVICES;
    case 43: return Change.DEFAULT_DENY_TYPES;
    default: return Change.NONE;
  }
}

/** The five policies of an application namespace, as changed by `change`. */
function appPolicies(ns: NamespaceSpec, change: Change): Json[] {
  const { name, labels: { team, env } } = ns;
  const dev = env === 'dev';
  const denyEgress = !dev !== (change === Change.DEFAULT_DENY_TYPES); // the change flips it
  const webIngress: Json[] = [
    { from: [INGRESS_CONTROLLER], ports: [tcp('http')] },
    { from: [PROMETHEUS], ports: [tcp('metrics')] },
  ];
  if (change === Change.WIDEN_WEB) webIngress.push({ from: [{ namespaceSelector: labels({ team }) }], ports: [tcp(8080)] });
  const servicesEgress: Json[] = [
    { to: [{ podSelector: labels({ tier: 'data' }) }], ports: [tcp(5432), tcp(6379)] },
    { to: [{ namespaceSelector: labels({ team, env }), podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['backend', 'api'] }] } }], ports: [tcp(9000, 9010)] },
  ];
  if (change !== Change.NARROW_SERVICES) servicesEgress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [tcp(443)] });
  const policies = [
    policy(name, 'default-deny', { podSelector: {}, policyTypes: denyEgress ? ['Ingress', 'Egress'] : ['Ingress'] }),
    policy(name, 'allow-dns', dnsEgress(ns.index % 2 === 1)),
    policy(name, 'web', {
      podSelector: labels({ tier: 'web' }), policyTypes: ['Ingress', 'Egress'],
      ingress: webIngress,
      egress: [{
        to: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['backend', 'api'] }, { key: 'track', operator: 'NotIn', values: ['canary'] }] } }],
        ports: [tcp('http')],
      }],
    }),
    policy(name, 'services', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['backend', 'api'] }] },
      ingress: [
        { from: [{ podSelector: labels({ tier: 'web' }) }, { podSelector: labels({ app: 'worker' }) }], ports: [tcp(8080)] },
        { from: [{ namespaceSelector: labels({ team }), podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['app', 'worker'] }] } }], ports: [tcp(9000, 9010)] },
        { from: [PROMETHEUS], ports: [tcp('metrics')] },
      ],
      egress: servicesEgress,
    }),
  ];
  if (change !== Change.REMOVE_DATA) {
    policies.push(policy(name, 'data', {
      podSelector: labels({ tier: 'data' }), policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { tier: 'app' }, matchExpressions: [{ key: 'track', operator: 'Exists' }] } }], ports: [tcp(5432), tcp(6379)] },
        { from: [PROMETHEUS], ports: [tcp('metrics')] },
        { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12', '10.244.0.0/14'] } }], ports: [tcp('postgres')] },
      ],
    }));
  }
  return policies;
}

function podObject(ns: NamespaceSpec, pod: PodSpec): Json {
  const image = ns.index < 0 ? `registry.k8s.io/${pod.app}:v1.11.1` : `registry.example.com/${ns.labels.team}/${pod.app}:1.${pod.labels.version?.slice(1) ?? '0'}.0`;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: pod.name, namespace: ns.name, labels: pod.labels },
    spec: { containers: [{ name: pod.app, image, ports: pod.ports.map(([name, containerPort, protocol]) => ({ name, containerPort, protocol })) }] },
  };
}

/**
 * Writes one version of the manifests to `dir` (emptied first): one file for
 * the system namespaces, then one per `perFile` application namespaces, each holding the Namespace objects, then per
 * namespace its policies and pods. Returns the files and the number of policies and bytes written.
 */
function writeManifests(spec: ClusterSpec, dir: string, perFile: number, changed: boolean): { files: string[]; policies: number; bytes: number; changes: number } {
  fs.rmSync(dir, { recursive: true, force: true }); // no file of an earlier, larger cluster stays behind
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let policies = 0;
  let bytes = 0;
  let changes = 0;
  const write = (file: string, namespaces: NamespaceSpec[]) => {
    const objects: Json[] = namespaces.map(ns => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } }));
    for (const ns of namespaces) {
      const change = changeOf(ns.index, changed);
      if (change !== Change.NONE) changes++;
      const nsPolicies = ns.index < 0 ? systemPolicies(ns.name) : appPolicies(ns, change);
      policies += nsPolicies.length;
      objects.push(...nsPolicies, ...ns.pods.map(p => podObject(ns, p)));
    }
    const text = yamlStream(objects);
    const full = path.join(dir, file);
    fs.writeFileSync(full, text);
    files.push(full);
    bytes += Buffer.byteLength(text);
  };
  write('00-system.yaml', spec.namespaces.filter(ns => ns.index < 0));
  const apps = spec.namespaces.filter(ns => ns.index >= 0);
  for (let start = 0, part = 1; start < apps.length; start += perFile, part++) {
    write(`apps-${String(part).padStart(3, '0')}.yaml`, apps.slice(start, start + perFile));
  }
  return { files, policies, bytes, changes };
}

/**
 * Writes the generated cluster of `options.pods` pods under `dir`: `manifests/` (the cluster), `manifests-changed/`
 * (the same with a few policies widened, narrowed or removed: one application namespace in 50 for each of four kinds
 * of change) and `flows.jsonl` (a Hubble capture of the cluster's traffic); the two directories are emptied first.
 * Returns the paths, the sizes and a pair of endpoints to explain.
 */
export function writeScaleCluster(dir: string, options: ScaleClusterOptions): ScaleCluster {
  const spec = clusterSpec(options.pods, options.seed ?? 1);
  const perFile = options.namespacesPerFile ?? 50;
  const manifests = path.join(dir, 'manifests');
  const changedManifests = path.join(dir, 'manifests-changed');
  const before = writeManifests(spec, manifests, perFile, false);
  const after = writeManifests(spec, changedManifests, perFile, true);
  const flowsFile = path.join(dir, 'flows.jsonl');
  const flows = options.flows ?? 100_000;
  const flowBytes = writeHubbleFlows(spec, flowsFile, flows, (options.seed ?? 1) + 1);
  return {
    manifests, files: before.files, changedManifests, changedFiles: after.files, flowsFile,
    pods: spec.namespaces.reduce((s, ns) => s + ns.pods.length, 0), namespaces: spec.namespaces.length,
    policies: before.policies, changedPolicies: after.changes, flows, manifestBytes: before.bytes, flowBytes, explain: spec.explain,
  };
}
