/**
 * Synthesis benchmark: isolated namespaces (1,000 by default), each with default deny, DNS and two allows, built
 * (a) one chart per namespace, (b) all in one chart, and (c) all in one chart with each namespace's allows on a port
 * of its own, so that no two namespaces are alike and the checker cannot lint them as two (see
 * lib/rules/alike-namespaces.ts), three ways: with this library ("ours", the default
 * configuration: the checker runs at synth with every error and warning rule), with this library and the checker off,
 * and as the identical manifests written with raw KubeNamespace / KubeNetworkPolicy objects ("raw"). Not a test:
 * `npm run bench`.
 *
 * 1,000 namespaces by default rather than 2,000: one chart per namespace then takes about 10 s a run instead of 30 (cdk8s
 * validates the whole app once per chart, so its own work grows with the square of the charts and dilutes every
 * other cost), and in one chart the checker's share is higher at 1,000 (its compilation cost is fixed), so the
 * default is the stricter test of it.
 *
 * Each run builds and synthesizes the app once in a fresh Node process, as `cdk8s synth` does. Within a round the
 * three variants of a layout run back to back in rotated order, and every ratio is computed within its round; the
 * table shows the median over the rounds and the spread [min-max]. In-process repetition is not used: V8 discards
 * and recompiles much of the optimized code between runs of a new app (deoptimisation of code that embedded the old
 * app's objects), so "warm" runs are neither warm nor cold, and the first run of a process is slower than the rest.
 *
 * Times: wall (elapsed), CPU (user + system of every thread: V8 compiles hot functions and marks and sweeps garbage
 * on helper threads, which come for free on an idle multi-core machine and cost wall time on a busy one), and, on
 * Linux, the main thread's CPU (what wall time is on an idle machine with a spare core).
 *
 * The checker's own time within the ours runs is measured between two validations of the root, one added before the
 * first policy (so before the checker's) and one after the last; the first builds the policies' models, which
 * rendering needs anyway and reuses, before it starts the clock.
 *
 *     BENCH_ROUNDS=5 BENCH_NAMESPACES=1000 BENCH_LAYOUTS=chart-per-namespace,one-chart,one-chart-distinct npm run bench
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type * as TypeScript from 'typescript';
import { Checker, CheckLevel, IsolatedNamespace, NetworkPolicy, Peer, Port, Selector } from '../lib';

const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Set in the child processes: which single run to do. */
const CHILD = 'NETPOL_BENCH_CHILD';

const api = Selector.labels({ app: 'api' });
const frontend = Selector.labels({ app: 'frontend' });

/** Our building blocks: one IsolatedNamespace and two allows on `port`. */
function ours(scope: Construct, name: string, port: number): void {
  const ns = new IsolatedNamespace(scope, name, { namespaceName: name });
  ns.allowFrom(api, [Peer.pods(frontend)], [Port.tcp(port)]);
  ns.allowTo(frontend, [Peer.pods(api)], [Port.tcp(port)]);
}

/** The same manifests, written as raw generated bindings. */
function raw(scope: Construct, name: string, port: number): void {
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
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }] }],
    },
  });
  new k8s.KubeNetworkPolicy(scope, `${name}-to`, {
    metadata: meta('frontend-allow-to-api'),
    spec: {
      podSelector: { matchLabels: { app: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }] }],
    },
  });
}

type Layout = 'chart-per-namespace' | 'one-chart' | 'one-chart-distinct';
type Variant = 'raw' | 'ours' | 'unchecked';
const ALL_LAYOUTS: Layout[] = ['chart-per-namespace', 'one-chart', 'one-chart-distinct'];
/** The layouts to run: all by default, or a comma-separated list in BENCH_LAYOUTS. */
const LAYOUTS: Layout[] = process.env.BENCH_LAYOUTS ? process.env.BENCH_LAYOUTS.split(',').map(l => l.trim() as Layout) : ALL_LAYOUTS;
const VARIANTS: Variant[] = ['raw', 'ours', 'unchecked'];
const LAYOUT_TEXT: { [layout in Layout]: string } = {
  'chart-per-namespace': 'one chart per namespace',
  'one-chart': 'all in one chart',
  'one-chart-distinct': 'all in one chart, every namespace on its own port',
};

/** Times of one run, or of a part of it. */
interface Times {
  /** Elapsed seconds. */
  readonly wall: number;
  /** User + system CPU seconds of the whole process (every thread). */
  readonly cpu: number;
  /** CPU seconds of the main thread, where /proc has them. */
  readonly main?: number;
}

/** What one run measured. */
interface Sample extends Times {
  /** Peak resident set size of the process, KiB. */
  readonly maxRssKiB: number;
  /** The checker's part of the run (ours only): from the validation before it to the one after it on the root. */
  readonly checker?: Times;
}

/** A point in time of this process. */
interface Clock {
  readonly wall: bigint;
  readonly cpu: NodeJS.CpuUsage;
  readonly main?: number;
}

function now(): Clock {
  return { wall: process.hrtime.bigint(), main: mainThreadCpu(), cpu: process.cpuUsage() };
}

function since(start: Clock, end: Clock = now()): Times {
  return {
    wall: Number(end.wall - start.wall) / 1e9,
    cpu: (end.cpu.user - start.cpu.user + end.cpu.system - start.cpu.system) / 1e6,
    main: start.main !== undefined && end.main !== undefined ? end.main - start.main : undefined,
  };
}

/** CPU seconds of the main thread (Linux /proc; undefined elsewhere). Clock ticks of 10 ms. */
function mainThreadCpu(): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf-8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The child: one build and synthesis, measured; prints the sample as JSON. */
async function child(spec: { variant: Variant; layout: Layout; outdir: string }): Promise<void> {
  await new Promise(resolve => setImmediate(resolve));
  (globalThis as { gc?: () => void }).gc?.();
  const start = now();
  const app = new App({ outdir: spec.outdir });
  // "ours" is the default configuration (CDK8S_NETPOL_CHECK/REPORT are removed from the child's environment).
  if (spec.variant === 'unchecked') Checker.configure(app, { failOn: CheckLevel.OFF });
  // The root's validations run in the order they were added, first in every validation pass: one added before the
  // first policy (which adds the checker's) and one added after the last mark the checker's part of the synthesis.
  // Every variant gets both, so that they all do the same extra work.
  let before: Clock | undefined;
  let checker: Times | undefined;
  app.node.addValidation({
    validate: () => {
      if (!before) {
        // Rendering needs the policies' models anyway and reuses the ones the checker reads: build them first, so
        // that the checker's part is what it adds.
        for (const c of app.node.findAll()) if (NetworkPolicy.isNetworkPolicy(c)) c.toModel();
        before = now();
      }
      return [];
    },
  });
  const shared = spec.layout === 'chart-per-namespace' ? undefined : new Chart(app, 'all');
  const build = spec.variant === 'raw' ? raw : ours;
  for (let i = 0; i < NAMESPACES; i++) {
    const name = `ns-${i}`;
    // Alike namespaces are linted as two (lib/rules/alike-namespaces.ts); a port of their own makes them all differ.
    build(shared ?? new Chart(app, name), name, spec.layout === 'one-chart-distinct' ? 8000 + (i % 50000) : 8080);
  }
  app.node.addValidation({ validate: () => { checker ??= since(before!); return []; } });
  app.synth();
  const sample: Sample = { ...since(start), maxRssKiB: process.resourceUsage().maxRSS, ...(spec.variant === 'ours' ? { checker } : {}) };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

/**
 * Transpiles this file and lib/ once to plain JavaScript in a temporary directory (with tsconfig.dev.json's options,
 * as ts-node does), so that each child starts in a fraction of a second instead of transpiling the library again.
 * Returns the script the children run.
 */
function transpileOnce(outRoot: string): string {
  // Loaded here only: the children do not need the compiler in their heap.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts: typeof TypeScript = require('typescript');
  const root = path.resolve(__dirname, '..');
  const config = ts.readConfigFile(path.join(root, 'tsconfig.dev.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const compilerOptions: TypeScript.CompilerOptions = { ...options, noEmit: false, inlineSourceMap: false, inlineSources: false, sourceMap: false, declaration: false };
  const sources: string[] = [__filename];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.d.ts')) sources.push(file);
    }
  };
  walk(path.join(root, 'lib'));
  for (const file of sources) {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf-8'), { compilerOptions, fileName: file }).outputText;
    const target = path.join(outRoot, path.relative(root, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, js);
  }
  return path.join(outRoot, path.relative(root, __filename)).replace(/\.ts$/, '.js');
}

/** Runs one variant in a fresh process; returns its sample and what it printed on stderr. */
function spawnRun(script: string, variant: Variant, layout: Layout, outdir: string): { sample: Sample; stderr: string } {
  const nodePath = [path.resolve(__dirname, '..', 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: nodePath, [CHILD]: JSON.stringify({ variant, layout, outdir }) };
  delete env.CDK8S_NETPOL_CHECK;
  delete env.CDK8S_NETPOL_REPORT;
  const result = spawnSync(process.execPath, ['--expose-gc', script], { env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${variant} / ${layout} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return { sample: JSON.parse(lines[lines.length - 1]), stderr: result.stderr };
}

function readAll(dir: string): string {
  return fs.readdirSync(dir).sort().map(f => `${f}\n${fs.readFileSync(path.join(dir, f), 'utf-8')}`).join('\n');
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

/** `median unit [min, max]` of values. */
function spread(values: number[], format: (v: number) => string, unit: string): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${format(quantile(sorted, 0.5))}${unit} [${format(sorted[0])}, ${format(sorted[sorted.length - 1])}]`;
}

const ratioText = (values: number[]) => spread(values, v => v.toFixed(2), 'x');
const percentText = (values: number[]) => spread(values.map(v => v * 100), v => v.toFixed(1), ' %');
const secondsText = (values: number[]) => spread(values, v => v.toFixed(2), ' s');

async function main(): Promise<void> {
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a positive integer, not ${process.env.BENCH_ROUNDS}`);
  if (!Number.isInteger(NAMESPACES) || NAMESPACES < 1) throw new Error(`BENCH_NAMESPACES must be a positive integer, not ${process.env.BENCH_NAMESPACES}`);
  const unknown = LAYOUTS.filter(l => !ALL_LAYOUTS.includes(l));
  if (unknown.length > 0) throw new Error(`BENCH_LAYOUTS: unknown layout ${unknown.join(', ')}; the layouts are ${ALL_LAYOUTS.join(', ')}`);
  const started = process.hrtime.bigint();
  console.log(`synth benchmark: ${NAMESPACES.toLocaleString('en-US')} namespaces x (Namespace + default deny + DNS + 2 allows) = `
    + `${(4 * NAMESPACES).toLocaleString('en-US')} policies, ${ROUNDS} rounds`);
  console.log('Each run builds and synthesizes the app once in a fresh process, as `cdk8s synth` does. Per round and layout, raw, ours');
  console.log('(default configuration: the checker runs every error and warning rule) and ours with the checker off run back to back in');
  console.log('rotated order; each ratio is computed within its round. Cells: median [min, max] over the rounds. "checker adds":');
  console.log('ours against ours with the checker off, in the same round; "checker within ours": the time between the root validations');
  console.log('just before and after the checker\'s, against the rest of the same run (one process, so less exposed to load).');
  const js = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-bench-js-'));
  try {
    await measure(transpileOnce(js), started);
  } finally {
    fs.rmSync(js, { recursive: true, force: true });
  }
}

async function measure(script: string, started: bigint): Promise<void> {
  const samples: { [layout: string]: { [variant: string]: Sample[] } } = {};
  const stderrs = new Set<string>();
  for (const layout of LAYOUTS) samples[layout] = { raw: [], ours: [], unchecked: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the layouts and the variants, so that no variant always runs first or after the same one.
    for (let l = 0; l < LAYOUTS.length; l++) {
      const layout = LAYOUTS[(l + round) % LAYOUTS.length];
      const outputs: { [variant: string]: string } = {};
      for (let v = 0; v < VARIANTS.length; v++) {
        const variant = VARIANTS[(v + round) % VARIANTS.length];
        const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-bench-'));
        try {
          const { sample, stderr } = spawnRun(script, variant, layout, outdir);
          samples[layout][variant].push(sample);
          if (stderr.trim()) stderrs.add(`${variant} / ${layout}: ${stderr.trim().split('\n').slice(0, 5).join('\n  ')}`);
          outputs[variant] = readAll(outdir);
        } finally {
          fs.rmSync(outdir, { recursive: true, force: true });
        }
      }
      // Same output, or the comparison means nothing.
      for (const variant of ['ours', 'unchecked']) {
        if (outputs[variant] !== outputs.raw) throw new Error(`${variant} and raw synthesize different manifests (${layout}, round ${round + 1})`);
      }
    }
  }

  const hasMain = LAYOUTS.every(layout => VARIANTS.every(variant => samples[layout][variant].every(x => x.main !== undefined)));
  const metrics: Array<[string, (t: Times) => number]> = [['wall', t => t.wall], ['CPU', t => t.cpu]];
  if (hasMain) metrics.push(['main thread CPU', t => t.main!]);
  console.log();
  console.log('| layout | time | raw ApiObjects | cdk8s-netpol | checker off | ours/raw | ours/raw, checker off | checker adds | checker within ours |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const layout of LAYOUTS) {
    const s = samples[layout];
    metrics.forEach(([metric, of], i) => {
      const ratio = (a: Variant, b: Variant) => s[a].map((x, r) => of(x) / of(s[b][r]));
      const within = s.ours.map(x => of(x.checker!) / (of(x) - of(x.checker!)));
      console.log(`| ${i === 0 ? LAYOUT_TEXT[layout] : ''} | ${metric} `
        + `| ${secondsText(s.raw.map(of))} | ${secondsText(s.ours.map(of))} | ${secondsText(s.unchecked.map(of))} `
        + `| ${ratioText(ratio('ours', 'raw'))} | ${ratioText(ratio('unchecked', 'raw'))} `
        + `| ${percentText(ratio('ours', 'unchecked').map(x => x - 1))} | ${percentText(within)} |`);
    });
  }
  console.log();
  const rss = (layout: Layout, variant: Variant) => `${(Math.max(...samples[layout][variant].map(x => x.maxRssKiB)) / 1024).toFixed(0)} MiB`;
  for (const layout of LAYOUTS) {
    console.log(`peak RSS per process, ${LAYOUT_TEXT[layout]} (max over rounds): raw ${rss(layout, 'raw')}, cdk8s-netpol ${rss(layout, 'ours')}, checker off ${rss(layout, 'unchecked')}`);
  }
  console.log(`ours, ours with the checker off and raw synthesized byte-identical manifests in all ${ROUNDS} rounds.`);
  for (const text of stderrs) console.log(`stderr of ${text}`);
  console.log(`(synth benchmark: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s)`);
}

const spec = process.env[CHILD];
if (spec) {
  void child(JSON.parse(spec));
} else {
  main().catch(e => {
    console.error(e);
    process.exitCode = 1;
  });
}
