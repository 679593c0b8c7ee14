import { LabelOperator, PolicyModel, PolicyType, Protocol } from '../../lib';
import {
  checkLabelKey, checkLabelValue, checkNamespaceName, checkObjectName, checkPeer, checkPolicy, checkPort, checkPortName,
  checkPortNumber, checkSelector, suggestDnsName,
} from '../../lib/model/validation';

describe('checkLabelKey()', () => {
  test('accepts names and prefixed names', () => {
    // THEN
    for (const key of ['app', 'App_Name.v2', 'a', 'app.kubernetes.io/name', 'example.com/a-b', 'x/y', 'a'.repeat(63), `${'a'.repeat(253)}/b`]) {
      expect(checkLabelKey(key)).toBeUndefined();
    }
  });

  test('rejects the empty key', () => {
    // THEN
    expect(checkLabelKey('')).toBe('label key "" is empty; keys look like "app" or "app.kubernetes.io/name"');
  });

  test("rejects more than one '/'", () => {
    // THEN
    expect(checkLabelKey('a/b/c')).toBe('label key "a/b/c" has more than one \'/\'; keys are "name" or "prefix/name"');
  });

  test('rejects an empty prefix', () => {
    // THEN
    expect(checkLabelKey('/app')).toBe('label key "/app" has an empty prefix before \'/\'');
  });

  test('rejects a prefix longer than 253 characters', () => {
    // THEN
    expect(checkLabelKey(`${'a'.repeat(254)}/b`)).toBe(`label key "${'a'.repeat(254)}/b" has a prefix longer than 253 characters`);
  });

  test('rejects a prefix that is not a DNS subdomain', () => {
    // THEN
    expect(checkLabelKey('Example.com/app')).toBe('label key "Example.com/app" has prefix "Example.com", which is not a DNS-1123 subdomain (lowercase letters, digits, \'-\' and \'.\')');
    expect(checkLabelKey('example_com/app')).toMatch(/has prefix "example_com", which is not a DNS-1123 subdomain/);
    expect(checkLabelKey('-example.com/app')).toMatch(/which is not a DNS-1123 subdomain/);
    expect(checkLabelKey('example..com/app')).toMatch(/which is not a DNS-1123 subdomain/);
  });

  test('rejects an empty name after the prefix', () => {
    // THEN
    expect(checkLabelKey('example.com/')).toBe('label key "example.com/" has an empty name after the prefix');
  });

  test('rejects a name longer than 63 characters', () => {
    // THEN
    expect(checkLabelKey('a'.repeat(64))).toBe(`label key "${'a'.repeat(64)}" has a name of 64 characters; at most 63 are allowed`);
    expect(checkLabelKey(`example.com/${'a'.repeat(64)}`)).toMatch(/has a name of 64 characters/);
  });

  test('rejects names with other characters or non-alphanumeric ends', () => {
    // THEN
    expect(checkLabelKey('my app')).toBe('label key "my app" is not a valid name: use letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit');
    for (const key of ['-app', 'app-', '_app', 'app.', 'a:b', 'example.com/-x']) {
      expect(checkLabelKey(key)).toMatch(/is not a valid name/);
    }
  });

  test('rejects what is not a string', () => {
    // THEN
    expect(checkLabelKey(undefined as any)).toMatch(/^label key undefined is empty/);
  });
});

describe('checkLabelValue()', () => {
  test('accepts the empty value, 63 characters, and inner -_.', () => {
    // THEN
    for (const value of ['', 'a', 'api', 'A-b_c.D9', 'a'.repeat(63), '1']) {
      expect(checkLabelValue(value)).toBeUndefined();
    }
  });

  test('rejects values longer than 63 characters', () => {
    // THEN
    expect(checkLabelValue('a'.repeat(64))).toBe(`label value "${'a'.repeat(64)}" is 64 characters long; at most 63 are allowed`);
  });

  test('rejects values with non-alphanumeric ends or other characters', () => {
    // THEN
    expect(checkLabelValue('-api')).toBe('label value "-api" is not valid: use letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (or the empty string)');
    for (const value of ['api-', '.api', 'api_', 'my api', 'a/b', 'é']) {
      expect(checkLabelValue(value)).toMatch(/is not valid/);
    }
  });

  test('rejects what is not a string', () => {
    // THEN
    expect(checkLabelValue(1 as any)).toBe('label value 1 is not a string');
  });
});

describe('checkPortNumber()', () => {
  test('accepts 1 to 65535', () => {
    // THEN
    expect(checkPortNumber(1)).toBeUndefined();
    expect(checkPortNumber(65535)).toBeUndefined();
  });

  test('rejects 0, 65536, fractions, NaN and non-numbers', () => {
    // THEN
    expect(checkPortNumber(0)).toBe('port 0 is not an integer from 1 to 65535');
    expect(checkPortNumber(65536)).toBe('port 65536 is not an integer from 1 to 65535');
    expect(checkPortNumber(1.5)).toBe('port 1.5 is not an integer from 1 to 65535');
    expect(checkPortNumber(NaN)).toMatch(/is not an integer from 1 to 65535/);
    expect(checkPortNumber('80' as any)).toBe('port "80" is not an integer from 1 to 65535');
  });
});

describe('checkPortName()', () => {
  test('accepts IANA service names', () => {
    // THEN
    for (const name of ['http', 'metrics', 'http-alt', 'h2c', '9p', 'a', 'a23456789012345']) {
      expect(checkPortName(name)).toBeUndefined();
    }
  });

  test('rejects each IANA_SVC_NAME rule', () => {
    // THEN
    expect(checkPortName('')).toBe('port name "" is empty');
    expect(checkPortName('a234567890123456')).toBe('port name "a234567890123456" is 16 characters long; at most 15 are allowed');
    expect(checkPortName('HTTP')).toBe('port name "HTTP" may contain only lowercase letters, digits and \'-\'');
    expect(checkPortName('1234')).toBe('port name "1234" must contain at least one letter (a number is a port number, not a name)');
    expect(checkPortName('a--b')).toBe('port name "a--b" must not contain \'--\'');
    expect(checkPortName('-ab')).toBe('port name "-ab" must not start or end with \'-\'');
    expect(checkPortName('ab-')).toBe('port name "ab-" must not start or end with \'-\'');
  });
});

describe('checkNamespaceName()', () => {
  test('accepts DNS-1123 labels', () => {
    // THEN
    for (const name of ['default', 'kube-system', 'a', '1', 'a'.repeat(63), 'a--b']) {
      expect(checkNamespaceName(name)).toBeUndefined();
    }
  });

  test('rejects empty, long and malformed names with a suggestion', () => {
    // THEN
    expect(checkNamespaceName('')).toBe('namespace name "" is empty; it must be a DNS-1123 label such as "production"');
    expect(checkNamespaceName('a'.repeat(64))).toBe(`namespace name "${'a'.repeat(64)}" is 64 characters long; at most 63 are allowed`);
    expect(checkNamespaceName('My_Namespace')).toBe('namespace name "My_Namespace" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "my-namespace")');
    expect(checkNamespaceName('team.payments')).toMatch(/is not a DNS-1123 label.*\(e\.g\. "team-payments"\)/);
    expect(checkNamespaceName('-prod-')).toMatch(/\(e\.g\. "prod"\)/);
  });
});

describe('checkObjectName()', () => {
  test('accepts DNS-1123 subdomains up to 253 characters', () => {
    // THEN
    for (const name of ['api-allow-from-frontend', 'a.b.c', 'a', 'a'.repeat(253)]) {
      expect(checkObjectName(name)).toBeUndefined();
    }
  });

  test('rejects empty, long and malformed names with a suggestion', () => {
    // THEN
    expect(checkObjectName('')).toBe('name "" is empty; it must be a DNS-1123 subdomain such as "api-allow-from-frontend"');
    expect(checkObjectName('a'.repeat(254))).toBe(`name "${'a'.repeat(40)}..." is 254 characters long; at most 253 are allowed`);
    expect(checkObjectName('Api_Allow')).toBe('name "Api_Allow" is not a DNS-1123 subdomain: use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "api-allow")');
  });

  test('suggests a name that is itself valid', () => {
    // THEN
    for (const name of ['a..b', 'a.-b', 'A_.B']) {
      const suggestion = /\(e\.g\. "(.*)"\)$/.exec(checkObjectName(name)!)![1];
      expect(checkObjectName(suggestion)).toBeUndefined();
    }
  });
});

describe('suggestDnsName()', () => {
  test('lowercases, replaces and trims', () => {
    // THEN
    expect(suggestDnsName('My App', false)).toBe('my-app');
    expect(suggestDnsName('a.b', false)).toBe('a-b');
    expect(suggestDnsName('a.b', true)).toBe('a.b');
    expect(suggestDnsName('--a__b--', false)).toBe('a-b');
    expect(suggestDnsName('___', false)).toBe('x');
  });
});

describe('checkSelector()', () => {
  test('accepts the empty selector and valid selectors', () => {
    // THEN
    expect(checkSelector({}, 'spec.podSelector')).toEqual([]);
    expect(checkSelector({
      matchLabels: { app: 'api', canary: '' },
      matchExpressions: [
        { key: 'tier', op: LabelOperator.IN, values: ['web'] },
        { key: 'env', op: LabelOperator.NOT_IN, values: ['dev', 'test'] },
        { key: 'gpu', op: LabelOperator.EXISTS },
        { key: 'spot', op: LabelOperator.DOES_NOT_EXIST, values: [] },
      ],
    }, 'spec.podSelector')).toEqual([]);
  });

  test('reports invalid label keys and values with their field', () => {
    // THEN
    expect(checkSelector({ matchLabels: { 'a/b/c': 'x', 'app': '-x' } }, 'sel')).toEqual([
      { field: 'sel.matchLabels', message: expect.stringContaining('label key "a/b/c" has more than one') },
      { field: 'sel.matchLabels.app', message: expect.stringContaining('label value "-x" is not valid') },
    ]);
  });

  test('reports In and NotIn without values', () => {
    // THEN
    expect(checkSelector({ matchExpressions: [{ key: 'tier', op: LabelOperator.IN }, { key: 'env', op: LabelOperator.NOT_IN, values: [] }] }, 'sel')).toEqual([
      { field: 'sel.matchExpressions[0].values', message: 'operator In on key "tier" needs at least one value' },
      { field: 'sel.matchExpressions[1].values', message: 'operator NotIn on key "env" needs at least one value' },
    ]);
  });

  test('reports Exists and DoesNotExist with values', () => {
    // THEN
    expect(checkSelector({ matchExpressions: [{ key: 'gpu', op: LabelOperator.EXISTS, values: ['yes'] }, { key: 'x', op: LabelOperator.DOES_NOT_EXIST, values: ['a'] }] }, 'sel')).toEqual([
      { field: 'sel.matchExpressions[0].values', message: 'operator Exists on key "gpu" takes no values, got ["yes"]' },
      { field: 'sel.matchExpressions[1].values', message: 'operator DoesNotExist on key "x" takes no values, got ["a"]' },
    ]);
  });

  test('reports invalid expression keys, values and operators', () => {
    // THEN
    expect(checkSelector({ matchExpressions: [{ key: '', op: LabelOperator.IN, values: ['a b'] }, { key: 'k', op: 'Gt' as LabelOperator }] }, 'sel')).toEqual([
      { field: 'sel.matchExpressions[0].key', message: expect.stringContaining('label key "" is empty') },
      { field: 'sel.matchExpressions[0].values', message: expect.stringContaining('label value "a b" is not valid') },
      { field: 'sel.matchExpressions[1].operator', message: 'operator "Gt" is not one of In, NotIn, Exists, DoesNotExist' },
    ]);
  });
});

describe('checkPort()', () => {
  test('accepts numbers, ranges, names and whole protocols', () => {
    // THEN
    expect(checkPort({ protocol: Protocol.TCP, port: 80 }, 'p')).toEqual([]);
    expect(checkPort({ protocol: Protocol.UDP, port: 8000, endPort: 8080 }, 'p')).toEqual([]);
    expect(checkPort({ protocol: Protocol.TCP, port: 8000, endPort: 8000 }, 'p')).toEqual([]);
    expect(checkPort({ protocol: Protocol.SCTP, portName: 'metrics' }, 'p')).toEqual([]);
    expect(checkPort({ protocol: Protocol.TCP }, 'p')).toEqual([]);
  });

  test('reports an unknown protocol', () => {
    // THEN
    expect(checkPort({ protocol: 'ICMP' as Protocol, port: 1 }, 'p')).toEqual([{ field: 'p.protocol', message: 'protocol "ICMP" is not one of TCP, UDP, SCTP' }]);
  });

  test('reports invalid port numbers and ends', () => {
    // THEN
    expect(checkPort({ protocol: Protocol.TCP, port: 0 }, 'p')).toEqual([{ field: 'p.port', message: 'port 0 is not an integer from 1 to 65535' }]);
    expect(checkPort({ protocol: Protocol.TCP, port: 80, endPort: 65536 }, 'p')).toEqual([{ field: 'p.endPort', message: 'end port 65536 is not an integer from 1 to 65535' }]);
  });

  test('reports a range that ends before it starts', () => {
    // THEN
    expect(checkPort({ protocol: Protocol.TCP, port: 8080, endPort: 8000 }, 'p')).toEqual([
      { field: 'p.endPort', message: 'endPort 8000 is less than port 8080; a range must not end before it starts' },
    ]);
  });

  test('reports endPort without port or with a named port', () => {
    // THEN
    expect(checkPort({ protocol: Protocol.TCP, endPort: 80 }, 'p')).toEqual([{ field: 'p.endPort', message: 'endPort 80 may not be set without port' }]);
    expect(checkPort({ protocol: Protocol.TCP, portName: 'http', endPort: 80 }, 'p')).toEqual([
      { field: 'p.endPort', message: 'endPort 80 may not be set when port is a name ("http")' },
    ]);
  });

  test('reports an invalid port name', () => {
    // THEN
    expect(checkPort({ protocol: Protocol.TCP, portName: 'HTTP' }, 'p')).toEqual([
      { field: 'p.port', message: 'port name "HTTP" may contain only lowercase letters, digits and \'-\'' },
    ]);
  });
});

describe('checkPeer()', () => {
  test('accepts each kind of peer', () => {
    // THEN
    expect(checkPeer({ podSelector: {} }, 'f')).toEqual([]);
    expect(checkPeer({ namespaceSelector: {}, podSelector: { matchLabels: { app: 'x' } } }, 'f')).toEqual([]);
    expect(checkPeer({ ipBlock: { cidr: '0.0.0.0/0', exceptCidrs: ['10.0.0.0/8'] } }, 'f')).toEqual([]);
  });

  test('reports an empty peer', () => {
    // THEN
    expect(checkPeer({}, 'spec.ingress[0].from[0]')).toEqual([{ field: 'spec.ingress[0].from[0]', message: 'a peer must set podSelector, namespaceSelector or ipBlock' }]);
  });

  test('reports ipBlock combined with a selector', () => {
    // THEN
    expect(checkPeer({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }, 'f')).toEqual([
      { field: 'f', message: 'a peer may not combine ipBlock with podSelector or namespaceSelector' },
    ]);
    expect(checkPeer({ ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }, 'f')).toHaveLength(1);
  });

  test('reports problems inside both selectors with their fields', () => {
    // THEN
    expect(checkPeer({ namespaceSelector: { matchLabels: { a: '-' } }, podSelector: { matchLabels: { b: '-' } } }, 'f').map(p => p.field)).toEqual([
      'f.podSelector.matchLabels.b', 'f.namespaceSelector.matchLabels.a',
    ]);
  });

  test('reports an invalid cidr and skips its excepts', () => {
    // THEN
    expect(checkPeer({ ipBlock: { cidr: '10.0.0.1/8', exceptCidrs: ['nonsense'] } }, 'f')).toEqual([
      { field: 'f.ipBlock.cidr', message: 'CIDR "10.0.0.1/8" has host bits set. Did you mean "10.0.0.0/8"?' },
    ]);
  });

  test('reports each except not strictly inside the cidr', () => {
    // THEN
    expect(checkPeer({ ipBlock: { cidr: '10.0.0.0/8', exceptCidrs: ['10.1.0.0/16', '10.0.0.0/8', '2001:db8::/32'] } }, 'f')).toEqual([
      { field: 'f.ipBlock.except[1]', message: expect.stringContaining('except "10.0.0.0/8" is not strictly inside cidr "10.0.0.0/8"') },
      { field: 'f.ipBlock.except[2]', message: expect.stringContaining('except "2001:db8::/32" is not of the same address family') },
    ]);
  });
});

describe('checkPolicy()', () => {
  const valid: PolicyModel = {
    name: 'api-allow-from-frontend',
    namespaceName: 'shop',
    podSelector: { matchLabels: { app: 'api' } },
    policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
    ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }],
    egress: [{ peers: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
  };

  test('accepts a valid policy', () => {
    // THEN
    expect(checkPolicy(valid)).toEqual([]);
    expect(checkPolicy({ name: 'deny-all', podSelector: {} })).toEqual([]);
  });

  test('reports invalid names and namespaces', () => {
    // THEN
    expect(checkPolicy({ ...valid, name: 'Bad_Name', namespaceName: 'Bad_NS' })).toEqual([
      { field: 'metadata.name', message: expect.stringContaining('name "Bad_Name" is not a DNS-1123 subdomain') },
      { field: 'metadata.namespace', message: expect.stringContaining('namespace name "Bad_NS" is not a DNS-1123 label') },
    ]);
  });

  test('reports problems of the pod selector', () => {
    // THEN
    expect(checkPolicy({ ...valid, podSelector: { matchLabels: { app: '-' } } })).toEqual([
      { field: 'spec.podSelector.matchLabels.app', message: expect.stringContaining('label value "-" is not valid') },
    ]);
  });

  test('reports more than two policy types and unknown types', () => {
    // THEN
    expect(checkPolicy({ ...valid, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS, PolicyType.INGRESS] })).toContainEqual({
      field: 'spec.policyTypes', message: 'may not list more than two policyTypes, got ["Ingress","Egress","Ingress"]',
    });
    expect(checkPolicy({ ...valid, policyTypes: ['ingress' as PolicyType] })).toEqual([
      { field: 'spec.policyTypes[0]', message: 'policy type "ingress" is not one of Ingress, Egress' },
    ]);
  });

  test('reports problems of ports and peers with their paths, using from for ingress and to for egress', () => {
    // THEN
    expect(checkPolicy({
      ...valid,
      ingress: [{}, { peers: [{}], ports: [{ protocol: Protocol.TCP, port: 0 }] }],
      egress: [{ peers: [{ podSelector: {} }, { ipBlock: { cidr: '10.0.0.0/40' } }] }],
    }).map(p => p.field)).toEqual([
      'spec.ingress[1].ports[0].port',
      'spec.ingress[1].from[0]',
      'spec.egress[0].to[1].ipBlock.cidr',
    ]);
  });
});
