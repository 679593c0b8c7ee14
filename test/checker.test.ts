import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowFrom, AllowTo, Checker, CheckLevel, DefaultDeny, DnsAccess, IsolatedNamespace, Peer, PolicyType, Port, Selector } from '../lib';
import { ONE_SIDED_CONNECTION } from '../lib/rules';

function chart(): Chart {
  const c = new Chart(Testing.app(), 'app', { namespace: 'production' });
  new kplus.Deployment(c, 'api', { metadata: { name: 'api' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'api' }] });
  return c;
}

describe('the checker at synth', () => {
  test('is on by default: a default deny without DNS fails synthesis, reported at the construct with rule id and fix', () => {
    // GIVEN the environment says nothing (the test setup turns the checker off for rendering tests)
    const saved = process.env.CDK8S_NETPOL_CHECK;
    delete process.env.CDK8S_NETPOL_CHECK;
    try {
      const c = chart();
      new DefaultDeny(c, 'deny');
      // THEN cdk8s prints the error behind the path of the construct that wrote the policy
      expect(() => Testing.synth(c)).toThrow(/\n {2}\[app\/deny\] \[NP004\] production\/default-deny-all isolates egress of production\/api .*no egress rule allows DNS .*\. Fix: Add an egress rule .* Or accept it: suppress\('NP004', '<why>'\)/);
      expect(() => Testing.synth(c)).not.toThrow(/\[\]/);
    } finally {
      process.env.CDK8S_NETPOL_CHECK = saved;
    }
  });

  test('reports a finding about a namespace that only a chart names at a construct of that namespace, never at the root', () => {
    // GIVEN a chart whose namespace has no Namespace object, and an egress-only default deny (ingress open: NP002)
    const c = chart();
    new DefaultDeny(c, 'deny', { policyTypes: [PolicyType.EGRESS] });
    new DnsAccess(c, 'dns');
    Checker.configure(c, { failOn: CheckLevel.WARNING, reportOn: CheckLevel.OFF });
    // THEN the namespace's finding is printed behind the first construct that defines something in it
    expect(() => Testing.synth(c)).toThrow(/\n {2}\[app\/deny\] \[NP002\] namespace production has no default deny for ingress/);
  });

  test('passes once DNS is allowed', () => {
    const c = chart();
    Checker.configure(c, { failOn: CheckLevel.ERROR });
    new DefaultDeny(c, 'deny');
    new DnsAccess(c, 'dns');
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('sees constructs added after a failed synthesis in the same tick', () => {
    const c = chart();
    Checker.configure(c, { failOn: CheckLevel.ERROR });
    new DefaultDeny(c, 'deny');
    expect(() => Testing.synth(c)).toThrow(/NP004/);
    new DnsAccess(c, 'dns');
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('honours a reasoned suppression, and still reports the finding', () => {
    const c = chart();
    Checker.configure(c, { failOn: CheckLevel.ERROR });
    const ns = new IsolatedNamespace(c, 'batch', { namespaceName: 'batch', allowDns: false });
    ns.suppress('NP004', 'batch jobs only talk to IP addresses, never to names');
    expect(() => Testing.synth(c)).not.toThrow();
    expect(Checker.report(c)).toMatch(/^error NP004 NetworkPolicy batch\/default-deny-all: .*\(suppressed by Namespace batch: batch jobs only talk to IP addresses, never to names\)$/m);
  });

  test('fails on warnings when configured so', () => {
    const c = chart();
    new IsolatedNamespace(c, 'production', { namespaceName: 'production' });
    new AllowFrom(c, 'from-anywhere', { pods: Selector.labels({ app: 'api' }), peers: [Peer.anyIpv4()], ports: [Port.HTTPS] });
    Checker.configure(c, { failOn: CheckLevel.ERROR });
    expect(() => Testing.synth(c)).not.toThrow();
    Checker.configure(c, { failOn: CheckLevel.WARNING });
    expect(() => Testing.synth(c)).toThrow(/\[NP007\] .*0\.0\.0\.0\/0/);
  });

  test('skips the rules it is told to skip', () => {
    const c = chart();
    new DefaultDeny(c, 'deny');
    Checker.configure(c, { failOn: CheckLevel.ERROR, skipRules: ['NP004'] });
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('does nothing when off', () => {
    const c = chart();
    new DefaultDeny(c, 'deny');
    Checker.configure(c, { failOn: CheckLevel.OFF });
    expect(() => Testing.synth(c)).not.toThrow();
  });
});

describe('warnings at synth', () => {
  /** A namespace with a one-sided connection (NP009, a warning): ingress to api from frontend, no egress at frontend. */
  function oneSided(): Chart {
    const c = chart();
    new kplus.Deployment(c, 'frontend', { metadata: { name: 'frontend' }, podMetadata: { labels: { app: 'frontend' } }, containers: [{ image: 'frontend' }] });
    new IsolatedNamespace(c, 'production', { namespaceName: 'production' });
    new AllowFrom(c, 'api-in', { pods: Selector.labels({ app: 'api' }), peers: [Peer.pods(Selector.labels({ app: 'frontend' }))], ports: [Port.tcp(8080)] });
    return c;
  }

  function stderrOf(action: () => void): string {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { written.push(String(chunk)); return true; });
    try {
      action();
    } finally {
      spy.mockRestore();
    }
    return written.join('');
  }

  test('are printed on stderr by default, with rule id, construct path and fix, and do not fail synthesis', () => {
    const c = oneSided();
    Checker.configure(c, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.WARNING });
    const err = stderrOf(() => expect(() => Testing.synth(c)).not.toThrow());
    expect(err).toMatch(/^cdk8s-netpol: 1 warning from the checker/);
    expect(err).toContain('  warning [NP009] production/api-allow-from-frontend ingress[0] allows production/frontend → production/api on TCP 8080');
    expect(err).toContain('\n    at app/api-in\n');
    expect(err).toContain(`    Fix: ${ONE_SIDED_CONNECTION.fix}`);
    expect(err).toContain('CDK8S_NETPOL_REPORT=off');
  });

  test('name each of the mistakes that used to synthesize silently: a missing half, a selector that matches nothing, any address', () => {
    const c = oneSided();
    new AllowFrom(c, 'typo', { name: 'typo', pods: Selector.labels({ app: 'API' }), peers: [Peer.pods(Selector.labels({ app: 'frontend' }))], ports: [Port.tcp(8080)] });
    new AllowTo(c, 'anywhere', { pods: Selector.labels({ app: 'api' }), peers: [Peer.anyIpv4()], ports: [Port.allTraffic()] });
    Checker.configure(c, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.WARNING });
    const err = stderrOf(() => Testing.synth(c));
    expect(err).toMatch(/warning \[NP009\] .*\n {4}at app\/api-in\n/);
    expect(err).toMatch(/warning \[NP010\] .*\n {4}at app\/typo\n {4}Fix: Correct the selector/);
    expect(err).toMatch(/warning \[NP007\] .*\n {4}at app\/anywhere\n {4}Fix: List the CIDRs/);
  });

  test('are printed once per synthesis, although cdk8s validates once per chart', () => {
    const c = oneSided();
    new Chart(c.node.root, 'second');
    Checker.configure(c, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.WARNING });
    const err = stderrOf(() => (c.node.root as any).synth());
    expect(err.match(/\[NP009\]/g)).toHaveLength(1);
  });

  test('are quiet with reportOn OFF, and with CDK8S_NETPOL_REPORT=off', () => {
    const c = oneSided();
    Checker.configure(c, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.OFF });
    expect(stderrOf(() => Testing.synth(c))).toBe('');
    const saved = process.env.CDK8S_NETPOL_REPORT;
    process.env.CDK8S_NETPOL_REPORT = 'off';
    try {
      const d = oneSided();
      Checker.configure(d, { failOn: CheckLevel.ERROR });
      expect(stderrOf(() => Testing.synth(d))).toBe('');
      process.env.CDK8S_NETPOL_REPORT = 'warning';
      const e = oneSided();
      Checker.configure(e, { failOn: CheckLevel.ERROR });
      expect(stderrOf(() => Testing.synth(e))).toContain('[NP009]');
    } finally {
      process.env.CDK8S_NETPOL_REPORT = saved;
    }
  });

  test('fail synthesis instead of being printed when failOn is WARNING', () => {
    const c = oneSided();
    Checker.configure(c, { failOn: CheckLevel.WARNING, reportOn: CheckLevel.WARNING });
    const err = stderrOf(() => expect(() => Testing.synth(c)).toThrow(/\[app\/api-in\] \[NP009\]/));
    expect(err).toBe('');
  });

  test('are not printed when suppressed', () => {
    const c = oneSided();
    (c.node.findChild('api-in') as AllowFrom).suppress('NP009', 'frontend egress is opened by the platform team');
    Checker.configure(c, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.WARNING });
    expect(stderrOf(() => Testing.synth(c))).toBe('');
  });

  test('include infos only when reportOn is INFO', () => {
    const c = oneSided();
    new AllowTo(c, 'frontend-out', { pods: Selector.labels({ app: 'frontend' }), peers: [Peer.pods(Selector.labels({ app: 'api' }))], ports: [Port.tcp(8080)] });
    new AllowTo(c, 'frontend-out-again', { name: 'frontend-out-again', pods: Selector.labels({ app: 'frontend' }), peers: [Peer.pods(Selector.labels({ app: 'api' }))], ports: [Port.tcp(8080)] });
    Checker.configure(c, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.WARNING });
    expect(stderrOf(() => Testing.synth(c))).toBe('');
    Checker.configure(c, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.INFO });
    expect(stderrOf(() => Testing.synth(c))).toMatch(/info \[NP014\]/);
  });
});
