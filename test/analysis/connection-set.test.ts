import { ConnectionSet } from '../../lib/analysis';
import { Protocol } from '../../lib/model/types';

describe('ConnectionSet', () => {
  test('merges adjacent and overlapping ranges into one', () => {
    // GIVEN TCP 8080 and TCP 8081, and TCP 10-20 with TCP 15-30
    // WHEN they are united
    const adjacent = ConnectionSet.port(Protocol.TCP, 8080).union(ConnectionSet.port(Protocol.TCP, 8081));
    const overlapping = ConnectionSet.ports(Protocol.TCP, 10, 20).union(ConnectionSet.ports(Protocol.TCP, 15, 30));
    // THEN each prints as one range
    expect(adjacent.toString()).toBe('TCP 8080-8081');
    expect(overlapping.toString()).toBe('TCP 10-30');
  });

  test('prints protocols in the order SCTP, TCP, UDP with ascending items', () => {
    // GIVEN ports added out of order
    const set = ConnectionSet.port(Protocol.UDP, 53)
      .union(ConnectionSet.port(Protocol.TCP, 443))
      .union(ConnectionSet.port(Protocol.TCP, 80))
      .union(ConnectionSet.port(Protocol.SCTP, 9));
    // WHEN printed  THEN the order is fixed
    expect(set.toString()).toBe('SCTP 9,TCP 80,443,UDP 53');
  });

  test('is "All Connections" when built from three full endPort ranges', () => {
    // GIVEN 1-65535 for each protocol separately
    const set = ConnectionSet.unionOf([Protocol.TCP, Protocol.UDP, Protocol.SCTP].map(p => ConnectionSet.ports(p, 1, 65535)));
    // THEN it is the full set
    expect(set.isAll()).toBe(true);
    expect(set.toString()).toBe('All Connections');
  });

  test('prints a full single protocol as a range, not as All Connections', () => {
    // GIVEN every TCP port
    // WHEN printed
    // THEN it is a TCP range, since UDP and SCTP are missing
    expect(ConnectionSet.protocol(Protocol.TCP).toString()).toBe('TCP 1-65535');
  });

  test('subtracts into the complement ranges', () => {
    // GIVEN everything minus TCP 80 and SCTP 9003
    const set = ConnectionSet.ALL.subtract(ConnectionSet.port(Protocol.TCP, 80)).subtract(ConnectionSet.port(Protocol.SCTP, 9003));
    // THEN the gaps show
    expect(set.toString()).toBe('SCTP 1-9002,9004-65535,TCP 1-79,81-65535,UDP 1-65535');
  });

  test('intersects per protocol', () => {
    // GIVEN overlapping TCP ranges and disjoint UDP ports
    // WHEN intersected
    // THEN only the TCP overlap remains
    const a = ConnectionSet.ports(Protocol.TCP, 1, 100).union(ConnectionSet.port(Protocol.UDP, 53));
    const b = ConnectionSet.ports(Protocol.TCP, 50, 200).union(ConnectionSet.port(Protocol.UDP, 54));
    expect(a.intersect(b).toString()).toBe('TCP 50-100');
    expect(a.intersect(ConnectionSet.NONE).isEmpty()).toBe(true);
  });

  test('answers membership at range boundaries', () => {
    // GIVEN TCP 32000-32768
    // WHEN asking about the ports around both ends
    // THEN the ends are in and their neighbours out
    const set = ConnectionSet.ports(Protocol.TCP, 32000, 32768);
    expect([31999, 32000, 32768, 32769].map(p => set.contains(Protocol.TCP, p))).toEqual([false, true, true, false]);
    expect(set.contains(Protocol.UDP, 32000)).toBe(false);
  });

  test('compares by content', () => {
    // GIVEN the same ports built two ways, and a different range
    // WHEN compared
    // THEN equality follows content
    const a = ConnectionSet.ports(Protocol.TCP, 1, 2).union(ConnectionSet.port(Protocol.TCP, 3));
    expect(a.equals(ConnectionSet.ports(Protocol.TCP, 1, 3))).toBe(true);
    expect(a.equals(ConnectionSet.ports(Protocol.TCP, 1, 4))).toBe(false);
  });
});
