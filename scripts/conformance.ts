/**
 * Prints the connlist of a manifest folder, for `python3 ../shared/conformance/check.py -- npx ts-node --project
 * tsconfig.dev.json scripts/conformance.ts {dir}`. Diagnostics of severity error go to stderr.
 */
import { Analysis, formatConnlist } from '../lib/analysis';
import { DiagnosticSeverity, formatDiagnostic, loadPaths } from '../lib/model/load';

const paths = process.argv.slice(2);
if (paths.length === 0) {
  process.stderr.write('usage: conformance.ts DIR...\n');
  process.exit(2);
}
const { cluster, diagnostics } = loadPaths(paths);
for (const d of diagnostics) if (d.severity === DiagnosticSeverity.ERROR || process.env.VERBOSE) process.stderr.write(`${formatDiagnostic(d)}\n`);
process.stdout.write(formatConnlist(Analysis.of(cluster).connections()));
