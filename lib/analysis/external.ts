/**
 * Addresses outside the cluster: ipBlock matching and the partition of the IPv4 space into the ranges the
 * connlist prints.
 *
 * Decision on IPv6: the connection list covers the IPv4 space only, like the conformance reference. IPv6 ipBlocks
 * neither cut the IPv4 space nor match an IPv4 range; they do match IPv6 addresses given to `Analysis.allowed()`
 * and `Analysis.explain()`.
 */
import { Cidr, formatAddress, parseCidr } from '../model/cidr';
import { IpBlockModel } from '../model/types';

/** The last IPv4 address as a number. */
export const MAX_IPV4 = 0xffffffff;

/** An inclusive range of IPv4 addresses, as unsigned 32-bit numbers. */
export interface Ipv4Range {
  /** The first address. */
  readonly first: number;
  /** The last address (inclusive). */
  readonly last: number;
}

/** An ipBlock ready for matching: the cidr and its excepts, parsed. */
export class CompiledIpBlock {
  /** Parses an ipBlock model; throws if the cidr does not parse (loaded policies are validated before). */
  public static of(block: IpBlockModel): CompiledIpBlock {
    const cidr = parseCidr(block.cidr);
    if (typeof cidr === 'string') throw new Error(cidr);
    const excepts: Cidr[] = [];
    for (const text of block.exceptCidrs ?? []) {
      const except = parseCidr(text);
      if (typeof except === 'string') throw new Error(except);
      excepts.push(except);
    }
    return new CompiledIpBlock(block, cidr, excepts);
  }

  private constructor(
    /** The model it was made from. */
    public readonly model: IpBlockModel,
    private readonly cidr: Cidr,
    private readonly excepts: Cidr[],
  ) {}

  /** Whether the address (of the family) is inside the cidr and outside every except. */
  public containsAddress(address: bigint, family: 4 | 6): boolean {
    const inside = (c: Cidr) => c.family === family && address >= c.network && address <= c.last;
    return inside(this.cidr) && !this.excepts.some(inside);
  }

  /** The IPv4 ranges the block covers (cidr minus excepts), sorted and merged; empty for an IPv6 block. */
  public ipv4Ranges(): Ipv4Range[] {
    if (this.cidr.family !== 4) return [];
    const cuts = this.excepts
      .filter(e => e.family === 4)
      .map(e => ({ first: Number(e.network), last: Number(e.last) }))
      .sort((a, b) => a.first - b.first);
    const out: Ipv4Range[] = [];
    let start = Number(this.cidr.network);
    const end = Number(this.cidr.last);
    for (const cut of cuts) {
      if (cut.last < start) continue;
      if (cut.first > start) out.push({ first: start, last: Math.min(cut.first - 1, end) });
      start = Math.max(start, cut.last + 1);
      if (start > end) break;
    }
    if (start <= end) out.push({ first: start, last: end });
    return out;
  }

  /** The model as text (`10.0.0.0/8 except 10.1.0.0/16`). */
  public toString(): string {
    const excepts = this.model.exceptCidrs ?? [];
    return excepts.length ? `${this.model.cidr} except ${excepts.join(', ')}` : this.model.cidr;
  }
}

/**
 * Cuts the IPv4 space at the boundaries of every range of every block, giving sorted disjoint ranges that cover
 * 0.0.0.0-255.255.255.255. Each block then covers each resulting range either fully or not at all.
 */
export function partitionIpv4(blocks: Iterable<CompiledIpBlock>): Ipv4Range[] {
  const starts = new Set<number>([0]);
  for (const block of blocks) {
    for (const range of block.ipv4Ranges()) {
      starts.add(range.first);
      if (range.last < MAX_IPV4) starts.add(range.last + 1);
    }
  }
  const sorted = [...starts].sort((a, b) => a - b);
  return sorted.map((first, i) => ({ first, last: i + 1 < sorted.length ? sorted[i + 1] - 1 : MAX_IPV4 }));
}

/** Formats an IPv4 range as the connlist does: `first-last`, dotted quads (`1.2.3.4-1.2.3.4` for one address). */
export function formatIpv4Range(range: Ipv4Range): string {
  return `${formatAddress(BigInt(range.first), 4)}-${formatAddress(BigInt(range.last), 4)}`;
}

/** Parses an IPv4 or IPv6 address (no prefix), or returns undefined. */
export function parseAddress(text: string): { address: bigint; family: 4 | 6 } | undefined {
  if (!/^[0-9a-fA-F.:]+$/.test(text) || !(text.includes('.') || text.includes(':'))) return undefined;
  const family = text.includes(':') ? 6 : 4;
  const parsed = parseCidr(`${text}/${family === 4 ? 32 : 128}`);
  if (typeof parsed === 'string') return undefined;
  return { address: parsed.address, family };
}
