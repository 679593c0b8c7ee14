import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fromFlows } from '../../lib/flows/cli';
import { fixture } from './support';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'from-flows-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('fromFlows', () => {
  test('prints the TypeScript when no output directory is given, with the summary on stderr', () => {
    const result = fromFlows(fixture('shop.jsonl'), {});
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('export class ObservedTrafficChart extends Chart {');
    expect(result.stderr).toContain('shop.jsonl: 69 flow records: 51 connection starts kept (8 AUDIT)');
    expect(result.stderr).toContain('2 DROPPED flows ignored');
    expect(result.stderr).toContain('note: skipped 1 flow involving reserved:host');
  });

  test('writes <outDir>/<chart>.ts and <outDir>/<chart>.k8s.yaml', () => {
    const out = path.join(dir, 'generated');
    const result = fromFlows(fixture('shop.jsonl'), { outDir: out, chartName: 'shop' });
    expect(result.exitCode).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['shop.k8s.yaml', 'shop.ts']);
    expect(fs.readFileSync(path.join(out, 'shop.ts'), 'utf8')).toContain('export class ShopChart extends Chart {');
    expect(fs.readFileSync(path.join(out, 'shop.k8s.yaml'), 'utf8')).toContain('name: checkout-allow-from-shop-web-storefront');
    expect(result.stdout).toBe(`wrote ${path.join(out, 'shop.ts')}\nwrote ${path.join(out, 'shop.k8s.yaml')}\nShopChart from 51 flows: 4 namespaces, 7 workload allows, 3 external allows.\n`);
    // AND the printed TypeScript is the written one
    expect(fromFlows(fixture('shop.jsonl'), { chartName: 'shop' }).stdout).toEqual(fs.readFileSync(path.join(out, 'shop.ts'), 'utf8'));
  });

  test('reports damaged lines with their numbers on stderr and still generates from the rest', () => {
    const result = fromFlows(fixture('damaged.jsonl'), {});
    expect(result.exitCode).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines.filter(l => /damaged\.jsonl:\d+:/.test(l)).map(l => /damaged\.jsonl:(\d+):/.exec(l)![1])).toEqual(['2', '3', '6', '7']);
    expect(result.stderr).toMatch(/^error: .*damaged\.jsonl:7: truncated JSON/m);
    expect(result.stdout).toContain("ports: [Port.tcp(6379)],");
  });

  test('exits 2 on a missing file, naming it and the fix', () => {
    const result = fromFlows(path.join(dir, 'nope.jsonl'), {});
    expect(result).toEqual({ stdout: '', stderr: `${path.join(dir, 'nope.jsonl')}: cannot read the flow file (no such file). Give the output of "hubble observe -o json > flows.jsonl".\n`, exitCode: 2 });
  });

  test('exits 2 on a directory', () => {
    const result = fromFlows(dir, {});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('cannot read the flow file (it is a directory)');
  });

  test('exits 2 when no usable flow remains, and writes nothing', () => {
    // GIVEN a capture with only a dropped flow and a line of garbage
    const file = path.join(dir, 'dropped.jsonl');
    const dropped = fs.readFileSync(fixture('shop.jsonl'), 'utf8').split('\n').find(l => l.includes('"verdict":"DROPPED"'))!;
    fs.writeFileSync(file, `${dropped}\nnot json\n`);
    // WHEN
    const result = fromFlows(file, { outDir: path.join(dir, 'out') });
    // THEN
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error: ${file}:2: not JSON`);
    expect(result.stderr).toContain('1 DROPPED flows ignored');
    expect(result.stderr).toContain(`error: ${file}: no usable flow (no FORWARDED or AUDIT connection start with TCP, UDP or SCTP ports); nothing was generated.`);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('exits 2 when the flows give nothing to allow (only traffic within kube-system)', () => {
    const file = path.join(dir, 'system.jsonl');
    const upstream = fs.readFileSync(fixture('shop.jsonl'), 'utf8').split('\n').find(l => l.includes('"1.1.1.1"'))!;
    fs.writeFileSync(file, `${upstream}\n`);
    const result = fromFlows(file, {});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no flow could be turned into an allow');
  });

  test('exits 2 on a chart name that is not a DNS label', () => {
    const result = fromFlows(fixture('shop.jsonl'), { chartName: 'My Chart' });
    expect(result).toEqual({ stdout: '', stderr: 'from-flows: chart name "My Chart" is not a DNS label; use lowercase letters, digits and "-", e.g. "observed-traffic".\n', exitCode: 2 });
  });
});
