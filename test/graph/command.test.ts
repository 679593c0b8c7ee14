/** `cdk8s-netpol graph`, run in-process through the CLI's `run()`. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildGraph, graphToDot } from '../../lib/graph';
import { cli } from '../cli/support';
import { openPodsDirectory } from '../support/clusters';
import { fixture, shopCluster } from './support';

/** Runs `cdk8s-netpol graph ARGS...` in-process, through `run()`. */
function graph(...args: string[]) {
  return cli('graph', ...args);
}

const SHOP = fixture('shop.yaml');

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-graph-')); });
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

describe('graph on valid manifests', () => {
  test('writes SVG to standard output by default, with nothing on standard error', async () => {
    // WHEN
    const result = await graph(SHOP);
    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/<svg width="\d+pt"/);
    expect(result.stdout.match(/class="node"/g)).toHaveLength(5);
    expect(result.stdout.match(/class="edge"/g)).toHaveLength(3);
    expect(result.stdout.trimEnd().endsWith('</svg>')).toBe(true);
  });

  test('--output dot prints the same DOT as the graph model', async () => {
    // WHEN
    const result = await graph(SHOP, '--output', 'dot');
    // THEN
    expect(result).toEqual({ code: 0, stdout: graphToDot(buildGraph(shopCluster())), stderr: '' });
  });

  test('-o mermaid prints a flowchart', async () => {
    const result = await graph(SHOP, '-o', 'mermaid');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('flowchart LR');
    expect(result.stdout).toContain('  n1 -.->|"TCP 5432 (declared by shop/db-ingress)"| n3');
  });

  test('--out writes the file, prints nothing to standard output and says what it wrote', async () => {
    // GIVEN
    const out = path.join(tmp, 'shop.html');
    // WHEN
    const result = await graph(SHOP, '--output', 'html', '--out', out);
    // THEN
    expect(result).toEqual({ code: 0, stdout: '', stderr: `wrote ${out} (html: 5 nodes, 2 allowed and 1 denied-but-declared edges)\n` });
    const html = fs.readFileSync(out, 'utf-8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<table>');
  });

  test('reads directories and several paths as one cluster', async () => {
    // WHEN the fixtures directory (shop.yaml) and the same file again
    const result = await graph(path.dirname(SHOP), '--output', 'dot');
    // THEN
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('label="shop";');
  });
});

describe('graph on bad input', () => {
  test('an unknown --output is a usage error naming the formats, exit 2, nothing on standard output', async () => {
    // WHEN
    const result = await graph(SHOP, '--output', 'png');
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: option \'-o, --output <format>\' argument \'png\' is invalid. Use one of svg, dot, mermaid, html, e.g. --output html.');
  });

  test('a missing path fails with exit 2 and nothing on standard output', async () => {
    // WHEN
    const result = await graph(path.join(tmp, 'nope.yaml'));
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: 1 input path could not be read (see above); no graph drawn. Check the PATH arguments.');
  });

  test('malformed YAML fails with exit 2 and suggests --fail-on never', async () => {
    // GIVEN
    const bad = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(bad, 'kind: NetworkPolicy\nmetadata: [unclosed\n');
    // WHEN
    const result = await graph(bad);
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/error: 1 error in the input \(see above\); no graph drawn\. Fix the manifests, or add --fail-on never to leave the bad parts out\.\n$/);
  });

  test('--fail-on never draws what could be read', async () => {
    // GIVEN a malformed file next to the shop
    const bad = path.join(tmp, 'bad2.yaml');
    fs.writeFileSync(bad, 'kind: NetworkPolicy\nmetadata: [unclosed\n');
    // WHEN
    const result = await graph(bad, SHOP, '--output', 'dot', '--fail-on', 'never');
    // THEN
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(graphToDot(buildGraph(shopCluster())));
  });

  test('an --out file that cannot be written fails with exit 2, naming the file and the fix', async () => {
    // WHEN
    const out = path.join(tmp, 'missing-dir', 'graph.svg');
    const result = await graph(SHOP, '--out', out);
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`error: cannot write --out "${out}": ENOENT`);
    expect(result.stderr).toContain('Check that the directory exists and is writable, or leave --out away to write to standard output.');
  });

  test('no path at all is a usage error, exit 2', async () => {
    const result = await graph();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: missing required argument \'path\'');
  });
});

describe('graph --help', () => {
  test('documents the formats, the dashed edges and the exit codes', async () => {
    const result = await graph('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/-o, --output <format> +output format: svg, dot, mermaid, html \(default:\s+"svg"\)/);
    expect(result.stdout).toContain('dashed red edges are connections a rule on one side');
    expect(result.stdout).toContain('2  bad input');
  });
});

describe('graph --output mermaid on many edges', () => {
  test('notes on stderr that Mermaid draws at most 500 edges by default', async () => {
    // GIVEN 24 pods without policies, drawn one node per workload: 600 edges
    const dir = openPodsDirectory(24);
    try {
      const result = await cli('graph', dir, '-o', 'mermaid', '--group', 'none');
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('note: the flowchart has 600 edges; Mermaid draws at most 500 unless its maxEdges setting is raised. Use --group or --namespace NAME for fewer.');
      const grouped = await cli('graph', dir, '-o', 'mermaid');
      expect(grouped.stderr).not.toContain('Mermaid draws at most');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
