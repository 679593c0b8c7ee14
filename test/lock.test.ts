import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowFrom, DefaultDeny, Peer, PolicyType, Port, Selector } from '../lib';
import { Analysis, ConnectionSet, Endpoint, endpointName, formatDiff } from '../lib/analysis';
import { compareLock, formatLock, parseLock, readLockFile } from '../lib/cli/lock';
import { loadPaths } from '../lib/model/load';
import { connectivityLock, lockMatchers, netpolMatchers } from '../lib/testing';
import { cli, PRODUCTION, PRODUCTION_CONNLIST } from './cli/support';

expect.extend(netpolMatchers);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lock-'));
  fs.cpSync(PRODUCTION, path.join(dir, 'dist'), { recursive: true });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const OPEN_FRONTEND_EGRESS = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-egress, namespace: production}
spec:
  podSelector: {matchLabels: {app: frontend}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{protocol: TCP, port: 8080}]
`;

describe('cdk8s-netpol lock', () => {
  test('writes the connection list, sorted, under a header', async () => {
    const lock = path.join(dir, 'netpol.lock');
    const result = await cli('lock', path.join(dir, 'dist'), '--file', lock);
    expect(result.code).toBe(0);
    const text = fs.readFileSync(lock, 'utf-8');
    expect(text.startsWith('# cdk8s-netpol connectivity lock v1\n')).toBe(true);
    expect(text).toContain('# After an intended change, update it with `cdk8s-netpol lock dist/`');
    expect(text.endsWith(`\n${PRODUCTION_CONNLIST}`)).toBe(true);
    expect(text).toContain('workload production/api[Deployment]\nworkload production/frontend[Deployment]\n');
    expect(result.stdout).toBe('');
  });

  test('--check exits 0 when the manifests match the lock', async () => {
    const lock = path.join(dir, 'netpol.lock');
    expect((await cli('lock', path.join(dir, 'dist'), '--file', lock)).code).toBe(0);
    const result = await cli('lock', '--check', path.join(dir, 'dist'), '--file', lock);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('matches the manifests: 4 workloads, 6 connections');
  });

  test('--check ignores comments and line order', async () => {
    const lock = path.join(dir, 'netpol.lock');
    await cli('lock', path.join(dir, 'dist'), '--file', lock);
    const lines = fs.readFileSync(lock, 'utf-8').split('\n').filter(l => l !== '' && !l.startsWith('#')).reverse();
    fs.writeFileSync(lock, `# hand-sorted\n${lines.join('\n')}\n`);
    expect((await cli('lock', '--check', path.join(dir, 'dist'), '--file', lock)).code).toBe(0);
  });

  test('--check exits 1 with the diff and the hint when a policy changed', async () => {
    const lock = path.join(dir, 'netpol.lock');
    await cli('lock', path.join(dir, 'dist'), '--file', lock);
    fs.appendFileSync(path.join(dir, 'dist', 'policies.yaml'), OPEN_FRONTEND_EGRESS);
    const result = await cli('lock', '--check', path.join(dir, 'dist'), '--file', lock);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('connectivity differs from the lock (1 added, 0 changed, 0 removed):\n');
    expect(result.stdout).toContain('diff-type: added, source: production/frontend[Deployment], destination: production/api[Deployment], ref1: No Connections, ref2: TCP 8080\n');
    expect(result.stdout).toContain(`If the change is intended, run \`cdk8s-netpol lock ${path.join(dir, 'dist')} --file ${lock}\` to accept it`);
    expect(result.stderr).toContain(`error: the manifests' connectivity differs from ${lock} (see above).`);
  });

  test('--check names a new workload that has no connection', async () => {
    const lock = path.join(dir, 'netpol.lock');
    await cli('lock', path.join(dir, 'dist'), '--file', lock);
    fs.writeFileSync(lock, fs.readFileSync(lock, 'utf-8').replace('workload production/postgres[Deployment]\n', ''));
    const result = await cli('lock', '--check', path.join(dir, 'dist'), '--file', lock);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('workloads not in the lock: production/postgres[Deployment]\n');
  });

  test('--check exits 2 on a malformed lock, naming the line', async () => {
    const lock = path.join(dir, 'netpol.lock');
    fs.writeFileSync(lock, '# cdk8s-netpol connectivity lock v1\nworkload production/api[Deployment]\nproduction/api[Deployment] -> production/postgres[Deployment] : TCP 5432\n');
    const result = await cli('lock', '--check', path.join(dir, 'dist'), '--file', lock);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: the lock file is malformed: ${lock}:3: "production/api[Deployment] -> production/postgres[Deployment] : TCP 5432" is not a lock line`);
    expect(result.stdout).toBe('');
  });

  test('--check exits 2 on bad ports and on a missing lock file', async () => {
    const lock = path.join(dir, 'netpol.lock');
    fs.writeFileSync(lock, '\n\nproduction/api[Deployment] => production/postgres[Deployment] : TCP 99999\n');
    const bad = await cli('lock', '--check', path.join(dir, 'dist'), '--file', lock);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${lock}:3: "TCP 99999" is not a list of ports`);
    const missing = await cli('lock', '--check', path.join(dir, 'dist'), '--file', path.join(dir, 'nope.lock'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('(it does not exist); create it with `cdk8s-netpol lock');
  });

  test('exits 2 on a missing path and on unmodelled kinds, and writes nothing', async () => {
    const lock = path.join(dir, 'netpol.lock');
    expect((await cli('lock', path.join(dir, 'nowhere'), '--file', lock)).code).toBe(2);
    expect(fs.existsSync(lock)).toBe(false);
    const unmodelled = path.join(__dirname, 'cli', 'fixtures', 'unmodelled-policy.yaml');
    const result = await cli('lock', path.join(dir, 'dist'), unmodelled, '--file', lock);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--ignore-unmodelled');
    expect(fs.existsSync(lock)).toBe(false);
    expect((await cli('lock', path.join(dir, 'dist'), unmodelled, '--file', lock, '--ignore-unmodelled')).code).toBe(0);
  });

  test('is listed in --help', async () => {
    const result = await cli('--help');
    expect(result.stdout).toMatch(/\n {2}lock \[options\] <path\.\.\.>/);
  });
});

/** production: frontend, api and a default deny; only frontend → api 8080 is allowed in. */
function app(port = 8080): Chart {
  const chart = new Chart(Testing.app(), 'prod', { namespace: 'production' });
  const frontend = new kplus.Deployment(chart, 'frontend', { metadata: { name: 'frontend' }, podMetadata: { labels: { app: 'frontend' } }, containers: [{ image: 'f' }] });
  const api = new kplus.Deployment(chart, 'api', { metadata: { name: 'api' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'a', portNumber: port }] });
  new DefaultDeny(chart, 'deny', { policyTypes: [PolicyType.INGRESS] });
  new AllowFrom(chart, 'api-in', { pods: Selector.podsOf(api), peers: [Peer.workload(frontend)], ports: [Port.tcp(port)] });
  return chart;
}

describe('a large lock: written and checked without holding the connection list', () => {
  test('lock writes what formatLock writes, from the connections one at a time, and --check compares them so too', async () => {
    // GIVEN the production manifests, analysed
    const { cluster } = loadPaths([path.join(dir, 'dist')]);
    const analysis = Analysis.of(cluster);
    const expected = formatLock({ connections: analysis.connections(), workloads: analysis.workloads() }, `\`cdk8s-netpol lock ${path.join(dir, 'dist')} --file ${path.join(dir, 'netpol.lock')}\``);
    const counts = `${analysis.workloads().length} workloads, ${analysis.connections().length} connections`;
    const connections = jest.spyOn(Analysis.prototype, 'connections');
    try {
      // WHEN the lock is written, then checked
      const lock = path.join(dir, 'netpol.lock');
      const written = await cli('lock', path.join(dir, 'dist'), '--file', lock);
      const checked = await cli('lock', '--check', path.join(dir, 'dist'), '--file', lock);
      // THEN the file is formatLock's text, it matches, and no analysis listed its connections whole
      expect(written.code).toBe(0);
      expect(fs.readFileSync(lock, 'utf-8')).toBe(expected);
      expect(checked.code).toBe(0);
      expect(written.stderr).toContain(`: ${counts}`);
      expect(checked.stderr).toContain(`matches the manifests: ${counts}`);
      expect(connections).not.toHaveBeenCalled();
    } finally {
      connections.mockRestore();
    }
  });

  test('parseLock gives one endpoint object and one set per distinct text, and compareLock takes an analysis', () => {
    // GIVEN the lock of the production manifests
    const { cluster } = loadPaths([path.join(dir, 'dist')]);
    const analysis = Analysis.of(cluster);
    const text = formatLock({ connections: analysis.connections(), workloads: analysis.workloads() }, 'a test');
    // WHEN parsed
    const locked = parseLock(text);
    // THEN lines that name the same endpoint or ports share its object
    const byName = new Map<string, { objects: Set<object>; lines: number }>();
    for (const c of locked.connections) {
      for (const [name, object] of [[endpointName(c.src), c.src], [endpointName(c.dst), c.dst], [c.conns.toString(), c.conns]] as const) {
        const seen = byName.get(name) ?? { objects: new Set<object>(), lines: 0 };
        seen.objects.add(object);
        seen.lines++;
        byName.set(name, seen);
      }
    }
    expect([...byName.values()].filter(n => n.lines > 1).length).toBeGreaterThan(3);
    expect([...byName.entries()].filter(([, n]) => n.objects.size > 1).map(([name]) => name)).toEqual([]);
    // AND it compares with the analysis itself as with its snapshot: a match, and the same diff for another cluster
    expect(compareLock(locked, analysis).matches).toBe(true);
    const other = Analysis.of({ ...cluster, policies: cluster.policies.slice(1) });
    const viaAnalysis = compareLock(locked, other);
    expect(viaAnalysis.matches).toBe(false);
    expect(formatDiff(viaAnalysis.diff, 'txt')).toBe(formatDiff(compareLock(locked, { connections: other.connections(), workloads: other.workloads() }).diff, 'txt'));
  });
});

describe('a lock file read part by part', () => {
  const lineOf = (c: { src: Endpoint; dst: Endpoint; conns: ConnectionSet }) => `${endpointName(c.src)} ${endpointName(c.dst)} ${c.conns}`;
  const lockOf = () => {
    const { cluster } = loadPaths([path.join(dir, 'dist')]);
    const analysis = Analysis.of(cluster);
    return formatLock({ connections: analysis.connections(), workloads: analysis.workloads() }, 'a test');
  };

  test('gives what parsing the whole text gives, whatever the size of the parts, with LF or CRLF line ends', () => {
    // GIVEN the production manifests' lock, with a comment and blank lines added, as LF and as CRLF files
    const text = `${lockOf()}\n# a comment\n\n`;
    const expected = parseLock(text);
    expect(expected.connections.length).toBeGreaterThan(5);
    for (const [name, content] of [['lf.lock', text], ['crlf.lock', text.replace(/\n/g, '\r\n')]]) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      // WHEN read in parts of 1 byte (a line each), 100 bytes, and the default
      // THEN the same workloads and connections
      for (const partBytes of [1, 100, undefined]) {
        const read = readLockFile(file, partBytes);
        expect(read.workloads).toEqual(expected.workloads);
        expect(read.connections.map(lineOf)).toEqual(expected.connections.map(lineOf));
      }
    }
  });

  test('names the line of a malformed entry in a later part, and a missing file as fs does', () => {
    // GIVEN a lock whose 14th line (over 500 bytes in) is broken
    const lines = lockOf().split('\n');
    expect(lines.slice(0, 13).join('\n').length).toBeGreaterThan(500);
    lines[13] = 'production/web[Deployment] -> production/api[Deployment]';
    const file = path.join(dir, 'broken.lock');
    fs.writeFileSync(file, lines.join('\n'));
    // WHEN read in small parts
    // THEN the error names the file and line 14, as reading it whole does
    const whole = (() => { try { parseLock(lines.join('\n'), file); } catch (e) { return (e as Error).message; } return 'no error'; })();
    expect(whole).toContain(`${file}:14: "production/web[Deployment] -> production/api[Deployment]" is not a lock line`);
    expect(() => readLockFile(file, 64)).toThrow(whole);
    expect(() => readLockFile(path.join(dir, 'missing.lock'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('connectivityLock / toMatchConnectivityLock', () => {
  test('connectivityLock returns the lock text, which parses back', () => {
    const text = connectivityLock(app());
    expect(text).toContain('\nproduction/frontend[Deployment] => production/api[Deployment] : TCP 8080\n');
    expect(parseLock(text).connections.length).toBe(text.split('\n').filter(l => !l.startsWith('#') && l.includes(' => ')).length);
  });

  test('passes against the lock written from the same app (path relative to the cwd)', () => {
    const lock = path.join(dir, 'app.lock');
    fs.writeFileSync(lock, connectivityLock(app()));
    expect(app()).toMatchConnectivityLock(path.relative(process.cwd(), lock));
    expect(lockMatchers.toMatchConnectivityLock(app(), lock).pass).toBe(true);
  });

  test('fails with the diff when the policies changed', () => {
    const lock = path.join(dir, 'app.lock');
    fs.writeFileSync(lock, connectivityLock(app()));
    let message = '';
    try {
      expect(app(9090)).toMatchConnectivityLock(lock);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`expected the app's connectivity to match the lock file ${lock}:\nconnectivity differs from the lock (0 added, 1 changed, 0 removed):\n`);
    expect(message).toContain('diff-type: changed, source: production/frontend[Deployment], destination: production/api[Deployment], ref1: TCP 8080, ref2: TCP 9090\n');
    expect(message).toContain('connectivityLock(app)');
    expect(() => expect(app(9090)).not.toMatchConnectivityLock(lock)).not.toThrow();
  });

  test('fails on a missing file and throws on a malformed one, naming the line', () => {
    expect(lockMatchers.toMatchConnectivityLock(app(), path.join(dir, 'missing.lock')).pass).toBe(false);
    const lock = path.join(dir, 'bad.lock');
    fs.writeFileSync(lock, '# x\nworkload production/api\n');
    expect(() => lockMatchers.toMatchConnectivityLock(app(), lock)).toThrow(`${lock}:2: "workload production/api" does not name a workload`);
  });
});
