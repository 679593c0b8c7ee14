import { Cidr, checkCidr, checkExcept, containsAddress, familyBits, formatAddress, formatCidr, parseCidr, strictlyContains } from '../../lib/model/cidr';

/** Parses a CIDR the test knows to be valid. */
function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') throw new Error(`test setup: ${parsed}`);
  return parsed;
}

describe('familyBits()', () => {
  test('is 32 for IPv4 and 128 for IPv6', () => {
    // THEN
    expect(familyBits(4)).toBe(32);
    expect(familyBits(6)).toBe(128);
  });
});

describe('parseCidr()', () => {
  test('parses an IPv4 CIDR into network and last address', () => {
    // WHEN
    const parsed = cidr('10.1.0.0/16');

    // THEN
    expect(parsed).toEqual({ family: 4, address: 0x0a010000n, prefix: 16, network: 0x0a010000n, last: 0x0a01ffffn });
  });

  test('keeps host bits in the address and clears them in the network', () => {
    // WHEN
    const parsed = cidr('10.0.0.1/24');

    // THEN
    expect(parsed.address).toBe(0x0a000001n);
    expect(parsed.network).toBe(0x0a000000n);
    expect(parsed.last).toBe(0x0a0000ffn);
  });

  test('parses /0 and /32', () => {
    // THEN
    expect(cidr('0.0.0.0/0')).toEqual({ family: 4, address: 0n, prefix: 0, network: 0n, last: 0xffffffffn });
    expect(cidr('255.255.255.255/32')).toEqual({ family: 4, address: 0xffffffffn, prefix: 32, network: 0xffffffffn, last: 0xffffffffn });
  });

  test('parses IPv6 with and without "::"', () => {
    // THEN
    expect(cidr('2001:db8::/32').network).toBe(0x20010db8n << 96n);
    expect(cidr('2001:0db8:0000:0000:0000:0000:0000:0000/32').network).toBe(0x20010db8n << 96n);
    expect(cidr('::/0')).toEqual({ family: 6, address: 0n, prefix: 0, network: 0n, last: (1n << 128n) - 1n });
    expect(cidr('::1/128').address).toBe(1n);
    expect(cidr('fe80::/10').last).toBe((0xfebfn << 112n) | ((1n << 112n) - 1n));
    expect(cidr('1:2:3:4:5:6:7::/128').address).toBe(0x0001000200030004000500060007_0000n);
  });

  test('parses uppercase IPv6 digits', () => {
    // THEN
    expect(cidr('2001:DB8::/32').network).toBe(cidr('2001:db8::/32').network);
  });

  test('parses an IPv4-embedded IPv6 address', () => {
    // THEN
    expect(cidr('::ffff:192.0.2.1/128').address).toBe(0xffffc0000201n);
    expect(cidr('64:ff9b::10.0.0.0/120').address).toBe((0x0064ff9bn << 96n) | 0x0a000000n);
    expect(cidr('0:0:0:0:0:ffff:1.2.3.4/128').address).toBe(0xffff01020304n);
  });

  test('rejects an embedded IPv4 address that is not at the end', () => {
    // THEN: the dotted quad may only stand for the last 32 bits (RFC 4291 2.2)
    expect(parseCidr('1.2.3.4::/64')).toEqual(expect.stringContaining('is not an IPv6 address'));
    expect(parseCidr('1:1.2.3.4::/64')).toEqual(expect.stringContaining('is not an IPv6 address'));
  });

  test('rejects an embedded IPv4 address that does not parse', () => {
    // THEN
    expect(parseCidr('::ffff:1.2.3.256/128')).toBe('CIDR "::ffff:1.2.3.256/128": "::ffff:1.2.3.256" is not an IPv6 address: embedded "1.2.3.256" has octet 256; IPv4 octets are 0 to 255');
    expect(parseCidr('::ffff:1.2.3/128')).toBe('CIDR "::ffff:1.2.3/128": "::ffff:1.2.3" is not an IPv6 address: embedded "1.2.3" is not an IPv4 address (four decimal octets, e.g. 10.0.0.0)');
  });

  test('suggests /32 or /128 when the prefix is missing', () => {
    // THEN
    expect(parseCidr('10.0.0.1')).toBe('CIDR "10.0.0.1" has no prefix length. Did you mean "10.0.0.1/32"?');
    expect(parseCidr('2001:db8::1')).toBe('CIDR "2001:db8::1" has no prefix length. Did you mean "2001:db8::1/128"?');
  });

  test('does not suggest adding a prefix to something that is not an address', () => {
    // THEN: "10.0.0.256/32" would be rejected too, so the suggestion misleads
    expect(parseCidr('10.0.0.256')).not.toMatch(/Did you mean/);
    expect(parseCidr('')).not.toMatch(/Did you mean "\/32"/);
  });

  test('rejects a prefix that is not an integer in range', () => {
    // THEN
    expect(parseCidr('10.0.0.0/33')).toBe('CIDR "10.0.0.0/33" has prefix length "33"; an IPv4 prefix is an integer from 0 to 32');
    expect(parseCidr('2001:db8::/129')).toBe('CIDR "2001:db8::/129" has prefix length "129"; an IPv6 prefix is an integer from 0 to 128');
    expect(parseCidr('10.0.0.0/')).toBe('CIDR "10.0.0.0/" has prefix length ""; an IPv4 prefix is an integer from 0 to 32');
    expect(parseCidr('10.0.0.0/08')).toMatch(/has prefix length "08"/);
    expect(parseCidr('10.0.0.0/-1')).toMatch(/has prefix length "-1"/);
    expect(parseCidr('10.0.0.0/8.0')).toMatch(/has prefix length "8.0"/);
    expect(parseCidr('10.0.0.0/8/8')).toMatch(/has prefix length "8\/8"/);
    expect(parseCidr('10.0.0.0/ 8')).toMatch(/has prefix length " 8"/);
  });

  test('rejects an octet above 255', () => {
    // THEN
    expect(parseCidr('10.0.0.256/32')).toBe('CIDR "10.0.0.256/32": "10.0.0.256" has octet 256; IPv4 octets are 0 to 255');
    expect(parseCidr('999.0.0.0/8')).toMatch(/has octet 999/);
  });

  test('rejects octets with leading zeros', () => {
    // THEN
    expect(parseCidr('10.01.0.0/16')).toBe('CIDR "10.01.0.0/16": "10.01.0.0" has octet "01" with a leading zero, which is ambiguous (octal or decimal)');
    expect(parseCidr('00.0.0.0/8')).toMatch(/octet "00" with a leading zero/);
  });

  test('rejects IPv4 addresses without four decimal octets', () => {
    // THEN
    expect(parseCidr('10.0.0/24')).toBe('CIDR "10.0.0/24": "10.0.0" is not an IPv4 address (four decimal octets, e.g. 10.0.0.0)');
    expect(parseCidr('10.0.0.0.0/24')).toMatch(/is not an IPv4 address \(four decimal octets/);
    expect(parseCidr('10.0.0.x/24')).toBe('CIDR "10.0.0.x/24": "10.0.0.x" is not an IPv4 address: octet "x" is not a decimal number');
    expect(parseCidr('10..0.0/24')).toMatch(/octet "" is not a decimal number/);
    expect(parseCidr('10.0.0.1234/24')).toMatch(/octet "1234" is not a decimal number/);
    expect(parseCidr('0x0a.0.0.0/8')).toMatch(/octet "0x0a" is not a decimal number/);
  });

  test('rejects malformed IPv6 addresses', () => {
    // THEN
    expect(parseCidr('1::2::3/64')).toBe('CIDR "1::2::3/64": "1::2::3" is not an IPv6 address: "::" may appear only once');
    expect(parseCidr(':::/64')).toMatch(/"::" may appear only once/);
    expect(parseCidr('12345::/16')).toBe('CIDR "12345::/16": "12345::" is not an IPv6 address: group "12345" is not 1 to 4 hexadecimal digits');
    expect(parseCidr('1:2:3:4:5:6:7/64')).toBe('CIDR "1:2:3:4:5:6:7/64": "1:2:3:4:5:6:7" is not an IPv6 address: it has 7 groups, not 8 (use "::" to compress zeros)');
    expect(parseCidr('1:2:3:4:5:6:7:8:9/64')).toMatch(/it has 9 groups, not 8/);
    expect(parseCidr('1:2:3:4:5:6:7:8::/64')).toBe('CIDR "1:2:3:4:5:6:7:8::/64": "1:2:3:4:5:6:7:8::" is not an IPv6 address: too many groups around "::"');
    expect(parseCidr(':1::/64')).toMatch(/group "" is not 1 to 4 hexadecimal digits/);
    expect(parseCidr('1::2:/64')).toMatch(/group "" is not 1 to 4 hexadecimal digits/);
    expect(parseCidr('fe80::1%eth0/64')).toBe('CIDR "fe80::1%eth0/64": "fe80::1%eth0" is not an IPv6 address: zone indexes ("%...") are not allowed');
  });

  test('rejects what is not a string', () => {
    // THEN
    expect(parseCidr(42 as any)).toBe('CIDR 42 is not a string');
    expect(parseCidr(undefined as any)).toBe('CIDR undefined is not a string');
  });
});

describe('formatAddress()', () => {
  test('formats IPv4 as a dotted quad', () => {
    // THEN
    expect(formatAddress(0x0a000001n, 4)).toBe('10.0.0.1');
    expect(formatAddress(0n, 4)).toBe('0.0.0.0');
    expect(formatAddress(0xffffffffn, 4)).toBe('255.255.255.255');
  });

  test('compresses the longest run of zero groups (RFC 5952)', () => {
    // THEN
    expect(formatAddress(cidr('2001:db8:0:0:1:0:0:0/128').address, 6)).toBe('2001:db8:0:0:1::');
    expect(formatAddress(cidr('2001:0:0:1:0:0:0:1/128').address, 6)).toBe('2001:0:0:1::1');
  });

  test('compresses the first run when two runs are equally long', () => {
    // THEN
    expect(formatAddress(cidr('2001:db8:0:0:1:0:0:1/128').address, 6)).toBe('2001:db8::1:0:0:1');
  });

  test('does not compress a single zero group', () => {
    // THEN
    expect(formatAddress(cidr('2001:db8:0:1:1:1:1:1/128').address, 6)).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatAddress(cidr('1:0:2:0:3:0:4:0/128').address, 6)).toBe('1:0:2:0:3:0:4:0');
  });

  test('writes lowercase hex without leading zeros', () => {
    // THEN
    expect(formatAddress(cidr('2001:0DB8:000A::/48').address, 6)).toBe('2001:db8:a::');
  });

  test('formats the edges', () => {
    // THEN
    expect(formatAddress(0n, 6)).toBe('::');
    expect(formatAddress(1n, 6)).toBe('::1');
    expect(formatAddress(1n << 112n, 6)).toBe('1::');
    expect(formatAddress((1n << 128n) - 1n, 6)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(formatAddress(0xffffc0000201n, 6)).toBe('::ffff:c000:201');
  });
});

describe('formatCidr()', () => {
  test('formats the network, not the address', () => {
    // THEN
    expect(formatCidr(cidr('10.0.0.1/24'))).toBe('10.0.0.0/24');
    expect(formatCidr(cidr('2001:db8::1/32'))).toBe('2001:db8::/32');
    expect(formatCidr(cidr('2001:0DB8:0000::/32'))).toBe('2001:db8::/32');
    expect(formatCidr(cidr('::ffff:10.0.0.0/120'))).toBe('::ffff:a00:0/120');
  });
});

describe('checkCidr()', () => {
  test('accepts canonical CIDRs of both families, including the whole space', () => {
    // THEN
    for (const text of ['10.0.0.0/8', '192.168.1.1/32', '0.0.0.0/0', '2001:db8::/32', '::/0', '::1/128']) {
      expect(checkCidr(text)).toBeUndefined();
    }
  });

  test('rejects host bits and suggests the network', () => {
    // THEN
    expect(checkCidr('10.0.0.1/24')).toBe('CIDR "10.0.0.1/24" has host bits set. Did you mean "10.0.0.0/24"?');
    expect(checkCidr('2001:db8::1/32')).toBe('CIDR "2001:db8::1/32" has host bits set. Did you mean "2001:db8::/32"?');
    expect(checkCidr('10.0.0.0/0')).toBe('CIDR "10.0.0.0/0" has host bits set. Did you mean "0.0.0.0/0"?');
  });

  test('passes on parse problems', () => {
    // THEN
    expect(checkCidr('10.0.0.0/33')).toBe(parseCidr('10.0.0.0/33'));
  });
});

describe('checkExcept()', () => {
  test('accepts an except strictly inside the cidr', () => {
    // THEN
    expect(checkExcept('10.0.0.0/8', '10.1.0.0/16')).toBeUndefined();
    expect(checkExcept('10.0.0.0/8', '10.255.255.255/32')).toBeUndefined();
    expect(checkExcept('0.0.0.0/0', '10.0.0.0/8')).toBeUndefined();
    expect(checkExcept('2001:db8::/32', '2001:db8:ffff::/48')).toBeUndefined();
  });

  test('rejects an except equal to the cidr', () => {
    // THEN
    expect(checkExcept('10.0.0.0/8', '10.0.0.0/8')).toBe('except "10.0.0.0/8" is not strictly inside cidr "10.0.0.0/8"; every except must be a smaller range within the cidr.');
  });

  test('rejects an except outside or around the cidr', () => {
    // THEN
    expect(checkExcept('10.0.0.0/8', '11.0.0.0/16')).toMatch(/^except "11.0.0.0\/16" is not strictly inside cidr "10.0.0.0\/8"/);
    expect(checkExcept('10.0.0.0/16', '10.0.0.0/8')).toMatch(/is not strictly inside/);
    expect(checkExcept('10.0.0.0/24', '10.0.1.0/25')).toMatch(/is not strictly inside/);
  });

  test('rejects an except of the other family', () => {
    // THEN
    expect(checkExcept('0.0.0.0/0', '::/1')).toMatch(/^except "::\/1" is not of the same address family as cidr "0.0.0.0\/0"/);
    expect(checkExcept('::/0', '10.0.0.0/8')).toMatch(/is not of the same address family as cidr "::\/0"/);
  });

  test('rejects an except with host bits set or that does not parse', () => {
    // THEN
    expect(checkExcept('10.0.0.0/8', '10.0.0.1/24')).toBe('except CIDR "10.0.0.1/24" has host bits set. Did you mean "10.0.0.0/24"?');
    expect(checkExcept('10.0.0.0/8', 'nope/8')).toMatch(/^except CIDR "nope\/8": "nope" is not an IPv4 address/);
  });
});

describe('strictlyContains() and containsAddress()', () => {
  test('a range strictly contains its smaller sub-ranges only', () => {
    // THEN
    expect(strictlyContains(cidr('10.0.0.0/8'), cidr('10.0.0.0/9'))).toBe(true);
    expect(strictlyContains(cidr('10.0.0.0/8'), cidr('10.128.0.0/9'))).toBe(true);
    expect(strictlyContains(cidr('10.0.0.0/8'), cidr('10.0.0.0/8'))).toBe(false);
    expect(strictlyContains(cidr('10.0.0.0/9'), cidr('10.0.0.0/8'))).toBe(false);
    expect(strictlyContains(cidr('10.0.0.0/8'), cidr('11.0.0.0/16'))).toBe(false);
    expect(strictlyContains(cidr('0.0.0.0/0'), cidr('::/1'))).toBe(false);
  });

  test('an address is in a range of its family only', () => {
    // THEN
    expect(containsAddress(cidr('10.0.0.0/8'), 0x0a000000n, 4)).toBe(true);
    expect(containsAddress(cidr('10.0.0.0/8'), 0x0affffffn, 4)).toBe(true);
    expect(containsAddress(cidr('10.0.0.0/8'), 0x0b000000n, 4)).toBe(false);
    expect(containsAddress(cidr('::/0'), 0x0a000000n, 4)).toBe(false);
  });
});
