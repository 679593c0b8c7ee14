import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowFrom, Checker, CheckLevel, DefaultDeny, DnsAccess, IsolatedNamespace, Peer, Port, Selector } from '../lib';

function chart(): Chart {
  const c = new Chart(Testing.app(), 'app', { namespace: 'production' });
  new kplus.Deployment(c, 'api', { metadata: { name: 'api' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'api' }] });
  return c;
}

describe('the checker at synth', () => {
  test('is on by default: a default deny without DNS fails synthesis with the rule id and construct path', () => {
    // GIVEN the environment says nothing (the test setup turns the checker off for rendering tests)
    const saved = process.env.CDK8S_NETPOL_CHECK;
    delete process.env.CDK8S_NETPOL_CHECK;
    try {
      const c = chart();
      new DefaultDeny(c, 'deny');
      // THEN
      expect(() => Testing.synth(c)).toThrow(/\[NP004\] production\/default-deny-all isolates egress of production\/api .*no egress rule allows DNS .*\(at app\/deny\)\. Fix it, or accept it with a reason: suppress\('NP004', '<why>'\)/);
    } finally {
      process.env.CDK8S_NETPOL_CHECK = saved;
    }
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
