/**
 * Benchmark of the review tools on the generated 5,007-pod, 1,000-policy cluster of `bench/analysis.bench.ts`
 * (`generate(5)`), each as a ratio to a plain analysis of the same cluster (`Analysis.of(cluster).connections()`):
 *
 * - diff: `diffConnectivity(before, after)` of the cluster and a variant with 50 of its 1,000 policies changed (rules
 *   widened, rules or whole policies removed) and a few workloads added and removed; both sides are cluster models, so
 *   this includes both analyses. "diff step only" is the same diff given both connection lists.
 * - diff, open namespaces: the same pair with every policy of the first 40 namespaces removed on both sides, so each
 *   connection list holds a few million connections while the diff stays small (the ratio is to the analysis of that
 *   cluster): what a diff costs when the lists are large.
 * - replay: 100,000 generated Hubble JSON records (`hubble observe -o json` lines: FORWARDED connection starts between
 *   the cluster's workloads on the ports they use, about 5 % of them to addresses outside the cluster), parsed with
 *   `parseHubbleFlows` (its own line) and replayed with `replayObservedFlows` (`replayHubbleFlows` is the two together).
 *
 * Each round runs the baseline analysis, then the diff, then the baseline again, then the parse and the replay, so
 * every ratio is taken within its round against a baseline run next to it; the table shows the median and [min, max]
 * over the rounds (`BENCH_ROUNDS`, default 5) of the wall time, of the CPU time of the process (all its threads,
 * garbage collection included: steadier than the wall time on a shared machine), and of the ratio of wall times.
 * `global.gc` runs between measurements when node has `--expose-gc`.
 *
 * Memory (`BENCH_MEMORY=0` skips it): each case once more in a child process of its own, which prepares the case's
 * input, collects garbage, resets the kernel's peak-RSS mark (`/proc/self/clear_refs`), runs the case and reads the
 * peak (`VmHWM`): the memory the case needed above what its input already held. It prints timings and memory only and
 * asserts nothing about them.
 *
 *     npx ts-node --project tsconfig.dev.json bench/review.bench.ts
 *     BENCH_ROUNDS=3 TS_NODE_PROJECT=tsconfig.dev.json node --expose-gc -r ts-node/register bench/review.bench.ts
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { Analysis } from '../lib/analysis';
import { diffConnectivity } from '../lib/analysis/diff';
import { ObservedFlow, parseHubbleFlows } from '../lib/flows/hubble';
import { replayHubbleFlows, replayObservedFlows } from '../lib/flows/replay';
import { ClusterModel, PolicyModel, PolicyType, Protocol, WorkloadModel } from '../lib/model/types';
import { generate } from './analysis.bench';
import { prng } from './scale/generate';

const FLOWS = 100_000;
/** Namespaces whose policies are all removed in the "open namespaces" pair. */
const OPEN_NAMESPACES = 40;


/**
 * The cluster with 50 of its 1,000 policies changed (one in 20, of every kind): a third widened (an ingress rule also
 * admits the `tier=system` namespaces, an egress-only policy opens another port, a default deny stops denying egress),
 * a third lose their last rule (default denies are widened instead), a third are removed; plus a `debug` pod added in
 * 5 namespaces and one replica removed in 5 others.
 */
export function variant(cluster: ClusterModel): ClusterModel {
  const widen = (p: PolicyModel): PolicyModel => {
    if (p.ingress?.length) {
      const [first, ...rest] = p.ingress;
      return { ...p, ingress: [{ ...first, peers: [...(first.peers ?? []), { namespaceSelector: { matchLabels: { tier: 'system' } } }] }, ...rest] };
    }
    if (p.egress?.length) {
      const [first, ...rest] = p.egress;
      return { ...p, egress: [{ ...first, ports: [...(first.ports ?? []), { protocol: Protocol.TCP, port: 8443 }] }, ...rest] };
    }
    return { ...p, policyTypes: [PolicyType.INGRESS] };
  };
  const removeRule = (p: PolicyModel): PolicyModel | undefined => {
    if (p.ingress?.length) return { ...p, ingress: p.ingress.slice(0, -1) };
    if (p.egress?.length) return { ...p, egress: p.egress.slice(0, -1) };
    return undefined;
  };
  const policies: PolicyModel[] = [];
  let changed = 0;
  cluster.policies.forEach((p, i) => {
    // One policy in each block of 20, at an offset that moves by one per block, so every kind of policy is changed.
    if ((i + Math.floor(i / 20)) % 20 !== 7) { policies.push(p); return; }
    const how = changed++ % 3;
    const next = how === 0 ? widen(p) : how === 1 ? removeRule(p) ?? widen(p) : undefined;
    if (next) policies.push(next);
  });
  const workloads: WorkloadModel[] = cluster.workloads.filter(w => !(w.name === 'worker-4' && /^team-00[5-9]$/.test(w.namespaceName)));
  for (let n = 0; n < 5; n++) {
    workloads.push({ kind: 'Pod', name: 'debug-0', namespaceName: `team-${String(n).padStart(3, '0')}`, podLabels: { app: 'debug' }, ports: [{ name: 'http', containerPort: 8080, protocol: Protocol.TCP }] });
  }
  return { ...cluster, policies, workloads };
}

/** The cluster without any policy in its first `OPEN_NAMESPACES` application namespaces (every pod there is open). */
export function openNamespaces(cluster: ClusterModel): ClusterModel {
  const open = new Set(Array.from({ length: OPEN_NAMESPACES }, (_, n) => `team-${String(n).padStart(3, '0')}`));
  return { ...cluster, policies: cluster.policies.filter(p => !open.has(p.namespaceName ?? '')) };
}

/**
 * `FLOWS` Hubble JSON lines (the wrapped `{"flow": ..., "node_name", "time"}` form) of FORWARDED connection starts
 * (TCP SYN or UDP, `is_reply: false`) along the paths the generated cluster's apps use: ingress-nginx to frontend,
 * frontend and worker to backend, backend to db and cache, Prometheus to the metrics port, every app to CoreDNS, and
 * about 5 % to addresses outside the cluster. Most are allowed; about 9 % would be denied: frontend to port 80 outside,
 * and worker to backend, which backend's ingress admits but worker's egress (default deny, DNS only) does not.
 */
export function hubbleText(cluster: ClusterModel): string {
  const random = prng(10);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const nsLabels = new Map(cluster.namespaces.map(n => [n.name, n.labels ?? {}]));
  const byApp = new Map<string, { w: WorkloadModel; ip: string; identity: number }[]>();
  cluster.workloads.forEach((w, i) => {
    const app = Object.values(w.podLabels ?? {})[0];
    const key = `${w.namespaceName}/${app}`;
    const list = byApp.get(key) ?? [];
    list.push({ w, ip: `10.${244 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, identity: 30000 + i });
    byApp.set(key, list);
  });
  const endpoint = (e: { w: WorkloadModel; ip: string; identity: number }) => ({
    ID: e.identity - 29000, identity: e.identity, cluster_name: 'default', namespace: e.w.namespaceName,
    labels: [
      ...Object.entries(e.w.podLabels ?? {}).map(([k, v]) => `k8s:${k}=${v}`),
      `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${e.w.namespaceName}`,
      ...Object.entries(nsLabels.get(e.w.namespaceName) ?? {}).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
      'k8s:io.cilium.k8s.policy.cluster=default', `k8s:io.kubernetes.pod.namespace=${e.w.namespaceName}`,
    ],
    pod_name: e.w.name, workloads: [{ name: e.w.name, kind: e.w.kind }],
  });
  const world = { identity: 2, labels: ['reserved:world'] };
  const teams = cluster.namespaces.filter(n => n.name.startsWith('team-')).map(n => n.name);
  // [source app, destination app, protocol, port, weight]; the destination `world:<ip>` is outside the cluster.
  const paths: [string, string, 'TCP' | 'UDP', number, number][] = [
    ['ingress-nginx/ingress-nginx', 'frontend', 'TCP', 8080, 20], ['frontend', 'backend', 'TCP', 8080, 20],
    ['worker', 'backend', 'TCP', 8080, 8], ['backend', 'db', 'TCP', 5432, 15], ['backend', 'cache', 'TCP', 6379, 12],
    ['monitoring/prometheus', 'db', 'TCP', 9187, 3], ['monitoring/prometheus', 'cache', 'TCP', 9187, 3],
    ['*', 'kube-system/kube-dns', 'UDP', 53, 14], ['backend', 'world:93.184.216.34', 'TCP', 443, 4], ['frontend', 'world:203.0.113.7', 'TCP', 80, 1],
  ];
  const total = paths.reduce((s, p) => s + p[4], 0);
  const system = (ref: string) => byApp.get(ref)!;
  const lines: string[] = [];
  const start = Date.parse('2026-11-21T10:00:00Z');
  for (let i = 0; i < FLOWS; i++) {
    let r = random() * total;
    const path = paths.find(p => (r -= p[4]) < 0) ?? paths[0];
    const ns = pick(teams);
    const [from, to, protocol, port] = path;
    const src = pick(from.includes('/') ? system(from) : byApp.get(`${ns}/${from === '*' ? pick(['frontend', 'backend', 'db', 'cache', 'worker']) : from}`)!);
    const external = to.startsWith('world:') ? to.slice('world:'.length) : undefined;
    const dst = external ? undefined : pick(to.includes('/') ? system(to) : byApp.get(`${ns}/${to}`)!);
    const time = new Date(start + i * 7).toISOString();
    const sourcePort = 32768 + Math.floor(random() * 28000);
    const l4 = protocol === 'TCP' ? { TCP: { source_port: sourcePort, destination_port: port, flags: { SYN: true } } } : { UDP: { source_port: sourcePort, destination_port: port } };
    lines.push(JSON.stringify({
      flow: {
        time, verdict: 'FORWARDED', IP: { source: src.ip, destination: external ?? dst!.ip, ipVersion: 'IPv4' }, l4,
        source: endpoint(src), destination: external ? world : endpoint(dst!), Type: 'L3_L4', node_name: 'worker-1',
        is_reply: false, traffic_direction: 'EGRESS', Summary: protocol === 'TCP' ? 'TCP Flags: SYN' : 'UDP',
      },
      node_name: 'worker-1', time,
    }));
  }
  return lines.join('\n') + '\n';
}

/** The median of some numbers. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The CPU time of the process so far (user and system, all threads), in seconds. */
function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Runs `fn` after a garbage collection; its result, wall seconds and CPU seconds. */
function time<T>(fn: () => T): [T, number, number] {
  global.gc?.();
  const cpu = cpuSeconds();
  const start = process.hrtime.bigint();
  const result = fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e9, cpuSeconds() - cpu];
}

/** The inputs of every case, built once. */
interface Inputs {
  readonly before: ClusterModel;
  readonly after: ClusterModel;
  readonly openBefore: ClusterModel;
  readonly openAfter: ClusterModel;
  readonly text: string;
}

function inputs(what: { flows: boolean } = { flows: true }): Inputs {
  const before = generate(5);
  const after = variant(before);
  return { before, after, openBefore: openNamespaces(before), openAfter: openNamespaces(after), text: what.flows ? hubbleText(before) : '' };
}

/** The cases measured for memory, each with what it prepares (kept alive while it runs) and what it runs. */
const MEMORY_CASES: { [name: string]: { flows: boolean; prepare?: (i: Inputs) => unknown; run: (i: Inputs, prepared: unknown) => unknown } } = {
  'analysis': { flows: false, run: i => Analysis.of(i.before).connections() },
  'diff (two cluster models)': { flows: false, run: i => diffConnectivity(i.before, i.after) },
  'analysis, open namespaces': { flows: false, run: i => Analysis.of(i.openBefore).connections() },
  'diff, open namespaces': { flows: false, run: i => diffConnectivity(i.openBefore, i.openAfter) },
  'parse Hubble JSON': { flows: true, run: i => parseHubbleFlows(i.text, 'generated.jsonl', { keepDropped: true }) },
  'replay': { flows: true, prepare: i => parseHubbleFlows(i.text, 'generated.jsonl', { keepDropped: true }).flows, run: (i, flows) => replayObservedFlows(i.before, flows as ObservedFlow[]) },
  'parse + replay': { flows: true, run: i => replayHubbleFlows(i.before, i.text, 'generated.jsonl') },
};

/** A field of /proc/self/status in MB (`VmRSS`, `VmHWM`), or undefined where there is none. */
function procStatusMb(field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** In a child process: prepares one memory case, resets the peak-RSS mark, runs the case, prints the peak above the start. */
function memoryChild(name: string): void {
  const c = MEMORY_CASES[name];
  const i = inputs({ flows: c.flows });
  const prepared = c.prepare?.(i);
  global.gc?.();
  global.gc?.();
  let reset = true;
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    reset = false;
  }
  const start = procStatusMb('VmRSS');
  const result = c.run(i, prepared);
  const peak = procStatusMb('VmHWM');
  console.log(JSON.stringify({ name, peakAboveStartMb: reset && start !== undefined && peak !== undefined ? peak - start : undefined, kept: result !== undefined }));
}

/** Runs every memory case in a child process; the peak above the start per case, in MB. */
function memoryCases(): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const name of Object.keys(MEMORY_CASES)) {
    const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8000', '-r', 'ts-node/register/transpile-only', __filename, '--memory', name], {
      encoding: 'utf8', env: { ...process.env, TS_NODE_PREFER_TS_EXTS: 'true' }, maxBuffer: 1 << 24,
    });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    try {
      out.set(name, JSON.parse(line).peakAboveStartMb);
    } catch {
      out.set(name, undefined);
      console.log(`memory of "${name}": the child failed (${run.status ?? run.signal}): ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    }
  }
  return out;
}

function main(): void {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const { before, after, openBefore, openAfter, text } = inputs();
  const baseline = () => Analysis.of(before).connections().length;
  const openBaseline = () => Analysis.of(openBefore).connections().length;
  const snapshots = () => [before, after].map(c => { const a = Analysis.of(c); return { connections: a.connections(), workloads: a.workloads() }; });

  // Warm-up (the JIT), and a check that each case does real work.
  const lines = baseline();
  const openLines = openBaseline();
  const diff = diffConnectivity(before, after);
  const openDiff = diffConnectivity(openBefore, openAfter);
  const parsed = parseHubbleFlows(text, 'generated.jsonl', { keepDropped: true });
  const replay = replayObservedFlows(before, parsed.flows);
  const [snapBefore, snapAfter] = snapshots();
  diffConnectivity(snapBefore, snapAfter);
  const changedPolicies = before.policies.filter(p => !after.policies.includes(p)).length;
  console.log(`review tools (${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map(l => l.toFixed(2)).join(' ')}, gc ${global.gc ? 'between measurements' : 'not exposed'})`);
  console.log(`cluster: ${before.workloads.length} pods, ${before.policies.length} policies, ${lines} connection lines; variant: ${after.workloads.length} pods, ${after.policies.length} policies (${changedPolicies} changed or removed)`);
  console.log(`diff: ${diff.entries.length} entries (changed ${diff.counts.changed}, added ${diff.counts.added}, removed ${diff.counts.removed})`);
  console.log(`open namespaces: ${openBefore.policies.length} policies, ${openLines} connection lines; diff: ${openDiff.entries.length} entries`);
  console.log(`flows: ${(text.length / 1e6).toFixed(1)} MB of Hubble JSON, ${parsed.stats.records} records, ${parsed.flows.length} kept; replay: ${replay.groups.length} groups, `
    + Object.entries(replay.counts).filter(([, c]) => c.flows > 0).map(([o, c]) => `${o} ${c.flows} flows / ${c.groups} groups`).join(', '));
  if (diff.entries.length === 0 || openDiff.entries.length === 0 || parsed.flows.length !== FLOWS || replay.counts.allowed.flows === 0) {
    console.log('a case does no real work: the benchmark measures nothing');
    process.exitCode = 1;
  }

  const cases = [
    'analysis', 'diff (two cluster models)', 'diff step only (two connection lists)', 'analysis, open namespaces', 'diff, open namespaces',
    'parse Hubble JSON (100,000 lines)', 'replay (100,000 ObservedFlows)', 'parse + replay',
  ] as const;
  type Case = typeof cases[number];
  const seconds = new Map<Case, number[]>(cases.map(c => [c, []]));
  const cpu = new Map<Case, number[]>(cases.map(c => [c, []]));
  const ratios = new Map<Case, number[]>(cases.map(c => [c, []]));
  const record = (c: Case, [wall, cpuTime]: [number, number], base?: number) => {
    seconds.get(c)!.push(wall);
    cpu.get(c)!.push(cpuTime);
    if (base !== undefined) ratios.get(c)!.push(wall / base);
  };
  for (let r = 0; r < rounds; r++) {
    const [, base1, baseCpu1] = time(baseline);
    const [, diffSeconds, diffCpu] = time(() => diffConnectivity(before, after));
    global.gc?.();
    const [a, b] = snapshots();
    const [, stepSeconds, stepCpu] = time(() => diffConnectivity(a, b));
    const [, openBase, openBaseCpu] = time(openBaseline);
    const [, openSeconds, openCpu] = time(() => diffConnectivity(openBefore, openAfter));
    const [, base2, baseCpu2] = time(baseline);
    const [flows, parseSeconds, parseCpu] = time(() => parseHubbleFlows(text, 'generated.jsonl', { keepDropped: true }).flows);
    const [, replaySeconds, replayCpu] = time(() => replayObservedFlows(before, flows));
    record('analysis', [base1, baseCpu1], base1);
    record('analysis', [base2, baseCpu2]); // both baselines count towards the absolute time
    record('diff (two cluster models)', [diffSeconds, diffCpu], base1);
    record('diff step only (two connection lists)', [stepSeconds, stepCpu], base1);
    record('analysis, open namespaces', [openBase, openBaseCpu], openBase);
    record('diff, open namespaces', [openSeconds, openCpu], openBase);
    record('parse Hubble JSON (100,000 lines)', [parseSeconds, parseCpu], base2);
    record('replay (100,000 ObservedFlows)', [replaySeconds, replayCpu], base2);
    record('parse + replay', [parseSeconds + replaySeconds, parseCpu + replayCpu], base2);
    console.log(`  round ${r + 1}: analysis ${base1.toFixed(3)} / ${base2.toFixed(3)} s, diff ${diffSeconds.toFixed(3)} s (step ${stepSeconds.toFixed(3)} s), `
      + `open: analysis ${openBase.toFixed(3)} s, diff ${openSeconds.toFixed(3)} s, parse ${parseSeconds.toFixed(3)} s, replay ${replaySeconds.toFixed(3)} s`);
  }
  const memory = process.env.BENCH_MEMORY === '0' ? undefined : memoryCases();
  const memoryOf = (c: Case) => {
    const name = c.replace(/ \(\d[\d,]* (lines|ObservedFlows)\)$/, '').replace(/^diff step only.*$/, '');
    if (!memory || !memory.has(name)) return '';
    const mb = memory.get(name);
    return mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`;
  };

  const spread = (values: number[], digits: number, unit: string) =>
    `${median(values).toFixed(digits)}${unit} [${Math.min(...values).toFixed(digits)}, ${Math.max(...values).toFixed(digits)}]`;
  console.log('');
  console.log(`${rounds} rounds, load ${os.loadavg().map(l => l.toFixed(2)).join(' ')} at the end; median [min, max] over rounds`);
  console.log('');
  console.log('| case | wall time | CPU time | / analysis (wall, same round) | peak memory above its input |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const c of cases) {
    const ratio = c.startsWith('analysis') ? '1x' : spread(ratios.get(c)!, 2, 'x');
    console.log(`| ${c} | ${spread(seconds.get(c)!, 3, ' s')} | ${spread(cpu.get(c)!, 3, ' s')} | ${ratio} | ${memoryOf(c)} |`);
  }
}

if (require.main === module) {
  if (process.argv[2] === '--memory') memoryChild(process.argv[3]);
  else main();
}
