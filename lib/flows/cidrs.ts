/**
 * Grouping observed external addresses into the CIDRs an allow names.
 *
 * The rule, chosen so a reviewer can predict it and so it never widens past a /24 (IPv4) or a /64 (IPv6):
 * - every address is its own /32 (IPv4) or /128 (IPv6);
 * - addresses that share a /24 (IPv4) or a /64 (IPv6) are merged into the smallest prefix covering all of them
 *   (10.0.0.10 and 10.0.0.20 become 10.0.0.0/27, which also admits the 30 unobserved addresses in between);
 * - nothing is merged across /24 (/64) boundaries, so the result is never 0.0.0.0/0 or any range wider than a /24.
 * The output is sorted by family, then address.
 */
import { formatCidr, parseCidr } from '../model/cidr';

/** What `groupAddresses` returns. */
export interface AddressGroups {
  /** The CIDRs, sorted (IPv4 first). */
  readonly cidrs: string[];
  /** Inputs that are not IP addresses, in input order. */
  readonly invalid: string[];
}

/** Groups addresses into CIDRs: one /32 (/128) each, merged per /24 (/64) into the smallest covering prefix. */
export function groupAddresses(addresses: string[]): AddressGroups {
  const invalid: string[] = [];
  const groups = new Map<string, { family: 4 | 6; min: bigint; max: bigint }>();
  for (const text of [...new Set(addresses)]) {
    const family: 4 | 6 = text.includes(':') ? 6 : 4;
    const parsed = parseCidr(`${text}/${family === 4 ? 32 : 128}`);
    if (typeof parsed === 'string') {
      invalid.push(text);
      continue;
    }
    const groupBits = family === 4 ? 8n : 64n;
    const key = `${family}/${(parsed.address >> groupBits).toString(16)}`;
    const group = groups.get(key);
    if (!group) groups.set(key, { family, min: parsed.address, max: parsed.address });
    else {
      if (parsed.address < group.min) group.min = parsed.address;
      if (parsed.address > group.max) group.max = parsed.address;
    }
  }
  const cidrs = [...groups.values()]
    .sort((a, b) => a.family - b.family || (a.min < b.min ? -1 : a.min > b.min ? 1 : 0))
    .map(g => coveringCidr(g.family, g.min, g.max));
  return { cidrs, invalid };
}

/** The smallest prefix containing both addresses. */
function coveringCidr(family: 4 | 6, min: bigint, max: bigint): string {
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  while (prefix > 0 && (min >> BigInt(bits - prefix)) !== (max >> BigInt(bits - prefix))) prefix--;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const network = min & ~hostMask;
  return formatCidr({ family, address: network, prefix, network, last: network | hostMask });
}
