/**
 * The cluster-scoped policy scenarios of the shared conformance data (../shared/conformance/cluster-policies: np-guard
 * netpol-analyzer's AdminNetworkPolicy and BaselineAdminNetworkPolicy tests with their expected connection lists),
 * checked through the command line with the data's own checker, check.py. Runs when python3 and the data are present
 * (the data is reference material outside this repository and is never copied into it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const CONFORMANCE = path.join(ROOT, '..', 'shared', 'conformance');
const CHECK = path.join(CONFORMANCE, 'check.py');
const CASES = path.join(CONFORMANCE, 'cluster-policies');
const BIN = path.join(ROOT, 'bin', 'cdk8s-netpol.js');

const hasPython = spawnSync('python3', ['--version']).status === 0;
const available = hasPython && fs.existsSync(CHECK) && fs.existsSync(CASES);
const scenarios = available ? fs.readdirSync(CASES, { withFileTypes: true }).filter(e => e.isDirectory()).length : 0;

/** Each scenario starts the CLI through ts-node; allow a slow, busy machine ample time. */
const TIMEOUT_MS = 20 * 60 * 1000;

(available ? describe : describe.skip)('cluster-policy conformance (check.py, when python3 and ../shared/conformance are present)', () => {
  test(`cdk8s-netpol analyze --output connlist matches the expected list of all ${scenarios} scenarios`, () => {
    const run = spawnSync('python3', [CHECK, '--cases', CASES, '--', process.execPath, '-r', 'ts-node/register/transpile-only', BIN, 'analyze', '{dir}', '--output', 'connlist'],
      { cwd: ROOT, encoding: 'utf-8', timeout: TIMEOUT_MS });
    const summary = run.stdout.trim().split('\n').pop();
    expect(`${summary}\n${run.stdout}`).toMatch(new RegExp(`^${scenarios} passed, 0 failed\\n`));
    expect(run.status).toBe(0);
  }, TIMEOUT_MS);
});
