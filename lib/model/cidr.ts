/**
 * CIDR arithmetic: strict parsing of IPv4 and IPv6 ranges, canonical formatting, containment.
 * Addresses are held as bigints so both families share one code path.
 */

/** A parsed CIDR. `address` may have host bits set; `network` never does. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
  /** The first address of the range (host bits cleared). */
  readonly network: bigint;
  /** The last address of the range. */
  readonly last: bigint;
}

/** Bits in an address of the family. */
export function familyBits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** Parses `text` as a CIDR, or returns the problem as a sentence. */
export function parseCidr(text: string): Cidr | string {
  if (typeof text !== 'string') return `CIDR ${JSON.stringify(text)} is not a string`;
  const quoted = `"${text}"`;
  const slash = text.indexOf('/');
  if (slash < 0) {
    const family = text.includes(':') ? 6 : 4;
    const address = family === 4 ? parseIpv4(text) : parseIpv6(text);
    if (typeof address === 'string') return `CIDR ${quoted} has no prefix length, and ${address}`;
    return `CIDR ${quoted} has no prefix length. Did you mean "${text}/${familyBits(family)}"?`;
  }
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family: 4 | 6 = addressText.includes(':') ? 6 : 4;
  const address = family === 4 ? parseIpv4(addressText) : parseIpv6(addressText);
  if (typeof address === 'string') return `CIDR ${quoted}: ${address}`;
  const bits = familyBits(family);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    return `CIDR ${quoted} has prefix length "${prefixText}"; an IPv${family} prefix is an integer from 0 to ${bits}`;
  }
  const prefix = Number(prefixText);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const network = address & ~hostMask;
  return { family, address, prefix, network, last: network | hostMask };
}

/** Formats the network of `cidr` canonically (`10.0.0.0/8`, `2001:db8::/32`). */
export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.network, cidr.family)}/${cidr.prefix}`;
}

/** Formats an address canonically (dotted quad, or RFC 5952 for IPv6). */
export function formatAddress(address: bigint, family: 4 | 6): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map(shift => String((address >> shift) & 255n)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((address >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run of two or more zero groups, the first one on ties.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map(g => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * Checks a CIDR as NetworkPolicy ipBlocks need it: parseable, and with no host bits set (the API server tolerates
 * host bits for old objects, but they always mean the user had a different range in mind).
 */
export function checkCidr(text: string): string | undefined {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') return parsed;
  if (parsed.address !== parsed.network) {
    return `CIDR "${text}" has host bits set. Did you mean "${formatCidr(parsed)}"?`;
  }
  return undefined;
}

/** Checks that `except` is a valid CIDR strictly inside `cidr` (both assumed to have passed checkCidr for cidr). */
export function checkExcept(cidrText: string, exceptText: string): string | undefined {
  const problem = checkCidr(exceptText);
  if (problem) return `except ${problem}`;
  if ((parseCidr(cidrText) as Cidr).family !== (parseCidr(exceptText) as Cidr).family) {
    return `except "${exceptText}" is not of the same address family as cidr "${cidrText}"; every except must be a smaller range within the cidr.`;
  }
  const outer = parseCidr(cidrText) as Cidr;
  const inner = parseCidr(exceptText) as Cidr;
  if (!strictlyContains(outer, inner)) {
    return `except "${exceptText}" is not strictly inside cidr "${cidrText}"; every except must be a smaller range within the cidr.`;
  }
  return undefined;
}

/** Whether `inner` is a proper sub-range of `outer` (same family, longer prefix, inside). */
export function strictlyContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.prefix > outer.prefix && inner.network >= outer.network && inner.last <= outer.last;
}

/** Whether the address lies in the range. */
export function containsAddress(cidr: Cidr, address: bigint, family: 4 | 6): boolean {
  return cidr.family === family && address >= cidr.network && address <= cidr.last;
}

function parseIpv4(text: string): bigint | string {
  const octets = text.split('.');
  if (octets.length !== 4) return `"${text}" is not an IPv4 address (four decimal octets, e.g. 10.0.0.0)`;
  let value = 0n;
  for (const octet of octets) {
    if (!/^[0-9]{1,3}$/.test(octet)) return `"${text}" is not an IPv4 address: octet "${octet}" is not a decimal number`;
    if (octet.length > 1 && octet.startsWith('0')) return `"${text}" has octet "${octet}" with a leading zero, which is ambiguous (octal or decimal)`;
    const n = Number(octet);
    if (n > 255) return `"${text}" has octet ${n}; IPv4 octets are 0 to 255`;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | string {
  const invalid = `"${text}" is not an IPv6 address`;
  if (text.includes('%')) return `${invalid}: zone indexes ("%...") are not allowed`;
  const doubleColon = text.indexOf('::');
  if (doubleColon !== text.lastIndexOf('::')) return `${invalid}: "::" may appear only once`;
  // An embedded IPv4 address may only stand for the last 32 bits of the whole address.
  const parseGroups = (part: string, endsAddress: boolean): number[] | string => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (endsAddress && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (typeof v4 === 'string') return `${invalid}: embedded ${v4}`;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return `${invalid}: group "${piece}" is not 1 to 4 hexadecimal digits`;
      groups.push(parseInt(piece, 16));
    }
    return groups;
  };
  let groups: number[];
  if (doubleColon >= 0) {
    const head = parseGroups(text.slice(0, doubleColon), false);
    if (typeof head === 'string') return head;
    const tail = parseGroups(text.slice(doubleColon + 2), true);
    if (typeof tail === 'string') return tail;
    if (head.length + tail.length > 7) return `${invalid}: too many groups around "::"`;
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (typeof all === 'string') return all;
    if (all.length !== 8) return `${invalid}: it has ${all.length} groups, not 8 (use "::" to compress zeros)`;
    groups = all;
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}
