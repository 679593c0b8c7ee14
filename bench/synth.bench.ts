/**
 * Synthesis benchmark: 2,000 isolated namespaces, each with default deny, DNS and two allows, built (a) one chart
 * per namespace and (b) all in one chart; in the same process, the same manifests as raw KubeNamespace /
 * KubeNetworkPolicy objects, and ours again with the synth-time checker off. Prints ours/raw per layout, what the
 * checker adds, and the peak RSS. Not a test: `npm run bench`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Checker, CheckLevel, IsolatedNamespace, Peer, Port, Selector } from '../lib';

const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const api = Selector.labels({ app: 'api' });
const frontend = Selector.labels({ app: 'frontend' });

/** Our building blocks: one IsolatedNamespace and two allows. */
function ours(scope: Construct, name: string): void {
  const ns = new IsolatedNamespace(scope, name, { namespaceName: name });
  ns.allowFrom(api, [Peer.pods(frontend)], [Port.tcp(8080)]);
  ns.allowTo(frontend, [Peer.pods(api)], [Port.tcp(8080)]);
}

/** The same manifests, written as raw generated bindings. */
function raw(scope: Construct, name: string): void {
  const meta = (policy: string) => ({ name: policy, namespace: name });
  new k8s.KubeNamespace(scope, `${name}-ns`, { metadata: { name } });
  new k8s.KubeNetworkPolicy(scope, `${name}-deny`, { metadata: meta('default-deny-all'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  new k8s.KubeNetworkPolicy(scope, `${name}-dns`, {
    metadata: meta('allow-dns'),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
      }],
    },
  });
  new k8s.KubeNetworkPolicy(scope, `${name}-from`, {
    metadata: meta('api-allow-from-frontend'),
    spec: {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8080) }] }],
    },
  });
  new k8s.KubeNetworkPolicy(scope, `${name}-to`, {
    metadata: meta('frontend-allow-to-api'),
    spec: {
      podSelector: { matchLabels: { app: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8080) }] }],
    },
  });
}

type Layout = 'chart-per-namespace' | 'one-chart';

/** Builds and synthesizes an app to a temporary directory; returns the seconds taken and the output directory. */
function run(build: (scope: Construct, name: string) => void, layout: Layout, check = CheckLevel.ERROR): { seconds: number; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-bench-'));
  const start = process.hrtime.bigint();
  const app = new App({ outdir });
  Checker.configure(app, { failOn: check });
  const shared = layout === 'one-chart' ? new Chart(app, 'all') : undefined;
  for (let i = 0; i < NAMESPACES; i++) {
    const name = `ns-${i}`;
    build(shared ?? new Chart(app, name), name);
  }
  app.synth();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, outdir };
}

function readAll(dir: string): string {
  return fs.readdirSync(dir).sort().map(f => fs.readFileSync(path.join(dir, f), 'utf-8')).join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Lets pending microtasks run and, with --expose-gc, collects garbage, so one run's leftovers do not slow the next. */
async function settle(): Promise<void> {
  await new Promise(resolve => setImmediate(resolve));
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  console.log(`synth benchmark: ${NAMESPACES} namespaces x (Namespace + default deny + DNS + 2 allows), median of ${ROUNDS} rounds`);
  console.log('cdk8s-netpol runs its checker (RULES.md) at synth by default; "checker off" shows what the checker costs.');
  const rows: string[] = [];
  for (const layout of ['chart-per-namespace', 'one-chart'] as Layout[]) {
    // Same output, or the comparison means nothing.
    const check = { ours: run(ours, layout), raw: run(raw, layout) };
    if (readAll(check.ours.outdir) !== readAll(check.raw.outdir)) throw new Error(`ours and raw synthesize different manifests (${layout})`);
    const variants: Array<[keyof typeof times, () => number]> = [
      ['raw', () => run(raw, layout).seconds],
      ['ours', () => run(ours, layout).seconds],
      ['unchecked', () => run(ours, layout, CheckLevel.OFF).seconds],
    ];
    const times = { ours: [] as number[], unchecked: [] as number[], raw: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round, so no variant always runs on the heap another one left behind.
      for (let i = 0; i < variants.length; i++) {
        const [name, time] = variants[(i + round) % variants.length];
        await settle();
        times[name].push(time());
      }
    }
    const o = median(times.ours);
    const u = median(times.unchecked);
    const r = median(times.raw);
    rows.push(`| ${layout} | ${o.toFixed(2)} s | ${u.toFixed(2)} s | ${r.toFixed(2)} s | ${(o / r).toFixed(2)}x | ${(u / r).toFixed(2)}x | ${(((o - u) / u) * 100).toFixed(1)} % |`);
  }
  console.log('| layout | cdk8s-netpol | checker off | raw ApiObjects | ours/raw | ours/raw, checker off | checker adds |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log(`peak RSS of the whole run: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

void main();
