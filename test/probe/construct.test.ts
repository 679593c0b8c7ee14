import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { Checker, CheckLevel } from '../../lib/checker';
import { analyze } from '../../lib/cluster-of';
import { CniEnforcementProbe } from '../../lib/probe/construct';
import { Cni, Rollout } from '../../lib';
import { chartIn, manifest, policySpec } from '../util';

const ROLE = 'cdk8s-netpol.io/probe-role';

describe('CniEnforcementProbe', () => {
  test('writes the namespace, source, target, control, their Services, the two policies and the Job', () => {
    // GIVEN
    const chart = chartIn();

    // WHEN
    new CniEnforcementProbe(chart, 'probe');

    // THEN
    expect(Testing.synth(chart).map((m: any) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`)).toEqual([
      'Namespace//netpol-probe',
      'Deployment/netpol-probe/probe-source',
      'Deployment/netpol-probe/probe-target',
      'Service/netpol-probe/probe-target',
      'Deployment/netpol-probe/probe-control',
      'Service/netpol-probe/probe-control',
      'NetworkPolicy/netpol-probe/default-deny-ingress',
      'NetworkPolicy/netpol-probe/control-allow-from-source',
      'Job/netpol-probe/probe-check',
    ]);
  });

  test('labels the source busybox, the target and the control nginx distinctly', () => {
    const chart = chartIn();
    new CniEnforcementProbe(chart, 'probe');

    const source = manifest(chart, 'Deployment', 'probe-source');
    expect(source.spec.selector).toEqual({ matchLabels: { [ROLE]: 'source' } });
    expect(source.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'cdk8s-netpol-probe', [ROLE]: 'source' });
    expect(source.spec.template.spec.containers).toEqual([{ name: 'client', image: 'busybox:1.36', command: ['sleep', '2147483647'] }]);

    for (const [name, role] of [['probe-target', 'target'], ['probe-control', 'control']]) {
      const deployment = manifest(chart, 'Deployment', name);
      expect(deployment.spec.template.metadata.labels[ROLE]).toBe(role);
      const [container] = deployment.spec.template.spec.containers;
      expect(container.image).toBe('nginx:1.27-alpine');
      expect(container.ports).toEqual([{ name: 'http', containerPort: 80, protocol: 'TCP' }]);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 80 });
      const service = manifest(chart, 'Service', name);
      expect(service.spec.selector).toEqual({ [ROLE]: role });
      expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }]);
    }
  });

  test('denies all ingress in its namespace with DefaultDeny and allows only source -> control on TCP 80 with AllowFrom', () => {
    const chart = chartIn();
    const probe = new CniEnforcementProbe(chart, 'probe');

    expect(policySpec(chart, 'default-deny-ingress')).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    expect(policySpec(chart, 'control-allow-from-source')).toEqual({
      podSelector: { matchLabels: { [ROLE]: 'control' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { [ROLE]: 'source' } } }], ports: [{ protocol: 'TCP', port: 80 }] }],
    });
    expect(probe.defaultDeny.name).toBe('default-deny-ingress');
    expect(probe.allowControl.name).toBe('control-allow-from-source');
  });

  test('the analysis of its own manifests: source -> target denied, source -> control allowed, on TCP 80', () => {
    const chart = chartIn();
    new CniEnforcementProbe(chart, 'probe');

    const analysis = analyze(chart);
    expect(analysis.allowed('netpol-probe/probe-source', 'netpol-probe/probe-target', 80)).toBe(false);
    expect(analysis.allowed('netpol-probe/probe-source', 'netpol-probe/probe-control', 80)).toBe(true);
    expect(analysis.allowed('netpol-probe/probe-check', 'netpol-probe/probe-target', 80)).toBe(false);
    expect(analysis.allowed('netpol-probe/probe-check', 'netpol-probe/probe-control', 80)).toBe(true);
    expect(analysis.allowed('netpol-probe/probe-target', 'netpol-probe/probe-control', 80)).toBe(false);
  });

  test('runs the check as a one-shot Job whose pod is a source, within a deadline', () => {
    const chart = chartIn();
    const probe = new CniEnforcementProbe(chart, 'probe', { timeoutSeconds: 2, startupGraceSeconds: 30 });

    const job = manifest(chart, 'Job', 'probe-check');
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(30 + 4 * 2 + 60);
    expect(job.spec.template.metadata.labels[ROLE]).toBe('source');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const [container] = job.spec.template.spec.containers;
    expect(container.image).toBe('busybox:1.36');
    expect(container.command).toEqual(['sh', '-c', probe.script]);
    expect(probe.script).toContain('T=2; GRACE=30;');
    expect(probe.script).toContain('wget -q -O /dev/null -T "$T" "$ALLOWED"');
    expect(probe.script).toContain('ALLOWED=http://probe-control.netpol-probe.svc/; BLOCKED=http://probe-target.netpol-probe.svc/');
  });

  test('takes the namespace and images from its props, and writes a cluster-scoped Namespace in a namespaced chart', () => {
    const chart = chartIn('elsewhere');
    const probe = new CniEnforcementProbe(chart, 'probe', {
      namespaceName: 'cni-check',
      clientImage: 'registry.example.com:5000/mirror/busybox:1.36.1',
      serverImage: 'nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    });

    expect(probe.namespaceName).toBe('cni-check');
    expect(manifest(chart, 'Namespace', 'cni-check').metadata.namespace).toBeUndefined();
    expect(manifest(chart, 'NetworkPolicy', 'default-deny-ingress').metadata.namespace).toBe('cni-check');
    expect(manifest(chart, 'Job', 'probe-check').metadata.namespace).toBe('cni-check');
    expect(manifest(chart, 'Deployment', 'probe-source').spec.template.spec.containers[0].image).toBe('registry.example.com:5000/mirror/busybox:1.36.1');
    expect(manifest(chart, 'Deployment', 'probe-target').spec.template.spec.containers[0].image).toMatch(/^nginx@sha256:/);
    expect(probe.script).toContain('http://probe-control.cni-check.svc/');
  });

  test('suppresses NP003 on its namespace with the reason: egress stays open on purpose', () => {
    const chart = chartIn();
    new CniEnforcementProbe(chart, 'probe');
    const annotation = manifest(chart, 'Namespace', 'netpol-probe').metadata.annotations['cdk8s-netpol.io/suppress'];
    expect(JSON.parse(annotation)).toEqual([{ id: 'NP003', reason: expect.stringMatching(/tests ingress enforcement only/) }]);
  });

  test('passes the checker even when warnings fail synthesis (NP003 reported as suppressed)', () => {
    const chart = chartIn();
    Checker.configure(chart, { failOn: CheckLevel.WARNING });
    new CniEnforcementProbe(chart, 'probe');

    expect(() => Testing.synth(chart)).not.toThrow();
    expect(Checker.report(chart)).toMatch(/^warning NP003 .*netpol-probe.*\(suppressed by Namespace netpol-probe: the CNI probe tests ingress enforcement only/m);
  });

  test('the examples of docs/probe.md synthesize as documented', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'probe.md'), 'utf-8');
    expect(doc).toContain("new CniEnforcementProbe(chart, 'cni-probe');");
    expect(doc).toContain("new CniEnforcementProbe(chart, 'cni-probe', { namespaceName: 'cni-check', timeoutSeconds: 2 });");
    const one = chartIn();
    new CniEnforcementProbe(one, 'cni-probe');
    const two = chartIn();
    new CniEnforcementProbe(two, 'cni-probe', { namespaceName: 'cni-check', timeoutSeconds: 2 });
    expect(manifest(one, 'Job', 'probe-check').metadata.namespace).toBe('netpol-probe');
    expect(manifest(two, 'Job', 'probe-check').spec.template.spec.containers[0].command[2]).toContain('T=2;');
  });

  test('throws if the namespace name is not a DNS label', () => {
    expect(() => new CniEnforcementProbe(chartIn(), 'probe', { namespaceName: 'Netpol_Probe' })).toThrow('new CniEnforcementProbe("probe"): namespaceName: namespace name "Netpol_Probe" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "netpol-probe").');
  });

  test('throws if an image is not an image reference', () => {
    expect(() => new CniEnforcementProbe(chartIn(), 'probe', { clientImage: 'BusyBox latest' })).toThrow('new CniEnforcementProbe("probe"): clientImage "BusyBox latest" is not an image reference: write [registry[:port]/]repository[:tag][@digest] with a lowercase repository, e.g. "busybox:1.36" or "registry.example.com/mirror/nginx:1.27".');
    expect(() => new CniEnforcementProbe(chartIn(), 'probe', { serverImage: '' })).toThrow(/serverImage "" is not an image reference/);
  });

  test('throws if a timeout is not a whole number of seconds in range', () => {
    expect(() => new CniEnforcementProbe(chartIn(), 'probe', { timeoutSeconds: 0 })).toThrow('new CniEnforcementProbe("probe"): timeoutSeconds 0 is not a whole number of seconds from 1 to 60. Pass e.g. timeoutSeconds: 3.');
    expect(() => new CniEnforcementProbe(chartIn(), 'probe', { timeoutSeconds: 1.5 })).toThrow(/timeoutSeconds 1.5 is not a whole number/);
    expect(() => new CniEnforcementProbe(chartIn(), 'probe', { startupGraceSeconds: 3601 })).toThrow('new CniEnforcementProbe("probe"): startupGraceSeconds 3601 is not a whole number of seconds from 0 to 3600. Pass e.g. startupGraceSeconds: 3.');
    expect(() => new CniEnforcementProbe(chartIn(), 'probe', { timeoutSeconds: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
  });
});

/**
 * The Job's script, run by /bin/sh with a scripted `wget` (and an instant `sleep`) first on PATH: `probe-control`
 * answers unless CONTROL=down (or, with COUNTER=file, from the third attempt on), `probe-target` answers only when
 * ENFORCED=no (a CNI that ignores the policy).
 */
describe('CniEnforcementProbe check script', () => {
  let bin: string;
  beforeAll(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-script-'));
    fs.writeFileSync(path.join(bin, 'wget'), [
      '#!/bin/sh',
      'for url; do :; done',
      'case "$url" in',
      '  *probe-control*)',
      '    if [ -n "$COUNTER" ]; then echo x >> "$COUNTER"; [ "$(wc -l < "$COUNTER")" -gt 2 ]; exit; fi',
      '    [ "$CONTROL" != down ] ;;',
      '  *probe-target*) [ "$ENFORCED" = no ] ;;',
      '  *) exit 2 ;;',
      'esac',
    ].join('\n'), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

  function runScript(env: { [key: string]: string }, grace = 0): { code: number; output: string } {
    const probe = new CniEnforcementProbe(chartIn(), 'probe', { startupGraceSeconds: grace });
    try {
      const output = execFileSync('/bin/sh', ['-c', probe.script], { env: { PATH: `${bin}:${process.env.PATH}`, ...env }, encoding: 'utf-8' });
      return { code: 0, output };
    } catch (err: any) {
      return { code: err.status, output: String(err.stdout) };
    }
  }

  test('passes when the control connects and the target does not', () => {
    const { code, output } = runScript({ ENFORCED: 'yes' });
    expect(code).toBe(0);
    expect(output).toBe([
      'PASS allowed: source -> probe-control:80 connected (control-allow-from-source)',
      'PASS blocked: source -> probe-target:80 did not connect within 3s (default-deny-ingress enforced)',
      '',
    ].join('\n'));
  });

  test('retries the allowed connection while the targets start', () => {
    const counter = path.join(bin, 'attempts');
    const { code, output } = runScript({ ENFORCED: 'yes', COUNTER: counter }, 60);
    expect(code).toBe(0);
    expect(fs.readFileSync(counter, 'utf-8').split('\n').filter(l => l)).toHaveLength(3);
    expect(output).toMatch(/^PASS allowed/);
  });

  test('fails with "policies created, nothing enforced" when the blocked connection succeeds', () => {
    const { code, output } = runScript({ ENFORCED: 'no' });
    expect(code).toBe(1);
    expect(output).toMatch(/FAIL blocked: source -> probe-target:80 connected although default-deny-ingress denies it: policies created, nothing enforced\./);
  });

  test('fails when the allowed connection never works within the grace period, before judging the blocked one', () => {
    const { code, output } = runScript({ ENFORCED: 'yes', CONTROL: 'down' }, 0);
    expect(code).toBe(1);
    expect(output).toMatch(/^FAIL allowed: source -> probe-control:80 did not connect within 0s/);
    expect(output).not.toMatch(/probe-target/);
  });
});

describe('CniEnforcementProbe under an audit rollout', () => {
  test('stays enforced, since it exists to prove enforcement', () => {
    const chart = chartIn();
    Rollout.audit(chart, { cni: Cni.CALICO });
    new CniEnforcementProbe(chart, 'probe');
    const kinds = Testing.synth(chart).filter((m: any) => m.metadata?.namespace === 'netpol-probe' && /NetworkPolicy/.test(m.kind)).map((m: any) => `${m.apiVersion} ${m.kind}`);
    expect(new Set(kinds)).toEqual(new Set(['networking.k8s.io/v1 NetworkPolicy']));
  });
});
