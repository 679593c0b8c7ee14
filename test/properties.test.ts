/**
 * Property-based tests of the semantic claims of the value types and the CIDR maths: whatever a factory accepts
 * renders to something the validator (and so the API server) accepts, CIDR containment is what enumeration says,
 * and the parsers agree with independent implementations of the same rules.
 */
import { isIP } from 'net';
import * as fc from 'fast-check';
import { ErrorCode, LabelExpression, Peer, Port, Protocol, Selector } from '../lib';
import { NetpolError } from '../lib/errors';
import { Cidr, checkCidr, checkExcept, containsAddress, formatAddress, formatCidr, parseCidr, strictlyContains } from '../lib/model/cidr';
import { checkLabelKey, checkLabelValue, checkNamespaceName, checkObjectName, checkPeer, checkPort, checkPortName, checkSelector } from '../lib/model/validation';

// ---------------------------------------------------------------------------------------------------------------
// Generators

const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const char = (chars: string) => fc.constantFrom(...chars.split(''));
const text = (chars: string, maxLength: number) => fc.array(char(chars), { maxLength }).map(cs => cs.join(''));

/** A label name or value part: alphanumeric ends, '-', '_', '.' inside, 1 to 63 characters. */
const labelName = fc.tuple(char(alnum), text(`${alnum}-_.`, 20), char(alnum), fc.boolean())
  .map(([first, middle, last, single]) => (single ? first : `${first}${middle}${last}`));
const dnsLabel = fc.tuple(char('abcdefghijklmnopqrstuvwxyz0123456789'), text('abcdefghijklmnopqrstuvwxyz0123456789-', 8), char('abcdefghijklmnopqrstuvwxyz0123456789'))
  .map(([a, b, c]) => `${a}${b}${c}`);
const dnsSubdomain = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map(parts => parts.join('.'));
const labelKey = fc.tuple(fc.option(dnsSubdomain, { nil: undefined }), labelName)
  .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));
const labelValue = fc.oneof(fc.constant(''), labelName);
const labelMap = fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 4 });
const expression = fc.oneof(
  fc.tuple(labelKey, fc.array(labelValue, { minLength: 1, maxLength: 3 })).map(([k, vs]) => LabelExpression.isIn(k, vs)),
  fc.tuple(labelKey, fc.array(labelValue, { minLength: 1, maxLength: 3 })).map(([k, vs]) => LabelExpression.isNotIn(k, vs)),
  labelKey.map(k => LabelExpression.exists(k)),
  labelKey.map(k => LabelExpression.doesNotExist(k)),
);

const portNumber = fc.integer({ min: 1, max: 65535 });
const protocol = fc.constantFrom(Protocol.TCP, Protocol.UDP, Protocol.SCTP);
/** IANA_SVC_NAME: 1-15 of [a-z0-9-], at least one letter, no '--', no '-' at the ends. */
const portName = fc.tuple(fc.array(fc.stringMatching(/^[a-z0-9]{1,3}$/), { minLength: 1, maxLength: 4 }), char('abcdefghijklmnopqrstuvwxyz'), fc.nat())
  .map(([words, letter, at]) => {
    const parts = [...words];
    const i = at % parts.length;
    parts[i] = `${parts[i]}${letter}`;
    return parts.join('-');
  })
  .filter(name => name.length <= 15);

/** A canonical CIDR of the family: random address, host bits cleared. */
function canonical(family: 4 | 6, minPrefix: number): fc.Arbitrary<Cidr> {
  const bits = family === 4 ? 32 : 128;
  return fc.tuple(fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }), fc.integer({ min: minPrefix, max: bits }))
    .map(([address, prefix]) => parseCidr(`${formatAddress(address, family)}/${prefix}`) as Cidr)
    .map(c => parseCidr(formatCidr(c)) as Cidr);
}

/** Random ranges strictly inside `outer`, without duplicates. */
function excepts(outer: Cidr): fc.Arbitrary<string[]> {
  const bits = outer.family === 4 ? 32 : 128;
  if (outer.prefix === bits) return fc.constant([]);
  const one = fc.tuple(fc.bigInt({ min: outer.network, max: outer.last }), fc.integer({ min: outer.prefix + 1, max: bits }))
    .map(([address, prefix]) => formatCidr(parseCidr(`${formatAddress(address, outer.family)}/${prefix}`) as Cidr));
  return fc.uniqueArray(one, { maxLength: 3 });
}

/** All eight groups of an IPv6 address, uncompressed, with leading zeros. */
function fullIpv6(address: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((address >> BigInt(16 * i)) & 0xffffn).toString(16).padStart(4, '0'));
  return groups.join(':');
}

function ipv4Text(address: bigint): string {
  return [24n, 16n, 8n, 0n].map(shift => String((address >> shift) & 255n)).join('.');
}

/** Throws and returns the NetpolError of `fn`. */
function errorOf(fn: () => unknown): NetpolError {
  try {
    fn();
  } catch (e) {
    return e as NetpolError;
  }
  throw new Error('expected an error');
}

// ---------------------------------------------------------------------------------------------------------------
// Independent implementations of the Kubernetes rules, character by character (no shared regexes)

const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const isLowerAlnum = (c: string) => /^[a-z0-9]$/.test(c);

function oracleLabelName(name: string): boolean {
  if (name.length < 1 || name.length > 63) return false;
  if (!isAlnum(name[0]) || !isAlnum(name[name.length - 1])) return false;
  return [...name].every(c => isAlnum(c) || c === '-' || c === '_' || c === '.');
}

function oracleDnsSubdomain(name: string): boolean {
  if (name.length < 1 || name.length > 253) return false;
  return name.split('.').every(label =>
    label.length > 0 && isLowerAlnum(label[0]) && isLowerAlnum(label[label.length - 1]) && [...label].every(c => isLowerAlnum(c) || c === '-'));
}

function oracleLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length === 1) return oracleLabelName(parts[0]);
  if (parts.length === 2) return oracleDnsSubdomain(parts[0]) && oracleLabelName(parts[1]);
  return false;
}

function oracleLabelValue(value: string): boolean {
  return value === '' || oracleLabelName(value);
}

function oraclePortName(name: string): boolean {
  if (name.length < 1 || name.length > 15) return false;
  if (![...name].every(c => isLowerAlnum(c) || c === '-')) return false;
  if (![...name].some(c => c >= 'a' && c <= 'z')) return false;
  return !name.includes('--') && name[0] !== '-' && name[name.length - 1] !== '-';
}

// ---------------------------------------------------------------------------------------------------------------

describe('whatever a factory accepts, the validator accepts', () => {
  test('any valid labels and expressions make a selector that passes checkSelector()', () => {
    fc.assert(fc.property(fc.option(labelMap, { nil: undefined }), fc.array(expression, { maxLength: 3 }), (labels, expressions) => {
      // GIVEN
      fc.pre(labels !== undefined || expressions.length > 0);

      // WHEN
      const selector = Selector.of({ labels, expressions });

      // THEN
      expect(checkSelector(selector.toModel(), 'podSelector')).toEqual([]);
      expect(selector.isAll).toBe(false);
      expect(selector.toModel().matchLabels ?? {}).toEqual(labels ?? {});
    }), { numRuns: 300 });
  });

  test('any valid port or range makes a port entry that passes checkPort()', () => {
    fc.assert(fc.property(protocol, portNumber, portNumber, (proto, a, b) => {
      // WHEN
      const make = { TCP: [Port.tcp, Port.tcpRange], UDP: [Port.udp, Port.udpRange], SCTP: [Port.sctp, Port.sctpRange] }[proto] as
        [(p: number) => Port, (s: number, e: number) => Port];
      const single = make[0](a);
      const range = make[1](Math.min(a, b), Math.max(a, b));

      // THEN
      expect(checkPort(single.toModel()!, 'port')).toEqual([]);
      expect(checkPort(range.toModel()!, 'port')).toEqual([]);
      expect(single.toString()).toBe(`${proto} ${a}`);
      expect(range.toModel()!.port).toBe(Math.min(a, b));
    }), { numRuns: 300 });
  });

  test('any valid port name makes a port entry that passes checkPort()', () => {
    fc.assert(fc.property(portName, protocol, (name, proto) => {
      // THEN
      expect(checkPort(Port.named(name, proto).toModel()!, 'port')).toEqual([]);
    }), { numRuns: 300 });
  });

  test('any valid IPv4 CIDR with excepts makes an ipBlock that passes checkPeer()', () => {
    fc.assert(fc.property(canonical(4, 1).chain(c => fc.tuple(fc.constant(c), excepts(c))), ([cidr, exceptCidrs]) => {
      // WHEN
      const model = Peer.ipv4(formatCidr(cidr), exceptCidrs).toPeerModel('shop')!;

      // THEN
      expect(checkPeer(model, 'to[0]')).toEqual([]);
      expect(model.ipBlock!.cidr).toBe(formatCidr(cidr));
    }), { numRuns: 300 });
  });

  test('any valid IPv6 CIDR with excepts makes an ipBlock that passes checkPeer()', () => {
    fc.assert(fc.property(canonical(6, 1).chain(c => fc.tuple(fc.constant(c), excepts(c))), ([cidr, exceptCidrs]) => {
      // WHEN
      const model = Peer.ipv6(formatCidr(cidr), exceptCidrs).toPeerModel()!;

      // THEN
      expect(checkPeer(model, 'to[0]')).toEqual([]);
    }), { numRuns: 300 });
  });

  test('any except list inside the whole space is accepted by Peer.anyIpv4()', () => {
    fc.assert(fc.property(excepts(parseCidr('0.0.0.0/0') as Cidr), (exceptCidrs) => {
      // THEN
      expect(checkPeer(Peer.anyIpv4(exceptCidrs).toPeerModel()!, 'to[0]')).toEqual([]);
    }), { numRuns: 200 });
  });
});

describe('name hints', () => {
  const DNS_WORD = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const selector = fc.tuple(fc.option(labelMap, { nil: undefined }), fc.array(expression, { maxLength: 2 }))
    .filter(([labels, expressions]) => labels !== undefined || expressions.length > 0)
    .map(([labels, expressions]) => Selector.of({ labels, expressions }));
  const namespaceName = dnsLabel.filter(n => n.length <= 63);

  test('every peer made of valid inputs has a DNS-safe name hint', () => {
    const peer = fc.oneof(
      selector.map(s => Peer.pods(s)),
      fc.tuple(namespaceName, selector).map(([n, s]) => Peer.podsInNamespace(n, s)),
      fc.tuple(selector, selector).map(([n, s]) => Peer.podsInNamespaces(n, s)),
      selector.map(s => Peer.namespaces(s)),
      namespaceName.map(n => Peer.namespaceNamed(n)),
      canonical(4, 1).map(c => Peer.ipv4(formatCidr(c))),
      canonical(6, 1).map(c => Peer.ipv6(formatCidr(c))),
      fc.constantFrom(Peer.allPods(), Peer.anyone(), Peer.anyIpv4(), Peer.anyIpv6()),
    );
    fc.assert(fc.property(peer, (p) => {
      // THEN
      expect(p.nameHint).toMatch(DNS_WORD);
    }), { numRuns: 500 });
  });
});

describe('whatever the validator rejects, the factory rejects', () => {
  test('every port number outside 1-65535 or not an integer is rejected with INVALID_PORT', () => {
    const invalid = fc.oneof(
      fc.integer({ min: -1_000_000, max: 0 }),
      fc.integer({ min: 65536, max: 10_000_000 }),
      fc.double({ min: 1, max: 65535, noNaN: true }).filter(n => !Number.isInteger(n)),
      fc.constantFrom(NaN, Infinity, -Infinity),
    );
    fc.assert(fc.property(invalid, (n) => {
      // THEN
      expect(errorOf(() => Port.tcp(n)).code).toBe(ErrorCode.INVALID_PORT);
      expect(errorOf(() => Port.udpRange(n, 65535)).code).toBe(ErrorCode.INVALID_PORT);
      expect(errorOf(() => Port.sctpRange(1, n)).code).toBe(ErrorCode.INVALID_PORT);
    }), { numRuns: 300 });
  });

  test('every reversed range is rejected with INVALID_PORT_RANGE and the reversed suggestion', () => {
    fc.assert(fc.property(portNumber, portNumber, (a, b) => {
      // GIVEN
      fc.pre(a !== b);
      const [start, end] = a > b ? [a, b] : [b, a];

      // WHEN
      const error = errorOf(() => Port.tcpRange(start, end));

      // THEN
      expect(error.code).toBe(ErrorCode.INVALID_PORT_RANGE);
      expect(error.message).toContain(`did you mean ${end}-${start}?`);
    }), { numRuns: 200 });
  });
});

describe('the syntax rules agree with independent implementations', () => {
  const keyLike = fc.oneof(
    labelKey,
    text(`${alnum}-_./`, 12),
    fc.tuple(text('abcXYZ09-._', 6), text('abcXYZ09-._/', 6)).map(([a, b]) => `${a}/${b}`),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(253)}/b`, `${'a'.repeat(254)}/b`, 'a/', '/a', 'a//b'),
  );

  test('checkLabelKey() accepts exactly the Kubernetes qualified names', () => {
    fc.assert(fc.property(keyLike, (key) => {
      // THEN
      expect(checkLabelKey(key) === undefined).toBe(oracleLabelKey(key));
    }), { numRuns: 1000 });
  });

  test('checkLabelValue() accepts exactly the Kubernetes label values', () => {
    fc.assert(fc.property(fc.oneof(labelValue, text(`${alnum}-_./ `, 10), fc.string({ maxLength: 8 }), fc.constantFrom('a'.repeat(63), 'a'.repeat(64))), (value) => {
      // THEN
      expect(checkLabelValue(value) === undefined).toBe(oracleLabelValue(value));
    }), { numRuns: 1000 });
  });

  test('checkPortName() accepts exactly the IANA service names', () => {
    fc.assert(fc.property(fc.oneof(portName, text('abz09-A_', 17)), (name) => {
      // THEN
      expect(checkPortName(name) === undefined).toBe(oraclePortName(name));
    }), { numRuns: 1000 });
  });

  test('parseCidr() accepts exactly the addresses Node accepts, in the family their syntax says', () => {
    const hexGroup = fc.stringMatching(/^[0-9a-f]{1,5}$/);
    const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '255', '256'));
    const quad = fc.array(octet, { minLength: 3, maxLength: 5 }).map(os => os.join('.'));
    const token = fc.oneof(hexGroup, hexGroup, fc.constant(':'), fc.constant('::'), quad);
    const addressLike = fc.oneof(
      quad,
      fc.array(token, { maxLength: 9 }).map(ts => ts.join('')),
      fc.array(fc.oneof(hexGroup, quad), { minLength: 1, maxLength: 9 }).map(gs => gs.join(':')),
      fc.tuple(fc.array(hexGroup, { maxLength: 5 }), fc.array(fc.oneof(hexGroup, quad), { maxLength: 5 })).map(([h, t]) => `${h.join(':')}::${t.join(':')}`),
      fc.tuple(fc.array(hexGroup, { maxLength: 2 }), quad, fc.array(hexGroup, { maxLength: 2 })).map(([h, q, t]) => `${[...h, q].join(':')}::${t.join(':')}`),
    );
    fc.assert(fc.property(addressLike, (address) => {
      // GIVEN
      const family = address.includes(':') ? 6 : 4;

      // WHEN
      const parsed = parseCidr(`${address}/${family === 4 ? 32 : 128}`);

      // THEN
      expect({ address, accepted: typeof parsed !== 'string' }).toEqual({ address, accepted: isIP(address) === family });
    }), { numRuns: 3000, examples: [['1.2.3.4::'], ['::1.2.3.4'], ['::ffff:1.2.3.04']] });
  });
});

describe('suggestions are themselves valid', () => {
  const anyName = fc.oneof(fc.string({ maxLength: 20 }), text('aZ09-._ /', 20));

  test('the namespace name a message suggests is a valid namespace name', () => {
    fc.assert(fc.property(anyName.filter(n => n.length > 0 && n.length <= 63), (name) => {
      // WHEN
      const suggestion = /\(e\.g\. "(.*)"\)$/.exec(checkNamespaceName(name) ?? '')?.[1];

      // THEN
      if (suggestion !== undefined) expect({ name, problem: checkNamespaceName(suggestion) }).toEqual({ name, problem: undefined });
    }), { numRuns: 1000 });
  });

  test('the object name a message suggests is a valid object name', () => {
    fc.assert(fc.property(anyName.filter(n => n.length > 0), (name) => {
      // WHEN
      const suggestion = /\(e\.g\. "(.*)"\)$/.exec(checkObjectName(name) ?? '')?.[1];

      // THEN
      if (suggestion !== undefined) expect({ name, problem: checkObjectName(suggestion) }).toEqual({ name, problem: undefined });
    }), { numRuns: 1000, examples: [['a..b']] });
  });
});

describe('an except is the same range however it is spelled', () => {
  test('an IPv6 except listed twice in two spellings is rejected as listed twice', () => {
    fc.assert(fc.property(canonical(6, 1).filter(c => c.prefix < 128).chain(c => fc.tuple(fc.constant(c), excepts(c).filter(e => e.length > 0))), ([cidr, exceptCidrs]) => {
      // GIVEN
      const except = parseCidr(exceptCidrs[0]) as Cidr;
      const otherSpelling = `${fullIpv6(except.network)}/${except.prefix}`;

      // WHEN
      const error = errorOf(() => Peer.ipv6(formatCidr(cidr), [exceptCidrs[0], otherSpelling]));

      // THEN
      expect(error.code).toBe(ErrorCode.INVALID_EXCEPT);
      expect(error.message).toMatch(/listed twice/);
    }), { numRuns: 100 });
  });
});

describe('CIDR containment agrees with enumeration', () => {
  /** Canonical CIDRs inside 10.0.0.0/24, /24 to /32. */
  const small = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 }))
    .map(([host, prefix]) => formatCidr(parseCidr(`10.0.0.${host}/${prefix}`) as Cidr));

  /** Every address of a CIDR inside 10.0.0.0/24, computed from its text alone. */
  function addressesOf(text: string): number[] {
    const [address, prefixText] = text.split('/');
    const start = Number(address.split('.')[3]);
    const size = 2 ** (32 - Number(prefixText));
    return Array.from({ length: size }, (_, i) => start + i);
  }

  test('strictlyContains(a, b) is "every address of b is in a, and b is smaller"', () => {
    fc.assert(fc.property(small, small, (a, b) => {
      // GIVEN
      const inA = new Set(addressesOf(a));
      const expected = addressesOf(b).every(x => inA.has(x)) && addressesOf(b).length < inA.size;

      // THEN
      expect(strictlyContains(parseCidr(a) as Cidr, parseCidr(b) as Cidr)).toBe(expected);
      expect(checkExcept(a, b) === undefined).toBe(expected);
    }), { numRuns: 1000 });
  });

  test('Peer.ipv4() accepts an except exactly when it is strictly inside', () => {
    fc.assert(fc.property(small.filter(a => !a.endsWith('/32')), small, (a, b) => {
      // GIVEN
      const inA = new Set(addressesOf(a));
      const inside = addressesOf(b).every(x => inA.has(x)) && addressesOf(b).length < inA.size;

      // WHEN
      let code: string | undefined;
      try {
        Peer.ipv4(a, [b]);
      } catch (e) {
        code = (e as NetpolError).code;
      }

      // THEN
      expect(code).toBe(inside ? undefined : ErrorCode.INVALID_EXCEPT);
    }), { numRuns: 500 });
  });

  test('containsAddress() agrees with enumeration', () => {
    fc.assert(fc.property(small, fc.integer({ min: 0, max: 255 }), (a, host) => {
      // THEN
      expect(containsAddress(parseCidr(a) as Cidr, 0x0a000000n + BigInt(host), 4)).toBe(addressesOf(a).includes(host));
    }), { numRuns: 500 });
  });
});

describe('parsing and formatting', () => {
  test('canonical CIDRs round-trip through parseCidr() and formatCidr()', () => {
    fc.assert(fc.property(fc.oneof(canonical(4, 0), canonical(6, 0)), (cidr) => {
      // GIVEN
      const text = formatCidr(cidr);

      // WHEN
      const parsed = parseCidr(text) as Cidr;

      // THEN
      expect(formatCidr(parsed)).toBe(text);
      expect(parsed.address).toBe(parsed.network);
      expect(checkCidr(text)).toBeUndefined();
    }), { numRuns: 500 });
  });

  test('any spelling of an IPv6 address parses to the same address', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (address) => {
      // THEN
      expect((parseCidr(`${fullIpv6(address)}/128`) as Cidr).address).toBe(address);
      expect((parseCidr(`${fullIpv6(address).toUpperCase()}/128`) as Cidr).address).toBe(address);
      expect((parseCidr(`${formatAddress(address, 6)}/128`) as Cidr).address).toBe(address);
    }), { numRuns: 500 });
  });

  test('an IPv4-embedded IPv6 address parses to the same address as its hex form', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 96n) - 1n }), fc.bigInt({ min: 0n, max: 0xffffffffn }), (high, low) => {
      // GIVEN
      const address = (high << 32n) | low;
      const groups = fullIpv6(address).split(':').slice(0, 6).join(':');

      // THEN
      expect((parseCidr(`${groups}:${ipv4Text(low)}/128`) as Cidr).address).toBe(address);
    }), { numRuns: 300 });
  });

  test('formatAddress() writes IPv6 as RFC 5952 does (as the WHATWG URL serializer does)', () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
      // GIVEN
      const address = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
      const expected = new URL(`http://[${fullIpv6(address)}]/`).hostname.slice(1, -1);

      // THEN
      expect(formatAddress(address, 6)).toBe(expected);
    }), { numRuns: 1000 });
  });

  test('a CIDR with host bits set is rejected with a suggestion that is accepted and contains the address', () => {
    const withHostBits = fc.oneof(
      fc.tuple(fc.constant<4 | 6>(4), fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.integer({ min: 0, max: 31 })),
      fc.tuple(fc.constant<4 | 6>(6), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 127 })),
    ).filter(([family, address, prefix]) => (address & ((1n << BigInt((family === 4 ? 32 : 128) - prefix)) - 1n)) !== 0n);
    fc.assert(fc.property(withHostBits, ([family, address, prefix]) => {
      // GIVEN
      const text = `${formatAddress(address, family)}/${prefix}`;

      // WHEN
      const problem = checkCidr(text);

      // THEN
      const suggestion = /Did you mean "(.*)"\?$/.exec(problem ?? '')?.[1];
      expect(suggestion).toBeDefined();
      expect(checkCidr(suggestion!)).toBeUndefined();
      expect(containsAddress(parseCidr(suggestion!) as Cidr, address, family)).toBe(true);
      expect((parseCidr(suggestion!) as Cidr).prefix).toBe(prefix);
      const factory = family === 4 ? Peer.ipv4 : Peer.ipv6;
      const error = errorOf(() => factory(text));
      expect(error.code).toBe(ErrorCode.INVALID_CIDR);
      expect(error.message).toContain(`Did you mean "${suggestion}"?`);
    }), { numRuns: 500 });
  });
});
