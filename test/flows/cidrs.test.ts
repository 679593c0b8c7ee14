import { groupAddresses } from '../../lib/flows/cidrs';

describe('groupAddresses', () => {
  test('one address is its own /32', () => {
    expect(groupAddresses(['151.101.1.69'])).toEqual({ cidrs: ['151.101.1.69/32'], invalid: [] });
  });

  test('addresses sharing a /24 merge into the smallest covering prefix', () => {
    expect(groupAddresses(['203.0.113.10', '203.0.113.20']).cidrs).toEqual(['203.0.113.0/27']);
    expect(groupAddresses(['198.51.100.7', '198.51.100.9', '198.51.100.7']).cidrs).toEqual(['198.51.100.0/28']);
    expect(groupAddresses(['10.1.2.0', '10.1.2.255']).cidrs).toEqual(['10.1.2.0/24']);
    expect(groupAddresses(['10.1.2.4', '10.1.2.5']).cidrs).toEqual(['10.1.2.4/31']);
  });

  test('never merges across /24 boundaries, so never wider than a /24 and never 0.0.0.0/0', () => {
    const { cidrs } = groupAddresses(['1.1.1.1', '8.8.8.8', '203.0.113.255', '203.0.114.0', '255.255.255.255', '0.0.0.0']);
    expect(cidrs).toEqual(['0.0.0.0/32', '1.1.1.1/32', '8.8.8.8/32', '203.0.113.255/32', '203.0.114.0/32', '255.255.255.255/32']);
  });

  test('IPv6: /128 each, merged within a /64, listed after IPv4', () => {
    expect(groupAddresses(['2001:db8::1', '10.0.0.1', '2001:db8::8', '2001:db8:0:1::1']).cidrs).toEqual(['10.0.0.1/32', '2001:db8::/124', '2001:db8:0:1::1/128']);
  });

  test('reports what is not an address', () => {
    expect(groupAddresses(['203.0.113.300', 'example.com', '203.0.113.1'])).toEqual({ cidrs: ['203.0.113.1/32'], invalid: ['203.0.113.300', 'example.com'] });
  });
});
