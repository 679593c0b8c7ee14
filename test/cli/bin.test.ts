import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Analysis, formatConnections } from '../../lib/analysis';
import { loadPaths } from '../../lib/model/load';
import { openPodsDirectory } from '../support/clusters';
import { PRODUCTION, PRODUCTION_CONNLIST } from './support';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-netpol.js');

/** Runs the real executable as a user would (compiled lib/cli/main.js if built, otherwise ts-node). */
function spawnCli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf-8', timeout: 30000 });
}

describe('bin/cdk8s-netpol.js', () => {
  test('writes a long list through a pipe whole, as the library formats it', () => {
    // GIVEN: about 8 MB of JSON, far more than a pipe holds, so some writes wait for the reader.
    const dir = openPodsDirectory(120);
    try {
      const expected = formatConnections(Analysis.of(loadPaths([dir]).cluster).connections(), 'json');
      // WHEN
      const result = spawnSync(process.execPath, [BIN, 'analyze', '-o', 'json', dir], { cwd: ROOT, encoding: 'utf-8', timeout: 60000, maxBuffer: 64 << 20 });
      // THEN
      expect(result.status).toBe(0);
      expect(result.stdout.length).toBe(expected.length);
      expect(result.stdout === expected).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  test('a reader that stops early ends the output quietly, with the usual exit code', () => {
    // GIVEN about 8 MB of JSON, read by `head`, which closes the pipe after 100 bytes
    const dir = openPodsDirectory(120);
    try {
      // WHEN
      const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" analyze -o json "${dir}" | head -c 100; echo " exit=\${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: 'utf-8', timeout: 60000 });
      // THEN the reader got the start of the list, the command exited 0 and said nothing of the closed pipe
      const expected = formatConnections(Analysis.of(loadPaths([dir]).cluster).connections(), 'json');
      expect(result.stdout).toBe(`${expected.slice(0, 100)} exit=0\n`);
      expect(result.stderr).toBe('note: 1 info diagnostic (assumed namespaces) not shown; add --verbose to list them\n');
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  // GNU time reports the peak memory of a process; without it this test cannot measure and is skipped.
  const GNU_TIME = fs.existsSync('/usr/bin/time');
  (GNU_TIME ? test : test.skip)('a slow reader holds the writer back: memory does not grow with the output', () => {
    // GIVEN 1,200 pods that all reach each other: about 107 MB of JSON, far more than the cluster model
    const dir = openPodsDirectory(1200);
    try {
      // WHEN written to a reader that takes all at once, and to one that starts reading after 2 s
      const fast = spawnSync('bash', ['-c', `/usr/bin/time -f "%M" -o "${dir}/fast.kb" "${process.execPath}" "${BIN}" analyze -o json "${dir}" > /dev/null`], { cwd: ROOT, encoding: 'utf-8', timeout: 120000 });
      const slow = spawnSync('bash', ['-c', `/usr/bin/time -f "%M" -o "${dir}/slow.kb" "${process.execPath}" "${BIN}" analyze -o json "${dir}" | (sleep 2; wc -c)`], { cwd: ROOT, encoding: 'utf-8', timeout: 120000 });
      // THEN the slow reader got every byte, and the writer's peak memory is that of writing to /dev/null, not 100 MB more
      const peakKb = (file: string) => Number(fs.readFileSync(path.join(dir, file), 'utf-8').trim().split('\n').pop());
      const [fastKb, slowKb] = [peakKb('fast.kb'), peakKb('slow.kb')];
      expect(fast.status).toBe(0);
      expect(Number(slow.stdout.trim())).toBeGreaterThan(90_000_000);
      expect(fastKb).toBeGreaterThan(0);
      expect(slowKb).toBeLessThan(fastKb + 40 * 1024);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

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
