import { CompiledIpBlock, formatIpv4Range, parseAddress, partitionIpv4 } from '../../lib/analysis';

function ranges(...blocks: { cidr: string; exceptCidrs?: string[] }[]): string[] {
  return partitionIpv4(blocks.map(b => CompiledIpBlock.of(b))).map(formatIpv4Range);
}

describe('the IPv4 partition of external addresses', () => {
  test('is the whole space when there is no ipBlock', () => {
    // GIVEN no ipBlock
    // WHEN partitioned
    // THEN one range covers everything
    expect(ranges()).toEqual(['0.0.0.0-255.255.255.255']);
  });

  test('cuts 0.0.0.0/0 minus three excepts into seven ranges', () => {
    // GIVEN 0.0.0.0/0 except 10/8, 172.21/16, 172.30/16
    // WHEN the space is partitioned
    // THEN the excepts and the gaps between them are separate ranges
    expect(ranges({ cidr: '0.0.0.0/0', exceptCidrs: ['10.0.0.0/8', '172.21.0.0/16', '172.30.0.0/16'] })).toEqual([
      '0.0.0.0-9.255.255.255', '10.0.0.0-10.255.255.255', '11.0.0.0-172.20.255.255', '172.21.0.0-172.21.255.255',
      '172.22.0.0-172.29.255.255', '172.30.0.0-172.30.255.255', '172.31.0.0-255.255.255.255',
    ]);
  });

  test('cuts 10.0.0.0/8 except 10.10.0.0/16 into five ranges', () => {
    // GIVEN 10.0.0.0/8 except 10.10.0.0/16
    // WHEN partitioned
    // THEN both the cidr and the except boundaries cut
    expect(ranges({ cidr: '10.0.0.0/8', exceptCidrs: ['10.10.0.0/16'] })).toEqual([
      '0.0.0.0-9.255.255.255', '10.0.0.0-10.9.255.255', '10.10.0.0-10.10.255.255', '10.11.0.0-10.255.255.255', '11.0.0.0-255.255.255.255',
    ]);
  });

  test('treats adjacent excepts through the resulting set only', () => {
    // GIVEN excepts 10.0.0.0/9 and 10.128.0.0/9, which together are 10.0.0.0/8
    // THEN there is no cut at 10.128.0.0
    expect(ranges({ cidr: '0.0.0.0/0', exceptCidrs: ['10.0.0.0/9', '10.128.0.0/9'] })).toEqual([
      '0.0.0.0-9.255.255.255', '10.0.0.0-10.255.255.255', '11.0.0.0-255.255.255.255',
    ]);
  });

  test('writes a single address as a range of one', () => {
    // GIVEN a /32
    // WHEN partitioned
    // THEN that address is a range of its own, written a-a
    expect(ranges({ cidr: '8.8.8.8/32' })).toContain('8.8.8.8-8.8.8.8');
  });

  test('ignores IPv6 blocks without failing', () => {
    // GIVEN only an IPv6 block
    // WHEN the IPv4 space is partitioned
    // THEN it is not cut
    expect(ranges({ cidr: '2001:db8::/32' })).toEqual(['0.0.0.0-255.255.255.255']);
  });

  test('matches IPv6 addresses against IPv6 blocks', () => {
    // GIVEN an IPv6 block with an except
    const block = CompiledIpBlock.of({ cidr: '2001:db8::/32', exceptCidrs: ['2001:db8:1::/48'] });
    const inside = parseAddress('2001:db8::1')!;
    const excepted = parseAddress('2001:db8:1::1')!;
    const v4 = parseAddress('10.0.0.1')!;
    // THEN membership follows cidr minus except, and IPv4 never matches
    expect(block.containsAddress(inside.address, inside.family)).toBe(true);
    expect(block.containsAddress(excepted.address, excepted.family)).toBe(false);
    expect(block.containsAddress(v4.address, v4.family)).toBe(false);
  });
});
