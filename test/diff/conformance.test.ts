/**
 * `diff` against np-guard netpol-analyzer's own diff outputs: the 8 pairs of ../shared/conformance/diff (reference
 * data, read where it lies, never copied here). check_diff.py runs the real executable on each pair and compares
 * the text lines; the in-process checks below compare the txt, md-np-guard and csv outputs byte for byte (apart from
 * the final newline the CLI adds where upstream's file has none).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cli } from '../cli/support';

const ROOT = path.join(__dirname, '..', '..');
const CASES = path.join(ROOT, '..', 'shared', 'conformance', 'diff');
const CHECK = path.join(CASES, 'check_diff.py');
const PRESENT = fs.existsSync(CHECK);
const PYTHON = PRESENT && spawnSync('python3', ['--version'], { encoding: 'utf-8' }).status === 0;

/** The scenario folders (those holding expected.txt), sorted. */
function scenarios(): string[] {
  if (!PRESENT) return [];
  return fs.readdirSync(CASES, { withFileTypes: true })
    .filter(e => e.isDirectory() && fs.existsSync(path.join(CASES, e.name, 'expected.txt')))
    .map(e => e.name)
    .sort();
}

/** Upstream's expected text as the CLI prints it: a non-empty text ends with a newline. */
function asPrinted(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

const SCENARIOS = scenarios();
const FORMATS: [string, string][] = [['expected.txt', 'txt'], ['expected.md', 'md-np-guard'], ['expected.csv', 'csv']];
const CHECKS = SCENARIOS.flatMap(name => FORMATS
  .filter(([file]) => fs.existsSync(path.join(CASES, name, file)))
  .map(([file, format]) => [name, file, format] as const));

(PYTHON ? describe : describe.skip)('check_diff.py on ../shared/conformance/diff', () => {
  test('passes every pair with bin/cdk8s-netpol.js diff {ref1} {ref2}, lines in order', () => {
    // GIVEN the scenario folders and the reference checker
    const bin = path.join(ROOT, 'bin', 'cdk8s-netpol.js');
    // WHEN it runs the executable on each pair (--ordered: the order of the lines is checked too)
    const run = spawnSync('python3', [CHECK, '--ordered', '--', process.execPath, bin, 'diff', '{ref1}', '{ref2}'], { encoding: 'utf-8', timeout: 880000 });
    // THEN every pair passes
    expect(run.stdout.trim().split('\n').pop()).toBe(`${SCENARIOS.length} passed, 0 failed`);
    expect(SCENARIOS).toHaveLength(8);
    expect(run.status).toBe(0);
  }, 900000);
});

(CHECKS.length > 0 ? describe : describe.skip)('txt, md-np-guard and csv against upstream\'s expected files', () => {
  test.each(CHECKS)('%s %s (--output %s)', async (name, file, format) => {
    // GIVEN a scenario pair and upstream's output in one format
    const expected = fs.readFileSync(path.join(CASES, name, file), 'utf-8');
    // WHEN diffed in that format
    const result = await cli('diff', path.join(CASES, name, 'ref1'), path.join(CASES, name, 'ref2'), '--output', format);
    // THEN the same text
    expect(result.stdout).toBe(asPrinted(expected));
    expect(result.code).toBe(0);
  });
});
