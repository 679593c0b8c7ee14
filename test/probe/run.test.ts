import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { CniEnforcementProbe } from '../../lib/probe/construct';
import { loadPaths } from '../../lib/model/load';
import { planProbe, ProbePlan, ProbeVerdict } from '../../lib/probe/plan';
import { clientCommand, Exec, ExecResult, formatReport, podIpArgs, ProbeAbort, ProbeClient, runProbe } from '../../lib/probe/run';
import { chartIn } from '../util';
import { cli, fixture, KUBECTL, PRODUCTION, probeWithStandIn } from './support';

const IPS: { [selector: string]: string } = { 'app=frontend': '10.0.0.10', 'app=api': '10.0.0.11', 'app=postgres': '10.0.0.12', 'k8s-app=kube-dns': '10.0.0.53' };

/** An in-memory kubectl: pod IPs from IPS, `exec` answered by `connect(source, ip, port)`. */
function scriptedExec(connect: (source: string, ip: string, port: string) => ExecResult | boolean): Exec & { calls: string[][] } {
  const calls: string[][] = [];
  const exec = async (_command: string, args: string[]): Promise<ExecResult> => {
    calls.push(args);
    if (args.includes('get')) return { code: 0, stdout: IPS[args[args.indexOf('-l') + 1]] ?? '', stderr: '' };
    const remote = args.slice(args.indexOf('--') + 1);
    const answer = connect(`${args[3]}/${args[5]}`, remote[remote.length - 2], remote[remote.length - 1]);
    if (typeof answer !== 'boolean') return answer;
    return answer ? { code: 0, stdout: '', stderr: '' } : { code: 1, stdout: '', stderr: 'nc: timed out\ncommand terminated with exit code 1\n' };
  };
  return Object.assign(exec, { calls });
}

function productionPlan(): ProbePlan {
  return planProbe(loadPaths([PRODUCTION]).cluster);
}

describe('runProbe', () => {
  test('finds each target pod once, then runs nc with the timeout in the source pod, with the context on every call', async () => {
    const exec = scriptedExec(() => true);
    await runProbe(productionPlan(), { context: 'ctx', exec, timeoutSeconds: 3 });

    expect(exec.calls.filter(c => c.includes('get'))).toHaveLength(4);
    expect(exec.calls.every(c => c[0] === '--context' && c[1] === 'ctx')).toBe(true);
    expect(exec.calls).toContainEqual(['--context', 'ctx', '-n', 'production', 'get', 'pods', '-l', 'app=postgres',
      '--field-selector=status.phase=Running', '-o', 'jsonpath={.items[*].status.podIP}']);
    expect(exec.calls).toContainEqual(['--context', 'ctx', '-n', 'production', 'exec', 'deployment/api', '--', 'nc', '-z', '-w', '3', '10.0.0.12', '5432']);
  });

  test('reads exit 0 as connected and "command terminated with exit code 1" as not connected', async () => {
    const exec = scriptedExec((source, _ip, port) => source === 'production/deployment/api' && port === '5432');
    const report = await runProbe(productionPlan(), { context: 'ctx', exec });

    const api = report.observations.filter(o => o.probe.source.name === 'api');
    expect(api.map(o => `${o.probe.target.name}:${o.probe.port} ${o.observed}`)).toEqual(['coredns:53 deny', 'frontend:80 deny', 'postgres:5432 allow']);
    expect(report.differences.map(o => `${o.probe.source.name}->${o.probe.target.name}:${o.probe.port}`)).toEqual(['api->coredns:53', 'frontend->coredns:53', 'postgres->coredns:53']);
    expect(report.differences[0].detail).toBe('nc: timed out');
    expect(report.errors).toEqual([]);
  });

  test('leaves a connection unprobed when the client is missing from the image, the source is gone, or the target has no running pod', async () => {
    const exec = scriptedExec((source, ip) => {
      if (source === 'production/deployment/frontend') return { code: 126, stdout: '', stderr: 'OCI runtime exec failed: exec: "nc": executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n' };
      if (source === 'production/deployment/postgres') return { code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "postgres" not found\n' };
      return ip === '10.0.0.53' || (source === 'production/deployment/api' && ip === '10.0.0.12');
    });
    delete IPS['app=frontend'];
    try {
      const report = await runProbe(productionPlan(), { context: 'ctx', exec });
      const errors = report.errors.map(o => `${o.probe.source.name}->${o.probe.target.name}: ${o.error}`);
      expect(errors).toContain('frontend->coredns: source production/frontend: the client "nc" is not in its container (exit 126); choose another with --client (nc, wget, bash) or add a debug container');
      expect(errors).toContain('postgres->coredns: source production/postgres: not found in the cluster (Error from server (NotFound): deployments.apps "postgres" not found); deploy the app, or check the namespace and name');
      expect(errors).toContain('api->frontend: target production/frontend has no running pod with an IP (looked up with kubectl get pods -l app=frontend --field-selector=status.phase=Running -o jsonpath={.items[*].status.podIP}); deploy the app first');
      expect(report.differences).toEqual([]);
    } finally {
      IPS['app=frontend'] = '10.0.0.10';
    }
  });

  test('reports kubectl exec that does not return in time as not probed', async () => {
    const exec = scriptedExec(() => ({ code: 124, stdout: '', stderr: 'stopped after 32s' }));
    const report = await runProbe(productionPlan(), { context: 'ctx', exec });
    expect(report.errors[0].error).toBe('source production/api: kubectl exec did not return in time (stopped after 32s)');
  });

  test('stops at the first call when the context does not exist, the cluster is unreachable, or kubectl is missing', async () => {
    const failing = (stderr: string, code = 1): Exec => async () => ({ code, stdout: '', stderr });
    await expect(runProbe(productionPlan(), { context: 'nope', exec: failing('error: context "nope" does not exist\n') }))
      .rejects.toThrow('kubectl has no context "nope" (error: context "nope" does not exist). List the contexts with "kubectl config get-contexts" and pass one with --context.');
    await expect(runProbe(productionPlan(), { context: 'ctx', exec: failing('Unable to connect to the server: dial tcp 10.1.1.1:443: i/o timeout\n') }))
      .rejects.toThrow(/^the cluster of context "ctx" is unreachable \(Unable to connect to the server: dial tcp 10.1.1.1:443: i\/o timeout\)/);
    await expect(runProbe(productionPlan(), { context: 'ctx', kubectl: '/no/kubectl', exec: failing('spawn /no/kubectl ENOENT: no such program', 127) }))
      .rejects.toThrow(new ProbeAbort('cannot run kubectl "/no/kubectl": no such program. Install kubectl, or pass its path with --kubectl.'));
  });

  test('formats expected against observed per connection', async () => {
    const report = await runProbe(productionPlan(), { context: 'ctx', exec: scriptedExec(() => true) });
    const text = formatReport(report);
    expect(text.split('\n')[0]).toMatch(/^SOURCE +TARGET +ADDRESS +PORT +EXPECTED +OBSERVED +RESULT$/);
    expect(text).toMatch(/^production\/frontend +production\/api +10\.0\.0\.11 +TCP 8080 +deny +allow +DIFFERENT$/m);
    expect(text).toMatch(/^production\/api +production\/postgres +10\.0\.0\.12 +TCP 5432 +allow +allow +ok$/m);
    expect(text).toContain('9 of 9 connections probed in context "ctx": 4 as the policies say, 5 different, 0 not probed.');
    expect(text).toContain('  production/frontend -> production/api (10.0.0.11) TCP 8080: expected deny (denied by egress at source (default-deny-all, allow-dns)), connected\n');
    expect(text).toContain('Not one denied connection was blocked: policies created, nothing enforced.');
  });
});

describe('probe clients and lookups', () => {
  test('builds the short-timeout client commands', () => {
    expect(clientCommand(ProbeClient.NC, '10.0.0.1', 8080, 2)).toEqual(['nc', '-z', '-w', '2', '10.0.0.1', '8080']);
    expect(clientCommand(ProbeClient.WGET, '10.0.0.1', 80, 2)).toEqual(['wget', '-q', '-O', '/dev/null', '-T', '2', 'http://10.0.0.1:80/']);
    expect(clientCommand(ProbeClient.WGET, 'fd00::1', 80, 2)[6]).toBe('http://[fd00::1]:80/');
    expect(clientCommand(ProbeClient.BASH, '10.0.0.1', 5432, 3)).toEqual(['timeout', '3', 'bash', '-c', '</dev/tcp/10.0.0.1/5432']);
  });

  test('looks a bare Pod up by name and a workload by its pod labels', () => {
    expect(podIpArgs('c', { namespaceName: 'ns', name: 'debug', kind: 'Pod', podLabels: { run: 'debug' } })).toEqual(['--context', 'c', '-n', 'ns', 'get', 'pod', 'debug', '-o', 'jsonpath={.status.podIP}']);
    expect(podIpArgs('c', { namespaceName: 'ns', name: 'api', kind: 'StatefulSet', podLabels: { tier: 'b', app: 'a' } }).slice(4, 7)).toEqual(['get', 'pods', '-l']);
    expect(podIpArgs('c', { namespaceName: 'ns', name: 'api', kind: 'StatefulSet', podLabels: { tier: 'b', app: 'a' } })[7]).toBe('app=a,tier=b');
  });
});

describe('cdk8s-netpol probe, against the scripted kubectl stand-in', () => {
  beforeAll(() => fs.chmodSync(KUBECTL, 0o755));

  test('exits 0 when every connection behaves as the policies say (an enforcing CNI)', async () => {
    const { code, stdout, stderr, calls } = await probeWithStandIn('production-enforced.json', [PRODUCTION, '--context', 'kind-probe']);

    expect(code).toBe(0);
    expect(stdout).toContain('9 of 9 connections probed in context "kind-probe": 9 as the policies say, 0 different, 0 not probed.');
    expect(stdout).toMatch(/^production\/frontend +production\/api +10\.244\.1\.11 +TCP 8080 +deny +deny +ok$/m);
    expect(stdout).not.toMatch(/DIFFERENT|NOT PROBED/);
    expect(stderr).toBe('note: 1 workload left out as source or target; add --verbose to list them\n');
    expect(calls).toHaveLength(4 + 9);
    expect(calls).toContainEqual(['--context', 'kind-probe', '-n', 'production', 'exec', 'deployment/frontend', '--', 'nc', '-z', '-w', '2', '10.244.1.11', '8080']);
  });

  test('exits 1 and names the differing connections when nothing is enforced', async () => {
    const { code, stdout, stderr } = await probeWithStandIn('production-open.json', [PRODUCTION, '--context', 'kind-probe']);

    expect(code).toBe(1);
    expect(stdout).toContain('9 of 9 connections probed in context "kind-probe": 4 as the policies say, 5 different, 0 not probed.');
    expect(stdout).toContain('Differences (expected -> observed):\n'
      + '  production/api -> production/frontend (10.244.1.10) TCP 80: expected deny (denied by egress at source (default-deny-all, allow-dns, api-egress) and ingress at target (default-deny-all)), connected\n'
      + '  production/frontend -> production/api (10.244.1.11) TCP 8080: expected deny (denied by egress at source (default-deny-all, allow-dns)), connected\n'
      + '  production/frontend -> production/postgres (10.244.2.12) TCP 5432: expected deny (denied by egress at source (default-deny-all, allow-dns) and ingress at target (default-deny-all, db-ingress)), connected\n'
      + '  production/postgres -> production/api (10.244.1.11) TCP 8080: expected deny (denied by egress at source (default-deny-all, allow-dns) and ingress at target (default-deny-all, api-ingress)), connected\n'
      + '  production/postgres -> production/frontend (10.244.1.10) TCP 80: expected deny (denied by egress at source (default-deny-all, allow-dns) and ingress at target (default-deny-all)), connected\n');
    expect(stdout).toContain('policies created, nothing enforced');
    expect(stderr).toContain('error: 5 of 9 connections differ from the policies (see above).\n');
  });

  test('exits 2 with a clear message when the context does not exist, after one kubectl call', async () => {
    const { code, stdout, stderr, calls } = await probeWithStandIn('production-enforced.json', [PRODUCTION, '--context', 'kind-missing']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('error: kubectl has no context "kind-missing" (error: context "kind-missing" does not exist). List the contexts with "kubectl config get-contexts" and pass one with --context.\n');
    expect(calls).toHaveLength(1);
  });

  test('exits 2 when the API server does not answer', async () => {
    const { code, stdout, stderr } = await probeWithStandIn('unreachable.json', [PRODUCTION, '--context', 'kind-probe']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('error: the cluster of context "kind-probe" is unreachable (The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?). Check the API server and your credentials with "kubectl --context kind-probe get nodes"; nothing was probed.\n');
  });

  test('exits 2 when kubectl cannot be run', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir', 'kubectl');
    const { code, stderr } = await cli(['probe', PRODUCTION, '--context', 'kind-probe', '--kubectl', missing]);
    expect(code).toBe(2);
    expect(stderr).toContain(`error: cannot run kubectl "${missing}": no such program. Install kubectl, or pass its path with --kubectl.\n`);
  });

  test('exits 2 and lists what could not be probed when the app is half deployed (and nothing differs)', async () => {
    const { code, stdout, stderr } = await probeWithStandIn('production-partial.json', [PRODUCTION, '--context', 'kind-probe']);

    expect(code).toBe(2);
    expect(stdout).toContain('Not probed:\n');
    expect(stdout).toContain('  production/frontend -> production/api TCP 8080: source production/frontend: the client "nc" is not in its container (exit 126); choose another with --client (nc, wget, bash) or add a debug container\n');
    expect(stdout).toMatch(/production\/api -> production\/postgres TCP 5432: target production\/postgres has no running pod with an IP/);
    expect(stdout).toContain('  production/postgres -> production/api TCP 8080: source production/postgres: its pod is not running (error: unable to upgrade connection: container not found ("postgres"))\n');
    expect(stderr).toMatch(/error: \d+ of 9 connections could not be probed \(see above\); the rest behaved as the policies say\.\n/);
  });

  test('probes CniEnforcementProbe\'s own synthesized manifests', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-synth-'));
    try {
      const chart = chartIn();
      new CniEnforcementProbe(chart, 'probe');
      fs.writeFileSync(path.join(dir, 'probe.k8s.yaml'), Testing.synth(chart).map(m => YAML.stringify(m)).join('---\n'));

      const { code, stdout } = await probeWithStandIn('netpol-probe-enforced.json', [dir, '--context', 'kind-probe']);

      expect(stdout).toMatch(/^netpol-probe\/probe-source +netpol-probe\/probe-target +10\.244\.2\.21 +TCP 80 +deny +deny +ok$/m);
      expect(stdout).toMatch(/^netpol-probe\/probe-source +netpol-probe\/probe-control +10\.244\.1\.22 +TCP 80 +allow +allow +ok$/m);
      expect(code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--dry-run prints the plan and the kubectl commands and runs nothing', async () => {
    const { code, stdout, calls } = await probeWithStandIn('production-enforced.json', [PRODUCTION, '--context', 'kind-probe', '--dry-run', '--client', 'wget', '--timeout', '5']);
    expect(code).toBe(0);
    expect(calls).toEqual([]);
    expect(stdout).toMatch(/^production\/frontend +production\/api +TCP 8080 +deny +denied by egress at source \(default-deny-all, allow-dns\)$/m);
    expect(stdout).toContain(`  ${KUBECTL} --context kind-probe -n production exec deployment/frontend -- wget -q -O /dev/null -T 5 'http://<ip of production/api>:8080/'\n`);
  });

  test('--max-pairs bounds the plan and says how many pairs were left out', async () => {
    const { code, stdout, stderr } = await probeWithStandIn('production-enforced.json', [PRODUCTION, '--context', 'kind-probe', '--max-pairs', '2']);
    expect(code).toBe(0);
    expect(stdout).toContain('2 of 2 connections probed');
    expect(stderr).toContain('note: 7 of 9 workload pairs not probed (--max-pairs 2); pairs a policy decides come first\n');
  });

  test('rejects bad options with exit 2 before running kubectl', async () => {
    for (const args of [['--max-pairs', '0'], ['--timeout', '61'], ['--client', 'curl'], []]) {
      const context = args.length === 0 ? [] : ['--context', 'kind-probe'];
      const { code, stderr, calls } = await probeWithStandIn('production-enforced.json', [PRODUCTION, ...context, ...args]);
      expect(code).toBe(2);
      expect(calls).toEqual([]);
      expect(stderr).toMatch(args.length === 0 ? /required option '--context <context>' not specified/
        : args[0] === '--client' ? /Use one of nc, wget, bash, e.g. --client nc\./ : new RegExp(`${args[0]} "${args[1]}" is not a whole number`));
    }
  });

  test('exits 2 when there is nothing to probe', async () => {
    const { code, stderr } = await cli(['probe', path.join(__dirname, '..', 'fixtures', 'guide'), '--context', 'kind-probe', '--kubectl', KUBECTL]);
    expect(code).toBe(2);
    expect(stderr).toContain('error: nothing to probe: the manifests hold no pair of workloads where the target declares a TCP container port');
  });
});

// Keep the verdict enum in the public vocabulary of the tests.
test('verdicts are the words the table prints', () => {
  expect([ProbeVerdict.ALLOW, ProbeVerdict.DENY]).toEqual(['allow', 'deny']);
  expect(fixture('kubectl')).toBe(KUBECTL);
});
