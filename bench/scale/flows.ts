/**
 * The Hubble flow capture of the scale benchmark's generated cluster (see `generate.ts`): `hubble observe -o json`
 * lines (the wrapped `{"flow": ..., "node_name", "time"}` form that `lib/flows/hubble.ts` reads), connection starts
 * (TCP SYN or UDP, `is_reply: false`) along the paths the cluster's apps use, for `cdk8s-netpol replay`.
 */
import * as fs from 'fs';
import { ClusterSpec, NamespaceSpec, PodSpec, prng } from './generate';

/** A pod with the address and identity the capture gives it. */
interface Addressed {
  readonly ns: NamespaceSpec;
  readonly pod: PodSpec;
  readonly ip: string;
  readonly identity: number;
}

/**
 * The paths of the capture: [source, destination, protocol, port, weight, verdict]. An app name means a pod of that
 * app in the flow's application namespace; `ns/app` a pod of a system namespace; `peer:app` a pod of that app in
 * another namespace of the same team and env; `world:IP` an address outside the cluster. Most flows are allowed by
 * the policies; worker to backend (allowed only in dev namespaces, where egress is not denied) and frontend to
 * port 80 outside are not, and worker to db is recorded as DROPPED (POLICY_DENIED).
 */
const PATHS: readonly [string, string, 'TCP' | 'UDP', number, number, 'FORWARDED' | 'DROPPED'][] = [
  ['ingress-nginx/ingress-nginx', 'frontend', 'TCP', 8080, 20, 'FORWARDED'],
  ['frontend', 'backend', 'TCP', 8080, 14, 'FORWARDED'],
  ['frontend', 'api', 'TCP', 8080, 6, 'FORWARDED'],
  ['backend', 'db', 'TCP', 5432, 10, 'FORWARDED'],
  ['api', 'cache', 'TCP', 6379, 10, 'FORWARDED'],
  ['backend', 'peer:api', 'TCP', 9001, 5, 'FORWARDED'],
  ['monitoring/prometheus', 'backend', 'TCP', 9090, 3, 'FORWARDED'],
  ['monitoring/prometheus', 'db', 'TCP', 9187, 2, 'FORWARDED'],
  ['*', 'kube-system/coredns', 'UDP', 53, 14, 'FORWARDED'],
  ['backend', 'world:93.184.216.34', 'TCP', 443, 4, 'FORWARDED'],
  ['worker', 'backend', 'TCP', 8080, 6, 'FORWARDED'],
  ['frontend', 'world:203.0.113.7', 'TCP', 80, 1, 'FORWARDED'],
  ['worker', 'db', 'TCP', 5432, 1, 'DROPPED'],
];

const WORLD = { identity: 2, labels: ['reserved:world'] };

function endpoint(e: Addressed): object {
  return {
    ID: e.identity - 29000, identity: e.identity, cluster_name: 'default', namespace: e.ns.name,
    labels: [
      ...Object.entries(e.pod.labels).map(([k, v]) => `k8s:${k}=${v}`),
      `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${e.ns.name}`,
      ...Object.entries(e.ns.labels).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
      'k8s:io.cilium.k8s.policy.cluster=default', 'k8s:io.cilium.k8s.policy.serviceaccount=default', `k8s:io.kubernetes.pod.namespace=${e.ns.name}`,
    ],
    pod_name: e.pod.name, workloads: [{ name: e.pod.name, kind: 'Pod' }],
  };
}

/**
 * Writes `count` flow records of the cluster to `file` (streamed, a block of lines at a time) and returns the bytes
 * written. Deterministic in `seed`.
 */
export function writeHubbleFlows(spec: ClusterSpec, file: string, count: number, seed: number): number {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const byApp = new Map<string, Addressed[]>();
  let n = 0;
  for (const ns of spec.namespaces) {
    for (const pod of ns.pods) {
      const key = `${ns.name}/${pod.app}`;
      const list = byApp.get(key) ?? [];
      list.push({ ns, pod, ip: `10.${244 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`, identity: 30000 + n });
      byApp.set(key, list);
      n++;
    }
  }
  const apps = spec.namespaces.filter(ns => ns.index >= 0);
  // The namespaces of each team and env, for the cross-namespace path.
  const peers = new Map<string, NamespaceSpec[]>();
  for (const ns of apps) {
    const key = `${ns.labels.team}/${ns.labels.env}`;
    peers.set(key, [...(peers.get(key) ?? []), ns]);
  }
  // The ingress controller only reaches prod and staging namespaces (its egress policy).
  const served = apps.filter(ns => ns.labels.env !== 'dev');
  const total = PATHS.reduce((s, p) => s + p[4], 0);
  const start = Date.parse('2026-11-21T10:00:00Z');
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    let block: string[] = [];
    for (let i = 0; i < count; i++) {
      let r = random() * total;
      const [from, to, protocol, port, , verdict] = PATHS.find(p => (r -= p[4]) < 0) ?? PATHS[0];
      const ns = pick(from.startsWith('ingress-nginx/') ? served : apps);
      const resolve = (ref: string): Addressed => {
        if (ref === '*') return pick(byApp.get(`${ns.name}/${pick(['frontend', 'backend', 'api', 'worker', 'db', 'cache'])}`)!);
        if (ref.startsWith('peer:')) {
          const other = pick(peers.get(`${ns.labels.team}/${ns.labels.env}`)!);
          return pick(byApp.get(`${other.name}/${ref.slice('peer:'.length)}`)!);
        }
        return pick(byApp.get(ref.includes('/') ? ref : `${ns.name}/${ref}`)!);
      };
      const src = resolve(from);
      const external = to.startsWith('world:') ? to.slice('world:'.length) : undefined;
      const dst = external ? undefined : resolve(to);
      const time = new Date(start + i * 7).toISOString();
      const sourcePort = 32768 + Math.floor(random() * 28000);
      const l4 = protocol === 'TCP'
        ? { TCP: { source_port: sourcePort, destination_port: port, flags: { SYN: true } } }
        : { UDP: { source_port: sourcePort, destination_port: port } };
      const dropped = verdict === 'DROPPED' ? { drop_reason: 133, drop_reason_desc: 'POLICY_DENIED' } : {};
      block.push(JSON.stringify({
        flow: {
          time, verdict, ...dropped, IP: { source: src.ip, destination: external ?? dst!.ip, ipVersion: 'IPv4' }, l4,
          source: endpoint(src), destination: external ? WORLD : endpoint(dst!), Type: 'L3_L4', node_name: `worker-${i % 40}`,
          is_reply: false, traffic_direction: 'EGRESS', Summary: protocol === 'TCP' ? 'TCP Flags: SYN' : 'UDP',
        },
        node_name: `worker-${i % 40}`, time,
      }));
      if (block.length === 1000 || i === count - 1) {
        const text = `${block.join('\n')}\n`;
        fs.writeSync(fd, text);
        bytes += Buffer.byteLength(text);
        block = [];
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}
