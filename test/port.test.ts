import { ErrorCode, Port, Protocol } from '../lib';
import { portsToModel } from '../lib/port';
import { renderPolicySpec } from '../lib/model/render';

/** Asserts that `fn` throws a NetpolError with this code and a message matching `message`. */
function expectError(fn: () => unknown, code: ErrorCode, message: string | RegExp): void {
  expect(fn).toThrow(message);
  expect(fn).toThrow(expect.objectContaining({ code }));
}

/** The `ports[0]` entry of a rendered ingress rule holding only `port`. */
function rendered(port: Port): any {
  return renderPolicySpec({ name: 'x', podSelector: {}, ingress: [{ ports: portsToModel('test', [port]) }] }).ingress[0].ports[0];
}

describe('single ports', () => {
  test.each([
    ['tcp', Port.tcp(8080), Protocol.TCP, 8080, 'TCP 8080'],
    ['udp', Port.udp(53), Protocol.UDP, 53, 'UDP 53'],
    ['sctp', Port.sctp(9899), Protocol.SCTP, 9899, 'SCTP 9899'],
  ])('Port.%s() renders protocol and port', (_name, port, protocol, number, text) => {
    // THEN
    expect(port.toModel()).toEqual({ protocol, port: number });
    expect(port.toString()).toBe(text);
    expect(port.protocol).toBe(protocol);
    expect(port.portNumber).toBe(number);
    expect(port.endPort).toBeUndefined();
    expect(port.portName).toBeUndefined();
    expect(port.isAllTraffic).toBe(false);
  });

  test('accepts the first and the last port', () => {
    // THEN
    expect(Port.tcp(1).toString()).toBe('TCP 1');
    expect(Port.udp(65535).toString()).toBe('UDP 65535');
  });

  test('renders protocol before port', () => {
    // THEN
    expect(Object.keys(rendered(Port.tcp(8080)))).toEqual(['protocol', 'port']);
    expect(rendered(Port.tcp(8080))).toEqual({ protocol: 'TCP', port: 8080 });
  });

  test('throws if the port is 0, and points to Port.allTcp() for every port', () => {
    // THEN
    expectError(() => Port.tcp(0), ErrorCode.INVALID_PORT,
      'Port.tcp(): port 0 is not an integer from 1 to 65535. For every TCP port use Port.allTcp().');
  });

  test('throws if the port is above 65535', () => {
    // THEN
    expectError(() => Port.udp(65536), ErrorCode.INVALID_PORT,
      'Port.udp(): port 65536 is not an integer from 1 to 65535. For every UDP port use Port.allUdp().');
  });

  test('throws if the port is not an integer', () => {
    // THEN
    expectError(() => Port.sctp(1.5), ErrorCode.INVALID_PORT,
      'Port.sctp(): port 1.5 is not an integer from 1 to 65535. For every SCTP port use Port.allSctp().');
  });

  test('throws if the port is negative', () => {
    // THEN
    expectError(() => Port.tcp(-1), ErrorCode.INVALID_PORT, /port -1 is not an integer from 1 to 65535/);
  });

  test('throws if the port is NaN', () => {
    // THEN
    expectError(() => Port.tcp(NaN), ErrorCode.INVALID_PORT, /^Port\.tcp\(\): port .* is not an integer from 1 to 65535/);
  });

  test('quotes NaN as NaN, not as null, in the error', () => {
    // THEN: JSON.stringify(NaN) is "null", which names a value the user never passed
    expect(() => Port.tcp(NaN)).toThrow('Port.tcp(): port NaN is not an integer from 1 to 65535');
  });

  test('throws if the port is Infinity', () => {
    // THEN
    expectError(() => Port.tcp(Infinity), ErrorCode.INVALID_PORT, /is not an integer from 1 to 65535/);
  });
});

describe('port ranges', () => {
  test.each([
    ['tcpRange', Port.tcpRange(8000, 8080), Protocol.TCP, 'TCP 8000-8080'],
    ['udpRange', Port.udpRange(8000, 8080), Protocol.UDP, 'UDP 8000-8080'],
    ['sctpRange', Port.sctpRange(8000, 8080), Protocol.SCTP, 'SCTP 8000-8080'],
  ])('Port.%s() renders port and endPort', (_name, port, protocol, text) => {
    // THEN
    expect(port.toModel()).toEqual({ protocol, port: 8000, endPort: 8080 });
    expect(port.toString()).toBe(text);
  });

  test('renders protocol, port and endPort in that order', () => {
    // THEN
    expect(rendered(Port.tcpRange(8000, 8080))).toEqual({ protocol: 'TCP', port: 8000, endPort: 8080 });
    expect(Object.keys(rendered(Port.tcpRange(8000, 8080)))).toEqual(['protocol', 'port', 'endPort']);
  });

  test('a range of one port renders as a single port without endPort', () => {
    // WHEN
    const port = Port.tcpRange(443, 443);

    // THEN
    expect(port.toModel()).toEqual({ protocol: Protocol.TCP, port: 443 });
    expect(port.endPort).toBeUndefined();
    expect(port.toString()).toBe('TCP 443');
    expect(port.uniqueId).toBe(Port.tcp(443).uniqueId);
  });

  test('accepts the whole range 1-65535', () => {
    // THEN
    expect(Port.udpRange(1, 65535).toString()).toBe('UDP 1-65535');
  });

  test('throws if the range ends before it starts, and suggests the reversed range', () => {
    // THEN
    expectError(() => Port.tcpRange(8080, 8000), ErrorCode.INVALID_PORT_RANGE,
      'Port.tcpRange(): range 8080-8000 ends before it starts; did you mean 8000-8080?');
    expectError(() => Port.udpRange(2, 1), ErrorCode.INVALID_PORT_RANGE, /^Port\.udpRange\(\): range 2-1 ends before it starts/);
    expectError(() => Port.sctpRange(2, 1), ErrorCode.INVALID_PORT_RANGE, /^Port\.sctpRange\(\): range 2-1/);
  });

  test('throws if the start is not a port', () => {
    // THEN
    expectError(() => Port.tcpRange(0, 80), ErrorCode.INVALID_PORT,
      'Port.tcpRange(): start port 0 is not an integer from 1 to 65535.');
    expectError(() => Port.udpRange(1.5, 80), ErrorCode.INVALID_PORT, 'Port.udpRange(): start port 1.5 is not an integer');
  });

  test('throws if the end is not a port', () => {
    // THEN
    expectError(() => Port.tcpRange(80, 65536), ErrorCode.INVALID_PORT,
      'Port.tcpRange(): end port 65536 is not an integer from 1 to 65535.');
    expectError(() => Port.sctpRange(80, 80.5), ErrorCode.INVALID_PORT, 'Port.sctpRange(): end port 80.5 is not an integer');
  });
});

describe('every port of a protocol', () => {
  test.each([
    ['allTcp', Port.allTcp(), Protocol.TCP, 'TCP all ports'],
    ['allUdp', Port.allUdp(), Protocol.UDP, 'UDP all ports'],
    ['allSctp', Port.allSctp(), Protocol.SCTP, 'SCTP all ports'],
  ])('Port.%s() renders the protocol only, never port 0', (_name, port, protocol, text) => {
    // WHEN
    const model = port.toModel()!;

    // THEN
    expect(model.protocol).toBe(protocol);
    expect(model.port).toBeUndefined();
    expect(model.endPort).toBeUndefined();
    expect(model.portName).toBeUndefined();
    expect(rendered(port)).toEqual({ protocol });
    expect(port.toString()).toBe(text);
    expect(port.isAllTraffic).toBe(false);
  });
});

describe('named ports', () => {
  test('renders the name as the port, TCP by default', () => {
    // WHEN
    const port = Port.named('metrics');

    // THEN
    expect(port.toModel()).toEqual({ protocol: Protocol.TCP, portName: 'metrics' });
    expect(port.portName).toBe('metrics');
    expect(port.portNumber).toBeUndefined();
    expect(port.toString()).toBe('TCP metrics');
    expect(rendered(port)).toEqual({ protocol: 'TCP', port: 'metrics' });
  });

  test('takes another protocol', () => {
    // WHEN
    const port = Port.named('dns', Protocol.UDP);

    // THEN
    expect(port.toModel()).toEqual({ protocol: Protocol.UDP, portName: 'dns' });
    expect(port.toString()).toBe('UDP dns');
  });

  test('accepts 15 characters, digits and inner hyphens', () => {
    // THEN
    expect(Port.named('a23456789012345').portName).toBe('a23456789012345');
    expect(Port.named('http-2').portName).toBe('http-2');
    expect(Port.named('9p').portName).toBe('9p');
  });

  test('throws if the name is empty', () => {
    // THEN
    expectError(() => Port.named(''), ErrorCode.INVALID_PORT_NAME, 'Port.named(): port name "" is empty.');
  });

  test('throws if the name is longer than 15 characters', () => {
    // THEN
    expectError(() => Port.named('a234567890123456'), ErrorCode.INVALID_PORT_NAME,
      'Port.named(): port name "a234567890123456" is 16 characters long; at most 15 are allowed.');
  });

  test('throws if the name has uppercase letters', () => {
    // THEN
    expectError(() => Port.named('Metrics'), ErrorCode.INVALID_PORT_NAME,
      'Port.named(): port name "Metrics" may contain only lowercase letters, digits and \'-\'.');
  });

  test('throws if the name has other characters', () => {
    // THEN
    expectError(() => Port.named('http_2'), ErrorCode.INVALID_PORT_NAME, /port name "http_2" may contain only lowercase letters/);
    expectError(() => Port.named('a.b'), ErrorCode.INVALID_PORT_NAME, /port name "a.b" may contain only lowercase letters/);
  });

  test('throws if the name has no letter', () => {
    // THEN
    expectError(() => Port.named('8080'), ErrorCode.INVALID_PORT_NAME,
      'Port.named(): port name "8080" must contain at least one letter (a number is a port number, not a name).');
  });

  test("throws if the name contains '--'", () => {
    // THEN
    expectError(() => Port.named('http--alt'), ErrorCode.INVALID_PORT_NAME, 'Port.named(): port name "http--alt" must not contain \'--\'.');
  });

  test("throws if the name starts or ends with '-'", () => {
    // THEN
    expectError(() => Port.named('-http'), ErrorCode.INVALID_PORT_NAME, 'Port.named(): port name "-http" must not start or end with \'-\'.');
    expectError(() => Port.named('http-'), ErrorCode.INVALID_PORT_NAME, 'Port.named(): port name "http-" must not start or end with \'-\'.');
  });
});

describe('all traffic', () => {
  test('renders as no ports entry', () => {
    // WHEN
    const port = Port.allTraffic();

    // THEN
    expect(port.toModel()).toBeUndefined();
    expect(port.isAllTraffic).toBe(true);
    expect(port.protocol).toBeUndefined();
    expect(port.toString()).toBe('all traffic');
  });

  test('a rule with all traffic renders without a ports field', () => {
    // WHEN
    const spec = renderPolicySpec({ name: 'x', podSelector: {}, ingress: [{ ports: portsToModel('test', [Port.allTraffic()]) }] });

    // THEN
    expect(spec.ingress).toEqual([{}]);
  });
});

describe('constants', () => {
  test.each([
    ['DNS_UDP', Port.DNS_UDP, 'UDP 53'],
    ['DNS_TCP', Port.DNS_TCP, 'TCP 53'],
    ['HTTP', Port.HTTP, 'TCP 80'],
    ['HTTPS', Port.HTTPS, 'TCP 443'],
    ['POSTGRES', Port.POSTGRES, 'TCP 5432'],
    ['MYSQL', Port.MYSQL, 'TCP 3306'],
    ['REDIS', Port.REDIS, 'TCP 6379'],
  ])('Port.%s is %s', (_name, port, text) => {
    // THEN
    expect(port.toString()).toBe(text);
  });

  test('Port.DNS_UDP renders UDP 53', () => {
    // THEN
    expect(Port.DNS_UDP.toModel()).toEqual({ protocol: Protocol.UDP, port: 53 });
    expect(Port.DNS_TCP.toModel()).toEqual({ protocol: Protocol.TCP, port: 53 });
  });
});

describe('uniqueId', () => {
  test('is equal for equal ports and different for different ports', () => {
    // THEN
    expect(Port.tcp(80).uniqueId).toBe(Port.HTTP.uniqueId);
    expect(Port.tcp(53).uniqueId).not.toBe(Port.udp(53).uniqueId);
    expect(Port.named('dns', Protocol.UDP).uniqueId).not.toBe(Port.named('dns').uniqueId);
    expect(Port.allTcp().uniqueId).not.toBe(Port.allTraffic().uniqueId);
    expect(Port.tcpRange(1, 2).uniqueId).not.toBe(Port.tcp(1).uniqueId);
  });
});

describe('portsToModel()', () => {
  test('drops duplicates and keeps the order', () => {
    // WHEN
    const models = portsToModel('NetworkPolicy.allowFrom()', [Port.HTTPS, Port.DNS_UDP, Port.tcp(443), Port.tcpRange(53, 53), Port.DNS_TCP]);

    // THEN
    expect(models).toEqual([
      { protocol: Protocol.TCP, port: 443 },
      { protocol: Protocol.UDP, port: 53 },
      { protocol: Protocol.TCP, port: 53 },
    ]);
  });

  test('renders all traffic alone as no ports', () => {
    // THEN
    expect(portsToModel('x()', [Port.allTraffic()])).toBeUndefined();
  });

  test('throws if the list is empty', () => {
    // THEN
    expectError(() => portsToModel('NetworkPolicy.allowFrom()', []), ErrorCode.INVALID_PORTS,
      'NetworkPolicy.allowFrom(): ports is empty. List the ports to allow (e.g. [Port.tcp(8080)]), or say [Port.allTraffic()] to allow every port of every protocol.');
  });

  test('throws if all traffic is listed with other ports', () => {
    // THEN
    expectError(() => portsToModel('NetworkPolicy.allowFrom()', [Port.HTTPS, Port.allTraffic()]), ErrorCode.INVALID_PORTS,
      'NetworkPolicy.allowFrom(): Port.allTraffic() already allows every port, but other ports were listed too (TCP 443, all traffic). Keep Port.allTraffic() alone, or list only the ports.');
  });
});

describe('Port.named() protocol', () => {
  test('throws if the protocol is not TCP, UDP or SCTP', () => {
    expect(() => Port.named('metrics', 'ICMP' as any)).toThrow('Port.named(): protocol "ICMP" is not one of TCP, UDP, SCTP.');
  });

  test('renders without undefined keys', () => {
    expect(Object.keys(Port.named('dns', Protocol.UDP).toModel()!)).toEqual(['protocol', 'portName']);
  });
});
