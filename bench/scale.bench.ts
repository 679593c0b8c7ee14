/**
 * Scale benchmark (issue 12): every CLI command on generated clusters that double from 5,000 to 150,000 pods (the
 * Kubernetes scalability limit; 2,000 namespaces and 10,000 NetworkPolicies at that size), each compared with the
 * library's analysis of the same cluster.
 *
 * Per size, the generator (bench/scale/generate.ts, the project's own code) writes the manifests as multi-document
 * YAML files, a second version with a few policies changed, and 100,000 Hubble flow records. Each round then runs,
 * each in a process of its own under `/usr/bin/time` (wall, CPU, peak RSS) with standard output to a temporary file
 * (its size is reported):
 * - the library baseline (bench/scale/library.js): `loadPaths` of the manifests, then `Analysis.of(cluster)
 *   .connections()` and, on a fresh analysis, `explain` of one pair, each timed inside the process without the load;
 * - `node bin/cdk8s-netpol.js` with `analyze` in every output format, grouped (`--group namespace`, `--group
 *   class`) and with `--exposure`, `lint` (text and SARIF), `explain` of the same pair (`--expect allow`), `graph`
 *   (the default SVG; it refuses pictures over its limits with exit 2), `graph --namespace NS` (the drill-in into the
 *   explain pair's namespace), `diff OLD NEW` and `replay FLOWS MANIFESTS`.
 * A command that fails is not repeated in the later rounds of its size; one that times out or runs out of memory is
 * not run at the larger sizes. Failures are reported with their reason (the timeout, V8's heap limit, or the
 * command's error line), never as a crash of the benchmark.
 *
 * It prints per size and command the median wall and CPU time, the peak RSS (max over rounds), the ratio of the
 * command's time to the library analysis of the same round (median [min, max] over rounds), the output size and the
 * verdict of the issue's budget: each `analyze` format and `replay` at most 2x the analysis, `diff` (which analyses two
 * versions) at most 2x the analysis of both (twice the analysis of the first), `lint` at most
 * 1.5x, `explain` under 1 s after loading (judged on the library's explain; for the CLI its time minus the library's
 * load time of the same round is shown as an estimate, not judged: the difference of two processes swings by more
 * than a second on a shared machine). Then, as markdown for the README: the results, the growth factor per doubling
 * ((t(2N) / t(N)), normalised to a doubling for the last step to 150,000), and the budgets per size. Ratios, budgets
 * and growth are computed on CPU time by default (the issue's figures are CPU; wall time on a shared machine swings
 * with other work).
 *
 * The CLI and the baseline run the compiled lib/ (bin/load-lib.js runs the TypeScript through ts-node when a source
 * is newer, which adds seconds of start-up): the benchmark runs `npx jsii` (= `npm run build`) when lib/*.js is
 * missing or older than the sources, checked before each round, and marks every measurement that still ran lib/
 * through ts-node (a source edited during the round, or a failed build).
 *
 *     npm run build && TS_NODE_PROJECT=tsconfig.dev.json node -r ts-node/register bench/scale.bench.ts
 *     BENCH_MAX_PODS=40000 BENCH_ROUNDS=1 TS_NODE_PROJECT=tsconfig.dev.json node -r ts-node/register bench/scale.bench.ts
 *
 * Environment:
 * - BENCH_MAX_PODS: the largest size, of 5000, 10000, 20000, 40000, 80000, 150000 (default 10000: 3 rounds of 5,000
 *   and 10,000 pods take about 8 minutes on a loaded 2-core machine, up to 20,000 about 15; one round of every size
 *   up to 150,000 about an hour);
 * - BENCH_MIN_PODS: the smallest size (default 5000), e.g. 80000 to measure only the two largest;
 * - BENCH_ROUNDS: rounds per size (default 3);
 * - BENCH_TIMEOUT: seconds after which a command is killed (default 600);
 * - BENCH_COMMANDS: only these commands, comma-separated (e.g. `analyze -o connlist,lint`; default all);
 * - BENCH_FLOWS: Hubble flow records for replay (default 100000);
 * - BENCH_BASIS: `cpu` or `wall`, what ratios, budgets and growth use (default cpu);
 * - BENCH_DIR: where to write the clusters (default a new temporary directory); BENCH_KEEP=1 keeps them;
 * - BENCH_BUILD=0: do not build lib/.
 * It prints timings and verdicts and asserts nothing about them; it exits 1 only when the generated cluster does not
 * load cleanly or the explain pair is not allowed (the benchmark would measure the wrong thing).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMAND_CASES, EXPLAIN_BUDGET_SECONDS, LibraryRun, runCommand, runLibrary } from './scale/cases';
import { ScaleCluster, writeScaleCluster } from './scale/generate';
import { ensureBuilt, RunResult, RunStatus } from './scale/measure';
import { Basis, bytes, libModes, markdownBudgets, markdownGrowth, markdownResults, memory, Row, Sample, seconds, SizeReport, sizeTable } from './scale/report';

/** The cluster sizes, in pods: doubling from 5,000, then the Kubernetes limit. */
const SIZES = [5_000, 10_000, 20_000, 40_000, 80_000, 150_000];

const LOAD_ROW = 'library: loadPaths (RSS after load)';
const ANALYSIS_ROW = 'library: analysis';
const EXPLAIN_ROW = 'library: explain after load';

interface Config {
  readonly sizes: number[];
  readonly rounds: number;
  readonly timeoutSeconds: number;
  readonly commands: typeof COMMAND_CASES;
  readonly flows: number;
  readonly basis: Basis;
  readonly dir?: string;
  readonly keep: boolean;
  readonly build: boolean;
}

function readConfig(env: NodeJS.ProcessEnv): Config {
  const positive = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${env[name]} is not a positive number`);
    return value;
  };
  const maxPods = positive('BENCH_MAX_PODS', 10_000);
  const minPods = positive('BENCH_MIN_PODS', SIZES[0]);
  const sizes = SIZES.filter(n => n >= minPods && n <= maxPods);
  if (sizes.length === 0) throw new Error(`no size from BENCH_MIN_PODS=${minPods} to BENCH_MAX_PODS=${maxPods}; the sizes are ${SIZES.join(', ')}`);
  const basis = env.BENCH_BASIS ?? 'cpu';
  if (basis !== 'cpu' && basis !== 'wall') throw new Error(`BENCH_BASIS=${basis}: use cpu or wall`);
  const wanted = env.BENCH_COMMANDS?.split(',').map(c => c.trim()).filter(c => c !== '');
  const unknown = wanted?.filter(w => !COMMAND_CASES.some(c => c.name === w)) ?? [];
  if (unknown.length > 0) throw new Error(`BENCH_COMMANDS: unknown ${unknown.join(', ')}; the commands are ${COMMAND_CASES.map(c => c.name).join(', ')}`);
  return {
    sizes,
    rounds: Math.floor(positive('BENCH_ROUNDS', 3)),
    timeoutSeconds: positive('BENCH_TIMEOUT', 600),
    commands: wanted ? COMMAND_CASES.filter(c => wanted.includes(c.name)) : COMMAND_CASES,
    flows: Math.floor(positive('BENCH_FLOWS', 100_000)),
    basis,
    ...(env.BENCH_DIR ? { dir: env.BENCH_DIR } : {}),
    keep: env.BENCH_KEEP === '1',
    build: env.BENCH_BUILD !== '0',
  };
}

const log = (line: string) => console.log(line);
const load = () => os.loadavg().map(l => l.toFixed(2)).join(' ');

function sample(run: RunResult, extra: Partial<Sample> = {}): Sample {
  return {
    status: run.status, ...(run.message ? { message: run.message } : {}), wall: run.wall, cpu: run.cpu, maxRss: run.maxRss, ...extra,
  };
}

/** Checks that the library loaded the cluster as generated; throws otherwise (the benchmark would measure nonsense). */
function checkBaseline(cluster: ScaleCluster, lib: LibraryRun): void {
  const r = lib.result;
  if (!r) return;
  const problems: string[] = [];
  if (r.errors + r.warnings > 0) problems.push(`${r.errors} errors and ${r.warnings} warnings loading the manifests: ${r.firstProblems.join(' | ')}`);
  if (r.pods !== cluster.pods || r.policies !== cluster.policies) problems.push(`loaded ${r.pods} pods and ${r.policies} policies, generated ${cluster.pods} and ${cluster.policies}`);
  if (!r.allowed) problems.push(`the explain pair ${cluster.explain.from} -> ${cluster.explain.to} is not allowed`);
  if (problems.length > 0) throw new Error(`the generated cluster of ${cluster.pods} pods is not what the benchmark needs: ${problems.join('; ')}`);
}

/** Runs every round of one size and returns its report. `givenUp` holds the commands not to run any more, and why. */
async function measureSize(pods: number, config: Config, base: string, tmpDir: string, givenUp: Map<string, string>): Promise<SizeReport> {
  const dir = path.join(base, `pods-${pods}`);
  const started = Date.now();
  const cluster = writeScaleCluster(dir, { pods, flows: config.flows });
  log(`generated ${cluster.pods} pods in ${(Date.now() - started) / 1000} s: ${cluster.files.length} files, ${bytes(cluster.manifestBytes)} of YAML, `
    + `${cluster.changedPolicies} policies changed in the second version, ${cluster.flows} flows (${bytes(cluster.flowBytes)}); load ${load()}`);

  const rows: Row[] = [
    { name: LOAD_ROW, samples: [] },
    { name: ANALYSIS_ROW, samples: [] },
    { name: EXPLAIN_ROW, samples: [], budget: { kind: 'seconds', max: EXPLAIN_BUDGET_SECONDS, text: `< ${EXPLAIN_BUDGET_SECONDS} s` } },
    ...config.commands.map((c): Row => ({
      name: c.name, samples: [],
      ...(c.maxRatio ? { budget: { kind: 'ratio', max: c.maxRatio, text: `<= ${c.maxRatio}x ${c.analyses ? `${c.analyses} analyses` : 'analysis'}` } as const } : {}),
      ...(c.name === 'explain' ? { budget: { kind: 'estimate', max: EXPLAIN_BUDGET_SECONDS, text: `< ${EXPLAIN_BUDGET_SECONDS} s after loading: CLI - library load (${config.basis})` } as const } : {}),
    })),
  ];
  const row = (name: string) => rows.find(r => r.name === name)!;
  const report: SizeReport = { pods: cluster.pods, namespaces: cluster.namespaces, policies: cluster.policies, connections: 0, manifestBytes: cluster.manifestBytes, rows };
  const options = { timeoutSeconds: config.timeoutSeconds, tmpDir };

  for (let round = 1; round <= config.rounds; round++) {
    // Others may edit lib/ meanwhile: rebuild before each round, so a round's baseline and commands run the same code.
    if (config.build) ensureBuilt(log);
    const lib = await runLibrary(cluster, options);
    checkBaseline(cluster, lib);
    const r = lib.result;
    const basisOf = (t: { wall: number; cpu: number }) => t[config.basis];
    if (r) {
      const analysis = basisOf(r.analysis);
      report.connections = r.connections;
      const tsNode = r.mode === 'ts-node' ? { tsNode: true } : {};
      row(LOAD_ROW).samples.push({ status: RunStatus.OK, wall: r.load.wall, cpu: r.load.cpu, maxRss: r.modelRss, ratio: basisOf(r.load) / analysis, ...tsNode });
      row(ANALYSIS_ROW).samples.push({ status: RunStatus.OK, wall: r.analysis.wall, cpu: r.analysis.cpu, maxRss: lib.run.maxRss, ratio: 1, ...tsNode });
      row(EXPLAIN_ROW).samples.push({ status: RunStatus.OK, wall: r.explain.wall, cpu: r.explain.cpu, maxRss: 0, ratio: basisOf(r.explain) / analysis, ...tsNode });
      log(`  [${pods} r${round}] library (${r.mode}): load ${seconds(r.load.wall)}, analysis ${seconds(r.analysis.wall)} wall / ${seconds(r.analysis.cpu)} CPU `
        + `(${r.connections} connections), explain ${seconds(r.explain.wall)}`);
    } else {
      for (const name of [LOAD_ROW, ANALYSIS_ROW, EXPLAIN_ROW]) row(name).samples.push(sample(lib.run, lib.run.libMode === 'ts-node' ? { tsNode: true } : {}));
      log(`  [${pods} r${round}] library: ${lib.run.status}: ${lib.run.message ?? ''}`);
    }

    for (const command of config.commands) {
      const target = row(command.name);
      const failed = target.samples.findIndex(s => s.status !== RunStatus.OK);
      if (failed >= 0) {
        target.note = `failed in round ${failed + 1}; not repeated`;
        continue;
      }
      if (givenUp.has(command.name)) {
        target.note = givenUp.get(command.name);
        continue;
      }
      const run = await runCommand(command, cluster, options);
      target.samples.push(sample(run, {
        outputBytes: run.outputBytes,
        ...(r && run.status === RunStatus.OK ? { ratio: run[config.basis] / ((command.analyses ?? 1) * basisOf(r.analysis)) } : {}),
        ...(r && command.name === 'explain' && run.status === RunStatus.OK ? { afterLoad: run[config.basis] - basisOf(r.load) } : {}),
        ...(run.libMode === 'ts-node' ? { tsNode: true } : {}),
      }));
      const mode = run.libMode === 'compiled' ? '' : ' [lib through ts-node]';
      log(`  [${pods} r${round}] ${command.name}: ${run.status === RunStatus.OK ? `exit ${run.exitCode}` : `${run.status} (${run.message})`}, `
        + `${seconds(run.wall)} wall, ${seconds(run.cpu)} CPU, ${memory(run.maxRss)} peak RSS, ${bytes(run.outputBytes)} output${mode}`);
      if (run.status === RunStatus.TIMEOUT || run.status === RunStatus.OOM) givenUp.set(command.name, `${run.status} at ${pods} pods`);
    }
  }
  if (!config.keep) fs.rmSync(dir, { recursive: true, force: true });
  return report;
}

async function main(): Promise<void> {
  const config = readConfig(process.env);
  log(`scale benchmark (${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, load ${load()}): `
    + `sizes ${config.sizes.join(', ')} pods, ${config.rounds} round${config.rounds === 1 ? '' : 's'}, timeout ${config.timeoutSeconds} s, ratios on ${config.basis} time`);
  const base = config.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-netpol-scale-'));
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-netpol-scale-runs-'));
  const reports: SizeReport[] = [];
  const givenUp = new Map<string, string>();
  try {
    for (const pods of config.sizes) {
      const report = await measureSize(pods, config, base, tmpDir, givenUp);
      reports.push(report);
      log('');
      log(sizeTable(report, config.basis, config.rounds));
      log('');
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    if (!config.keep && !config.dir) fs.rmSync(base, { recursive: true, force: true });
    if (config.keep) log(`the generated clusters are in ${base}`);
  }

  log(`## Results (${config.rounds} round${config.rounds === 1 ? '' : 's'}, median; [min, max] of the ratio over rounds; `
    + `lib/ ${libModes(reports)}; load ${load()} at the end)`);
  log('');
  log(markdownResults(reports, config.basis));
  log('');
  log(`"${LOAD_ROW}" shows the RSS after loading and a garbage collection (the model) in the memory column; "${ANALYSIS_ROW}" the peak of the whole baseline process.`);
  log('');
  log('## Growth factor per doubling (2.00x: linear)');
  log('');
  log(markdownGrowth(reports, config.basis));
  log('');
  log('## Budgets (issue 12)');
  log('');
  log(markdownBudgets(reports));
}

main().catch(err => {
  console.error(`scale benchmark: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
