import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../lib/cli/main';
import { fromFlows } from '../../lib/flows/cli';
import { fixture, fixtureText } from './support';

/** Runs `cdk8s-netpol ARGS...` in-process, as the installed command does. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: t => { stdout += t; }, err: t => { stderr += t; } });
  return { code, stdout, stderr };
}

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
    expect(result.stderr).toContain(`error: ${file}: no usable flow (no FORWARDED or AUDIT connection start with TCP, UDP or SCTP ports and valid values; see above); nothing was generated.`);
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

  test('a record with an invalid label value or namespace is reported and skipped; the other 51 flows still become policies', async () => {
    // GIVEN the shop capture with three bad records appended (lines 70-72): a label with a space, a namespace with capitals and "_",
    // and a 64-character label value, each on a pod of its own
    const good = fixtureText('shop.jsonl').trimEnd().split('\n');
    const template = JSON.parse(good[7]);
    const bad = (destination: object) => JSON.stringify({ ...template, flow: { ...template.flow, destination: { ...template.flow.destination, ...destination } } });
    const file = path.join(dir, 'flows.jsonl');
    fs.writeFileSync(file, [...good,
      bad({ labels: ['k8s:app=bad value'], pod_name: 'odd-1', workloads: [{ name: 'odd', kind: 'Deployment' }] }),
      bad({ namespace: 'Prod_NS' }),
      bad({ labels: [`k8s:app=${'a'.repeat(64)}`], pod_name: 'long-1', workloads: [{ name: 'long', kind: 'Deployment' }] }),
    ].join('\n') + '\n');
    // WHEN the command runs
    const result = await cli('from-flows', file, '--out-dir', path.join(dir, 'out'), '--chart-name', 'shop');
    // THEN it succeeds from the 51 good flows, and names each bad record's line, field, value and what is allowed
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ShopChart from 51 flows: 4 namespaces, 7 workload allows, 3 external allows.');
    expect(result.stderr).toContain(`warning: ${file}:70: flow.destination.labels[0] "k8s:app=bad value": label value "bad value" is not valid: use letters, digits,`);
    expect(result.stderr).toContain(`warning: ${file}:71: flow.destination.namespace "Prod_NS": namespace name "Prod_NS" is not a DNS-1123 label`);
    expect(result.stderr).toContain(`warning: ${file}:72: flow.destination.labels[0] "k8s:app=${'a'.repeat(64)}": label value "${'a'.repeat(64)}" is 64 characters long; at most 63 are allowed`);
    expect(result.stderr).toContain(`warning: ${file}: 3 records with values no NetworkPolicy can hold skipped (see the lines above)`);
    expect(fs.readFileSync(path.join(dir, 'out', 'shop.k8s.yaml'), 'utf8')).not.toMatch(/Prod_NS|bad value|odd|long/);
  });

  test('a capture without is_reply: replies never become allows, and records of unknown direction are reported', async () => {
    const result = await cli('from-flows', fixture('no-is-reply.jsonl'), '--out-dir', path.join(dir, 'out'));
    expect(result.code).toBe(0);
    const source = fs.readFileSync(path.join(dir, 'out', 'observed-traffic.ts'), 'utf8');
    // THEN frontend -> api on 8080 and DNS, nothing to an ephemeral port, nothing from the records of unknown direction
    expect(source).toContain("destination: shop.pods(Selector.labels({ app: 'api' })),\n      ports: [Port.tcp(8080)],");
    expect(source).toContain("new IsolatedNamespace(this, 'shop', { namespaceName: 'shop', dns: { dnsPods: DnsAccess.KUBE_DNS_PODS } });");
    expect(source.match(/new AllowConnection\(/g)).toHaveLength(1);
    expect(source).not.toMatch(/44864|44870|45110|41000|51000|47000|7002|allowFrom|allowEgressCidr/);
    expect(result.stderr).toContain('no-is-reply.jsonl:10: cannot tell whether 2 TCP records from shop/worker-7d9c5f6b8-q4t2l to shop/api-6c4d9b8f7-m2wzn');
    expect(result.stderr).toContain('3 records of unknown direction (reply or connection start) skipped, and no allow generated from them');
  });

  test('reads pretty-printed records and a JSON array of records, naming the line of a broken one', async () => {
    // GIVEN the pretty fixture, and the shop capture as a JSON array (jq -s .) next to the same capture one record per line
    const pretty = await cli('from-flows', fixture('pretty.json'));
    fs.mkdirSync(path.join(dir, 'array'));
    fs.mkdirSync(path.join(dir, 'lines'));
    const records = fixtureText('shop.jsonl').trimEnd().split('\n').map(l => JSON.parse(l));
    fs.writeFileSync(path.join(dir, 'array', 'flows.json'), JSON.stringify(records, null, 2));
    fs.writeFileSync(path.join(dir, 'lines', 'flows.json'), fixtureText('shop.jsonl'));
    const array = await cli('from-flows', path.join(dir, 'array', 'flows.json'));
    const lines = await cli('from-flows', path.join(dir, 'lines', 'flows.json'));
    // THEN
    expect(pretty.code).toBe(0);
    expect(pretty.stderr).toContain(`error: ${fixture('pretty.json')}:88: truncated JSON (line 126 ends inside a string); lines 88-126 were skipped.`);
    expect(pretty.stdout).toContain('ports: [Port.tcp(6379)],');
    expect(array.code).toBe(0);
    expect(array.stderr).not.toMatch(/error|truncated/);
    expect(array.stdout).toEqual(lines.stdout);
  });
});
