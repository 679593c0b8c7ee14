// @ts-check
/**
 * The library baseline of the scale benchmark, run as a child process by `bench/scale.bench.ts`:
 *
 *     node --expose-gc bench/scale/library.js MANIFESTS FROM TO PORT/PROTOCOL
 *
 * Loads the manifests with `loadPaths` (lib/model/load), then times, each from the loaded model and after a garbage
 * collection: `Analysis.of(cluster).connections()` (the analysis every command is compared with), and
 * `Analysis.of(cluster).explain(FROM, TO, PORT, PROTOCOL)` on a fresh analysis (explain after loading). Prints one
 * JSON object (see `LibraryResult` in measure.ts) on standard output.
 *
 * Plain JavaScript, loading lib/ through bin/load-lib.js exactly as the CLI does (the compiled lib/*.js, or ts-node
 * when the sources are newer), so the baseline and the commands run the same code.
 */
'use strict';
const path = require('path');
const loadLib = require('../../bin/load-lib');

const root = path.join(__dirname, '..', '..');
/** @type {typeof import('../../lib/model/load')} */
const load = loadLib('model/load');
// load-lib has chosen compiled JavaScript or ts-node (which then prefers .ts); a bare require follows that choice.
/** @type {typeof import('../../lib/analysis')} */
const analysis = require(path.join(root, 'lib', 'analysis'));
const mode = require.extensions['.ts'] ? 'ts-node' : 'compiled';

/**
 * Runs `fn` after a garbage collection (when exposed) and returns its result with wall and CPU (user + system, all
 * threads) seconds.
 * @template T
 * @param {() => T} fn
 * @returns {{ value: T, wall: number, cpu: number }}
 */
function timed(fn) {
  if (global.gc) global.gc();
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const value = fn();
  const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { value, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

function main() {
  const [manifests, from, to, portSpec] = process.argv.slice(2);
  if (!portSpec) throw new Error('usage: library.js MANIFESTS FROM TO PORT/PROTOCOL');
  const [port, protocol = 'TCP'] = portSpec.split('/');

  const loaded = timed(() => load.loadPaths([manifests]));
  const { cluster, diagnostics } = loaded.value;
  if (global.gc) global.gc();
  const modelRss = process.memoryUsage().rss;
  const problems = diagnostics.filter(d => d.severity !== 'info');

  const analysed = timed(() => analysis.Analysis.of(cluster).connections().length);
  const explained = timed(() => analysis.Analysis.of(cluster).explain(from, to, Number(port), /** @type {any} */ (protocol)));

  const result = {
    mode,
    pods: cluster.workloads.length,
    namespaces: cluster.namespaces.length,
    policies: cluster.policies.length,
    errors: problems.filter(d => d.severity === 'error').length,
    warnings: problems.filter(d => d.severity === 'warning').length,
    firstProblems: problems.slice(0, 5).map(d => load.formatDiagnostic(d)),
    load: { wall: loaded.wall, cpu: loaded.cpu },
    modelRss,
    analysis: { wall: analysed.wall, cpu: analysed.cpu },
    connections: analysed.value,
    explain: { wall: explained.wall, cpu: explained.cpu },
    allowed: explained.value.allowed,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
