import { Chart, Testing } from 'cdk8s';
import { AllowConnection, AllowEgressCidr, AllowFrom, AllowTo, DefaultDeny, DnsAccess, ErrorCode, Errors, IsolatedNamespace, NetworkPolicy, Peer, Port, Selector } from '../lib';
import { NetpolError, fail } from '../lib/errors';

describe('NetpolError', () => {
  test('is an Error with a stable code and the name NetpolError', () => {
    // GIVEN
    const error = new NetpolError(ErrorCode.INVALID_CIDR, 'Peer.ipv4(): bad');

    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(NetpolError);
    expect(error.name).toBe('NetpolError');
    expect(error.code).toBe('INVALID_CIDR');
    expect(error.message).toBe('Peer.ipv4(): bad');
  });

  test('every error code is spelled the same as its name, so codes are stable strings', () => {
    // WHEN
    const entries = Object.entries(ErrorCode);

    // THEN
    expect(entries.length).toBeGreaterThan(0);
    for (const [name, value] of entries) expect(value).toBe(name);
  });
});

describe('fail()', () => {
  test('throws a NetpolError whose message starts with the API called', () => {
    // WHEN
    const call = () => fail(ErrorCode.INVALID_PORT, 'Port.tcp()', 'port 0 is not valid.');

    // THEN
    expect(call).toThrow(NetpolError);
    expect(call).toThrow('Port.tcp(): port 0 is not valid.');
    expect(call).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PORT }));
  });
});

describe('Errors', () => {
  test('recognises an error thrown by a factory', () => {
    // GIVEN
    let caught: unknown;

    // WHEN
    try {
      Port.tcp(0);
    } catch (e) {
      caught = e;
    }

    // THEN
    expect(Errors.isNetpolError(caught)).toBe(true);
    expect(Errors.codeOf(caught)).toBe('INVALID_PORT');
  });

  test('does not recognise other errors or values', () => {
    // GIVEN
    const others = [new Error('INVALID_PORT'), { code: 'INVALID_PORT' }, 'INVALID_PORT', undefined, null, 42];

    // THEN
    for (const other of others) {
      expect(Errors.isNetpolError(other)).toBe(false);
      expect(Errors.codeOf(other)).toBeUndefined();
    }
  });
});

describe('untyped callers (plain JavaScript, jsii languages)', () => {
  // TypeScript rejects these at compile time; a caller without types used to get a bare TypeError, or worse, nothing.
  const chart = () => new Chart(Testing.app(), 'c', { namespace: 'p' });
  const untyped = (value: unknown) => value as any;

  test.each<[string, () => unknown, string]>([
    ['Selector.labels(undefined)', () => Selector.labels(untyped(undefined)), 'Selector.labels(): labels is undefined; it must be an object, e.g. { app: "api" }.'],
    ['Selector.expressions(null)', () => Selector.expressions(untyped(null)), 'Selector.expressions(): expressions is null; it must be an array, e.g. [LabelExpression.isIn("tier", ["web"])].'],
    ['Selector.expressions(["tier"])', () => Selector.expressions(untyped(['tier'])), 'Selector.expressions(): expressions[0] is the string "tier"; each element must be like LabelExpression.isIn("tier", ["web"]).'],
    ['Selector.of(undefined)', () => Selector.of(untyped(undefined)), 'Selector.of(): options is undefined; it must be an object, e.g. { labels: { app: "api" } }.'],
    ['Peer.pods(undefined)', () => Peer.pods(untyped(undefined)), 'Peer.pods(): pods is undefined; give a Selector, e.g. Selector.labels({ app: "api" }) or Selector.all().'],
    ['Peer.podsInNamespaces(labels, sel)', () => Peer.podsInNamespaces(untyped({ purpose: 'monitoring' }), Selector.all()), 'Peer.podsInNamespaces(): namespaces is an object of class Object; give a Selector, e.g. Selector.labels({ app: "api" }) or Selector.all().'],
    ['Peer.workload(undefined)', () => Peer.workload(untyped(undefined)), 'Peer.workload(): the workload is undefined; give a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job or Pod (any construct with podMetadata).'],
    ['new AllowFrom without props', () => new AllowFrom(chart(), 'x', untyped(undefined)), 'new AllowFrom("x"): the props is undefined; it must be an object, e.g. { pods: Selector.labels({ app: "api" }), ... }.'],
    ['new AllowFrom with peers null', () => new AllowFrom(chart(), 'x', { pods: Selector.all(), peers: untyped(null), ports: [Port.HTTP] }), 'new AllowFrom("x"): peers is null; it must be an array, e.g. [Peer.pods(Selector.labels({ app: "frontend" }))].'],
    ['new AllowTo with a port number', () => new AllowTo(chart(), 'x', { pods: Selector.all(), peers: [Peer.anyone()], ports: untyped([8080]) }), 'new AllowTo("x"): ports[0] is the number 8080; each element must be like Port.tcp(8080).'],
    ['new AllowEgressCidr without pods', () => new AllowEgressCidr(chart(), 'x', untyped({ cidrs: ['10.0.0.0/8'], ports: [Port.HTTPS] })), 'new AllowEgressCidr("x"): pods is undefined; give a Selector, e.g. Selector.labels({ app: "api" }) or Selector.all().'],
    ['new AllowConnection with a string source', () => new AllowConnection(chart(), 'x', untyped({ source: 'frontend', destination: Peer.anyone(), ports: [Port.HTTP] })), 'new AllowConnection("x"): source is the string "frontend"; give a peer, e.g. Peer.workload(frontend).'],
    ['new IsolatedNamespace without props', () => new IsolatedNamespace(chart(), 'x', untyped(undefined)), 'new IsolatedNamespace("x"): the props is undefined; it must be an object, e.g. { namespaceName: "shop" }.'],
    ['new NetworkPolicy with a rule of null peers', () => new NetworkPolicy(chart(), 'x', { pods: Selector.all(), ingress: [{ peers: untyped(null), ports: [Port.HTTP] }] }), 'new NetworkPolicy("x"): peers is null; it must be an array, e.g. [Peer.pods(Selector.labels({ app: "frontend" }))].'],
    ['new DefaultDeny with null props', () => new DefaultDeny(chart(), 'x', untyped(null)), 'new DefaultDeny("x"): the props is null; it must be an object, e.g. { policyTypes: [PolicyType.INGRESS] }, or nothing.'],
    ['new DnsAccess with null props', () => new DnsAccess(chart(), 'x', untyped(null)), 'new DnsAccess("x"): the props is null; it must be an object, e.g. { dnsPods: DnsAccess.KUBE_DNS_PODS }, or nothing.'],
  ])('%s throws a coded NetpolError naming the call, the value and an example', (_name, call, message) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NetpolError);
    expect((error as NetpolError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((error as NetpolError).message).toBe(message);
  });
});
