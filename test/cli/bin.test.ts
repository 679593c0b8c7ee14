import { spawnSync } from 'child_process';
import * as path from 'path';
import { PRODUCTION, PRODUCTION_CONNLIST } from './support';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-netpol.js');

/** Runs the real executable as a user would (compiled lib/cli/main.js if built, otherwise ts-node). */
function spawnCli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf-8', timeout: 30000 });
}

describe('bin/cdk8s-netpol.js', () => {
  test('prints the help and exits 0', () => {
    // WHEN
    const result = spawnCli('--help');
    // THEN
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: cdk8s-netpol [options] [command]');
  });

  test('analyzes a directory and exits 0, or 2 for a missing path', () => {
    // WHEN
    const ok = spawnCli('analyze', PRODUCTION);
    const missing = spawnCli('analyze', path.join(ROOT, 'does-not-exist'));
    // THEN
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, PRODUCTION_CONNLIST, '']);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('error: 1 input path could not be read (see above); no connections printed. Check the PATH arguments.\n');
  });
});
