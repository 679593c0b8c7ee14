import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ErrorCode, IPeer, LabelExpression, LabelOperator, Peer, Selector } from '../lib';
import { ipBlock } from '../lib/peer';
import { checkPeer } from '../lib/model/validation';

/** Asserts that `fn` throws a NetpolError with this code and a message matching `message`. */
function expectError(fn: () => unknown, code: ErrorCode, message: string | RegExp): void {
  expect(fn).toThrow(message);
  expect(fn).toThrow(expect.objectContaining({ code }));
}

const NS_LABEL = 'kubernetes.io/metadata.name';

function deploymentIn(chart: Chart, id: string, labels?: { [key: string]: string }): kplus.Deployment {
  return new kplus.Deployment(chart, id, { podMetadata: labels ? { labels } : undefined, containers: [{ image: 'x' }] });
}

describe('Peer.pods()', () => {
  test('renders podSelector only, in any policy namespace', () => {
    // GIVEN
    const peer = Peer.pods(Selector.labels({ app: 'frontend' }));

    // THEN
    expect(peer.toPeerModel()).toEqual({ podSelector: { matchLabels: { app: 'frontend' } } });
    expect(peer.toPeerModel('production')).toEqual({ podSelector: { matchLabels: { app: 'frontend' } } });
  });

  test('names, prints and stands for pods of the policy namespace', () => {
    // GIVEN
    const selector = Selector.labels({ app: 'frontend' });
    const peer = Peer.pods(selector);

    // THEN
    expect(peer.nameHint).toBe('frontend');
    expect(peer.toString()).toBe('pods app=frontend');
    expect(peer.toPodSet()).toEqual({ namespaceName: undefined, pods: selector });
  });

  test('takes the empty selector for every pod of the namespace', () => {
    // THEN
    expect(Peer.pods(Selector.all()).toPeerModel()).toEqual({ podSelector: {} });
    expect(Peer.pods(Selector.all()).nameHint).toBe('all');
  });
});

describe('Peer.podsInNamespace()', () => {
  test('renders one entry with the namespace selected by name AND the pods', () => {
    // GIVEN
    const peer = Peer.podsInNamespace('monitoring', Selector.labels({ app: 'prometheus' }));

    // WHEN
    const model = peer.toPeerModel('production');

    // THEN
    expect(model).toEqual({
      namespaceSelector: { matchLabels: { [NS_LABEL]: 'monitoring' } },
      podSelector: { matchLabels: { app: 'prometheus' } },
    });
    expect(checkPeer(model!, 'from[0]')).toEqual([]);
  });

  test('renders the namespace too in a policy of the unnamed namespace', () => {
    // THEN
    expect(Peer.podsInNamespace('monitoring', Selector.labels({ app: 'prometheus' })).toPeerModel()).toEqual({
      namespaceSelector: { matchLabels: { [NS_LABEL]: 'monitoring' } },
      podSelector: { matchLabels: { app: 'prometheus' } },
    });
  });

  test('renders podSelector only in a policy of the same namespace', () => {
    // THEN
    expect(Peer.podsInNamespace('monitoring', Selector.labels({ app: 'prometheus' })).toPeerModel('monitoring')).toEqual({
      podSelector: { matchLabels: { app: 'prometheus' } },
    });
  });

  test('names, prints and stands for pods of that namespace', () => {
    // GIVEN
    const selector = Selector.labels({ app: 'prometheus' });
    const peer = Peer.podsInNamespace('monitoring', selector);

    // THEN
    expect(peer.nameHint).toBe('monitoring-prometheus');
    expect(peer.toString()).toBe('pods app=prometheus in namespace monitoring');
    expect(peer.toPodSet()).toEqual({ namespaceName: 'monitoring', pods: selector });
  });

  test('does not repeat the namespace in the name hint when the pods are named like it', () => {
    // THEN
    expect(Peer.podsInNamespace('monitoring', Selector.labels({ app: 'monitoring' })).nameHint).toBe('monitoring');
  });

  test('throws if the namespace name is not a DNS label', () => {
    // THEN
    expectError(() => Peer.podsInNamespace('Monitoring', Selector.all()), ErrorCode.INVALID_NAME,
      'Peer.podsInNamespace(): namespace name "Monitoring" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "monitoring").');
    expectError(() => Peer.podsInNamespace('', Selector.all()), ErrorCode.INVALID_NAME,
      'Peer.podsInNamespace(): namespace name "" is empty; it must be a DNS-1123 label such as "production".');
  });
});

describe('Peer.podsInNamespaces()', () => {
  test('renders one entry with both selectors', () => {
    // GIVEN
    const peer = Peer.podsInNamespaces(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }));

    // THEN
    expect(peer.toPeerModel('production')).toEqual({
      namespaceSelector: { matchLabels: { purpose: 'monitoring' } },
      podSelector: { matchLabels: { app: 'prometheus' } },
    });
    expect(peer.nameHint).toBe('monitoring-prometheus');
    expect(peer.toString()).toBe('pods app=prometheus in namespaces purpose=monitoring');
    expect(peer.toPodSet()).toBeUndefined();
  });

  test('renders both selectors even when the namespaces are all namespaces', () => {
    // GIVEN
    const peer = Peer.podsInNamespaces(Selector.all(), Selector.expressions([LabelExpression.exists('app')]));

    // THEN
    expect(peer.toPeerModel()).toEqual({ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app', op: LabelOperator.EXISTS }] } });
    expect(peer.toString()).toBe('pods app in all namespaces');
    expect(peer.nameHint).toBe('all-app');
  });
});

describe('Peer.namespaceNamed()', () => {
  test('renders a namespaceSelector on the metadata.name label', () => {
    // GIVEN
    const peer = Peer.namespaceNamed('kube-system');

    // THEN
    expect(peer.toPeerModel('production')).toEqual({ namespaceSelector: { matchLabels: { [NS_LABEL]: 'kube-system' } } });
    expect(peer.nameHint).toBe('kube-system');
    expect(peer.toString()).toBe('namespace kube-system');
  });

  test('stands for every pod of the namespace', () => {
    // WHEN
    const podSet = Peer.namespaceNamed('kube-system').toPodSet()!;

    // THEN
    expect(podSet.namespaceName).toBe('kube-system');
    expect(podSet.pods.isAll).toBe(true);
  });

  test('throws if the namespace name is longer than 63 characters', () => {
    // THEN
    expectError(() => Peer.namespaceNamed('a'.repeat(64)), ErrorCode.INVALID_NAME,
      `Peer.namespaceNamed(): namespace name "${'a'.repeat(64)}" is 64 characters long; at most 63 are allowed.`);
  });
});

describe('Peer.namespaces()', () => {
  test('renders a namespaceSelector alone', () => {
    // GIVEN
    const peer = Peer.namespaces(Selector.labels({ team: 'payments' }));

    // THEN
    expect(peer.toPeerModel()).toEqual({ namespaceSelector: { matchLabels: { team: 'payments' } } });
    expect(peer.nameHint).toBe('payments');
    expect(peer.toString()).toBe('all pods in namespaces team=payments');
    expect(peer.toPodSet()).toBeUndefined();
  });
});

describe('Peer.allPods()', () => {
  test('renders the empty namespaceSelector', () => {
    // GIVEN
    const peer = Peer.allPods();

    // THEN
    expect(peer.toPeerModel('production')).toEqual({ namespaceSelector: {} });
    expect(peer.nameHint).toBe('all-pods');
    expect(peer.toString()).toBe('all pods in all namespaces');
    expect(peer.toPodSet()).toBeUndefined();
  });
});

describe('Peer.anyone()', () => {
  test('renders no entry', () => {
    // GIVEN
    const peer = Peer.anyone();

    // THEN
    expect(peer.toPeerModel()).toBeUndefined();
    expect(peer.toPeerModel('production')).toBeUndefined();
    expect(peer.nameHint).toBe('anyone');
    expect(peer.toString()).toBe('anyone');
    expect(peer.toPodSet()).toBeUndefined();
  });
});

describe('Peer.ipv4()', () => {
  test('renders an ipBlock', () => {
    // GIVEN
    const peer = Peer.ipv4('52.94.0.0/16');

    // THEN
    expect(peer.toPeerModel('production')).toEqual({ ipBlock: { cidr: '52.94.0.0/16' } });
    expect(peer.toPeerModel()!.ipBlock).not.toHaveProperty('exceptCidrs');
    expect(peer.nameHint).toBe('52-94-0-0-16');
    expect(peer.toString()).toBe('52.94.0.0/16');
    expect(peer.toPodSet()).toBeUndefined();
  });

  test('renders exceptCidrs in the given order', () => {
    // GIVEN
    const peer = Peer.ipv4('10.0.0.0/8', ['10.1.0.0/16', '10.0.0.0/16']);

    // THEN
    expect(peer.toPeerModel()).toEqual({ ipBlock: { cidr: '10.0.0.0/8', exceptCidrs: ['10.1.0.0/16', '10.0.0.0/16'] } });
    expect(peer.toString()).toBe('10.0.0.0/8 except 10.1.0.0/16, 10.0.0.0/16');
  });

  test('accepts a single address as /32', () => {
    // THEN
    expect(Peer.ipv4('192.168.1.1/32').toPeerModel()).toEqual({ ipBlock: { cidr: '192.168.1.1/32' } });
  });

  test('does not share its except list with the caller', () => {
    // GIVEN
    const excepts = ['10.1.0.0/16'];
    const peer = Peer.ipv4('10.0.0.0/8', excepts);

    // WHEN
    peer.toPeerModel()!.ipBlock!.exceptCidrs!.push('10.2.0.0/16');

    // THEN
    expect(peer.toPeerModel()!.ipBlock!.exceptCidrs).toEqual(['10.1.0.0/16']);
  });

  test('throws if the CIDR has no prefix, and suggests /32', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.1'), ErrorCode.INVALID_CIDR,
      'Peer.ipv4(): Invalid CIDR "10.0.0.1" has no prefix length. Did you mean "10.0.0.1/32"?');
  });

  test('throws if host bits are set, and suggests the network', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.1/24'), ErrorCode.INVALID_CIDR,
      /Invalid CIDR "10.0.0.1\/24": host bits are set. Did you mean "10.0.0.0\/24"\?/);
    expect(() => Peer.ipv4('10.0.0.1/24')).toThrow('Peer.ipv4(): Invalid CIDR "10.0.0.1/24": host bits are set. Did you mean "10.0.0.0/24"?');
  });

  test('throws if an octet is above 255', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.256/32'), ErrorCode.INVALID_CIDR,
      'Peer.ipv4(): Invalid CIDR "10.0.0.256/32": "10.0.0.256" has octet 256; IPv4 octets are 0 to 255');
  });

  test('throws if the prefix is above 32', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.0/33'), ErrorCode.INVALID_CIDR,
      'Peer.ipv4(): Invalid CIDR "10.0.0.0/33" has prefix length "33"; an IPv4 prefix is an integer from 0 to 32');
  });

  test('throws if an octet has a leading zero', () => {
    // THEN
    expectError(() => Peer.ipv4('010.0.0.0/8'), ErrorCode.INVALID_CIDR,
      'Peer.ipv4(): Invalid CIDR "010.0.0.0/8": "010.0.0.0" has octet "010" with a leading zero, which is ambiguous (octal or decimal)');
  });

  test('throws if given an IPv6 range, and points to Peer.ipv6()', () => {
    // THEN
    expectError(() => Peer.ipv4('2001:db8::/32'), ErrorCode.INVALID_CIDR,
      'Peer.ipv4(): "2001:db8::/32" is an IPv6 range; Peer.ipv4() takes IPv4 (/0 to /32). Use Peer.ipv6() for it.');
  });

  test('throws if given the whole address space, and points to Peer.anyIpv4()', () => {
    // THEN
    expectError(() => Peer.ipv4('0.0.0.0/0'), ErrorCode.INVALID_CIDR,
      'Peer.ipv4(): CIDR "0.0.0.0/0" is every IPv4 address. If that is really meant, say Peer.anyIpv4(); otherwise list the ranges you depend on.');
  });

  test('throws if an except is outside the cidr', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.0/8', ['11.0.0.0/16']), ErrorCode.INVALID_EXCEPT,
      'Peer.ipv4(): Invalid except "11.0.0.0/16" is not strictly inside cidr "10.0.0.0/8"; every except must be a smaller range within the cidr');
  });

  test('throws if an except is the whole cidr', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.0/8', ['10.0.0.0/8']), ErrorCode.INVALID_EXCEPT,
      /Invalid except "10.0.0.0\/8" is not strictly inside cidr "10.0.0.0\/8"/);
  });

  test('throws if an except is larger than the cidr', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.0/16', ['10.0.0.0/8']), ErrorCode.INVALID_EXCEPT, /Invalid except "10.0.0.0\/8" is not strictly inside/);
  });

  test('throws if an except has host bits set, and suggests its network', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.0/8', ['10.0.0.1/24']), ErrorCode.INVALID_EXCEPT,
      'Peer.ipv4(): Invalid except CIDR "10.0.0.1/24" has host bits set. Did you mean "10.0.0.0/24"?');
  });

  test('throws if an except does not parse', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.0/8', ['10.0.0.0/40']), ErrorCode.INVALID_EXCEPT,
      'Peer.ipv4(): Invalid except CIDR "10.0.0.0/40" has prefix length "40"; an IPv4 prefix is an integer from 0 to 32');
  });

  test('throws if an except is listed twice', () => {
    // THEN
    expectError(() => Peer.ipv4('10.0.0.0/8', ['10.1.0.0/16', '10.1.0.0/16']), ErrorCode.INVALID_EXCEPT,
      'Peer.ipv4(): except "10.1.0.0/16" is listed twice.');
  });

  test('throws INVALID_EXCEPT if an except is of the other family', () => {
    // THEN: an IPv6 except is not inside an IPv4 cidr; it is the except that is wrong, not the cidr
    expectError(() => Peer.ipv4('10.0.0.0/8', ['2001:db8::/48']), ErrorCode.INVALID_EXCEPT, /"2001:db8::\/48"/);
  });
});

describe('Peer.ipv6()', () => {
  test('renders an ipBlock with excepts', () => {
    // GIVEN
    const peer = Peer.ipv6('2001:db8::/32', ['2001:db8:1::/48']);

    // THEN
    expect(peer.toPeerModel()).toEqual({ ipBlock: { cidr: '2001:db8::/32', exceptCidrs: ['2001:db8:1::/48'] } });
    expect(peer.nameHint).toBe('2001-db8-32');
    expect(peer.toString()).toBe('2001:db8::/32 except 2001:db8:1::/48');
  });

  test('throws if host bits are set, and suggests the canonical network', () => {
    // THEN
    expectError(() => Peer.ipv6('2001:db8::1/32'), ErrorCode.INVALID_CIDR,
      'Peer.ipv6(): Invalid CIDR "2001:db8::1/32": host bits are set. Did you mean "2001:db8::/32"?');
  });

  test('throws if the CIDR has no prefix, and suggests /128', () => {
    // THEN
    expectError(() => Peer.ipv6('2001:db8::1'), ErrorCode.INVALID_CIDR,
      'Peer.ipv6(): Invalid CIDR "2001:db8::1" has no prefix length. Did you mean "2001:db8::1/128"?');
  });

  test('throws if the prefix is above 128', () => {
    // THEN
    expectError(() => Peer.ipv6('2001:db8::/129'), ErrorCode.INVALID_CIDR,
      'Peer.ipv6(): Invalid CIDR "2001:db8::/129" has prefix length "129"; an IPv6 prefix is an integer from 0 to 128');
  });

  test('throws if the address is malformed', () => {
    // THEN
    expectError(() => Peer.ipv6('2001:db8::g/128'), ErrorCode.INVALID_CIDR,
      'Peer.ipv6(): Invalid CIDR "2001:db8::g/128": "2001:db8::g" is not an IPv6 address: group "g" is not 1 to 4 hexadecimal digits');
  });

  test('throws if given an IPv4 range, and points to Peer.ipv4()', () => {
    // THEN
    expectError(() => Peer.ipv6('10.0.0.0/8'), ErrorCode.INVALID_CIDR,
      'Peer.ipv6(): "10.0.0.0/8" is an IPv4 range; Peer.ipv6() takes IPv6 (/0 to /128). Use Peer.ipv4() for it.');
  });

  test('throws if given the whole address space, and points to Peer.anyIpv6()', () => {
    // THEN
    expectError(() => Peer.ipv6('::/0'), ErrorCode.INVALID_CIDR,
      'Peer.ipv6(): CIDR "::/0" is every IPv6 address. If that is really meant, say Peer.anyIpv6(); otherwise list the ranges you depend on.');
  });

  test('throws if an except is outside the cidr', () => {
    // THEN
    expectError(() => Peer.ipv6('2001:db8::/32', ['2001:db9::/48']), ErrorCode.INVALID_EXCEPT,
      'Peer.ipv6(): Invalid except "2001:db9::/48" is not strictly inside cidr "2001:db8::/32"');
  });

  test('throws if the same except is listed twice in different spellings', () => {
    // THEN: "2001:db8:1::/48" and "2001:DB8:1:0::/48" are the same range
    expectError(() => Peer.ipv6('2001:db8::/32', ['2001:db8:1::/48', '2001:DB8:1:0::/48']), ErrorCode.INVALID_EXCEPT, /listed twice/);
  });

  test('renders the cidr canonically, as the model promises', () => {
    // WHEN
    const model = Peer.ipv6('2001:DB8:0:0::/32', ['2001:0db8:0001::/48']).toPeerModel();

    // THEN
    expect(model).toEqual({ ipBlock: { cidr: '2001:db8::/32', exceptCidrs: ['2001:db8:1::/48'] } });
  });
});

describe('Peer.anyIpv4() and Peer.anyIpv6()', () => {
  test('render the whole address space', () => {
    // THEN
    expect(Peer.anyIpv4().toPeerModel()).toEqual({ ipBlock: { cidr: '0.0.0.0/0' } });
    expect(Peer.anyIpv6().toPeerModel()).toEqual({ ipBlock: { cidr: '::/0' } });
    expect(Peer.anyIpv4().nameHint).toBe('any-ipv4');
    expect(Peer.anyIpv6().nameHint).toBe('any-ipv6');
    expect(Peer.anyIpv4().toPodSet()).toBeUndefined();
  });

  test('take excepts', () => {
    // WHEN
    const peer = Peer.anyIpv4(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);

    // THEN
    expect(peer.toPeerModel()).toEqual({ ipBlock: { cidr: '0.0.0.0/0', exceptCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } });
    expect(peer.toString()).toBe('0.0.0.0/0 except 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16');
    expect(Peer.anyIpv6(['fc00::/7']).toPeerModel()).toEqual({ ipBlock: { cidr: '::/0', exceptCidrs: ['fc00::/7'] } });
  });

  test('throw if an except is the whole space', () => {
    // THEN
    expectError(() => Peer.anyIpv4(['0.0.0.0/0']), ErrorCode.INVALID_EXCEPT,
      'Peer.anyIpv4(): Invalid except "0.0.0.0/0" is not strictly inside cidr "0.0.0.0/0"');
  });
});

describe('ipBlock() without a family', () => {
  test('takes the family of the cidr', () => {
    // THEN
    expect(ipBlock('AllowEgressCidr', undefined, '10.0.0.0/8', []).toPeerModel()).toEqual({ ipBlock: { cidr: '10.0.0.0/8' } });
    expect(ipBlock('AllowEgressCidr', undefined, '2001:db8::/32', []).toPeerModel()).toEqual({ ipBlock: { cidr: '2001:db8::/32' } });
  });

  test('still rejects excepts of the other family', () => {
    // THEN
    expect(() => ipBlock('AllowEgressCidr', undefined, '10.0.0.0/8', ['2001:db8::/48'])).toThrow(/AllowEgressCidr: Invalid except "2001:db8::\/48" is not of the same address family as cidr "10.0.0.0\/8"/);
  });
});

describe('Peer.workload()', () => {
  test('selects the pods by their own labels, never by cdk8s.io/metadata.addr', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = deploymentIn(chart, 'api', { app: 'api' });

    // WHEN
    const peer = Peer.workload(deployment);

    // THEN
    expect(peer.toPeerModel()).toEqual({ podSelector: { matchLabels: { app: 'api' } } });
    expect(JSON.stringify(peer.toPeerModel())).not.toContain('cdk8s.io/metadata.addr');
    expect(peer.nameHint).toBe('api');
    expect(peer.toString()).toBe('pods of test/api');
  });

  test('counts labels added later', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = deploymentIn(chart, 'api', { app: 'api' });
    const peer = Peer.workload(deployment);

    // WHEN
    deployment.podMetadata.addLabel('tier', 'backend');

    // THEN
    expect(peer.toPeerModel()).toEqual({ podSelector: { matchLabels: { app: 'api', tier: 'backend' } } });
  });

  test('selects the namespace of the workload from a policy in another namespace', () => {
    // GIVEN
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const deployment = deploymentIn(chart, 'ApiServer', { app: 'api' });
    const peer: IPeer = Peer.workload(deployment);

    // THEN
    expect(peer.toPeerModel('shop')).toEqual({ podSelector: { matchLabels: { app: 'api' } } });
    expect(peer.toPeerModel('monitoring')).toEqual({
      namespaceSelector: { matchLabels: { [NS_LABEL]: 'shop' } },
      podSelector: { matchLabels: { app: 'api' } },
    });
    expect(peer.nameHint).toBe('api-server');
  });

  test('stands for the pods of the workload in its namespace', () => {
    // GIVEN
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const deployment = deploymentIn(chart, 'api', { app: 'api' });

    // WHEN
    const podSet = Peer.workload(deployment).toPodSet()!;

    // THEN
    expect(podSet.namespaceName).toBe('shop');
    expect(podSet.pods.workload).toBe(deployment);
    expect(podSet.pods.toModel()).toEqual({ matchLabels: { app: 'api' } });
  });

  test('throws if the workload has no labels of its own, naming the workload path', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = deploymentIn(chart, 'worker');
    const peer = Peer.workload(deployment);

    // THEN
    expectError(() => peer.toPeerModel(), ErrorCode.INVALID_WORKLOAD, /Deployment "test\/worker" has no pod labels of its own/);
    expect(() => peer.toPeerModel()).toThrow('Give its pods a label, e.g. podMetadata: { labels: { app: "worker" } }.');
  });
});

describe('Peer.workload() errors', () => {
  test('name Peer.workload() when the workload has no labels of its own', () => {
    const chart = Testing.chart();
    const bare = new kplus.Deployment(chart, 'bare', { containers: [{ image: 'x' }] });
    expect(() => Peer.workload(bare).toPeerModel()).toThrow(/^Peer.workload\(\): Deployment "test\/bare" has no pod labels of its own/);
  });
});
