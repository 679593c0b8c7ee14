import { ErrorCode, fail } from './errors';
import { checkPortName, checkPortNumber } from './model/validation';
import { PortModel, Protocol } from './model/types';

/**
 * A port (or range, or every port) of one protocol that a rule allows; or, with `Port.allTraffic()`, every port of
 * every protocol.
 *
 * Ports are values: build them with the static factories, which validate against the Kubernetes rules.
 *
 * @example
 * Port.tcp(8080)            // TCP 8080
 * Port.tcpRange(8000, 8080) // TCP 8000-8080
 * Port.allUdp()             // UDP, every port
 * Port.named('metrics')     // the destination container port named "metrics", TCP
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports
 */
export class Port {
  /** A single TCP port (1-65535). */
  public static tcp(port: number): Port {
    return Port.single('Port.tcp()', Protocol.TCP, port);
  }

  /** A single UDP port (1-65535). */
  public static udp(port: number): Port {
    return Port.single('Port.udp()', Protocol.UDP, port);
  }

  /** A single SCTP port (1-65535). */
  public static sctp(port: number): Port {
    return Port.single('Port.sctp()', Protocol.SCTP, port);
  }

  /** An inclusive range of TCP ports (`port` + `endPort`). */
  public static tcpRange(startPort: number, endPort: number): Port {
    return Port.range('Port.tcpRange()', Protocol.TCP, startPort, endPort);
  }

  /** An inclusive range of UDP ports (`port` + `endPort`). */
  public static udpRange(startPort: number, endPort: number): Port {
    return Port.range('Port.udpRange()', Protocol.UDP, startPort, endPort);
  }

  /** An inclusive range of SCTP ports (`port` + `endPort`). */
  public static sctpRange(startPort: number, endPort: number): Port {
    return Port.range('Port.sctpRange()', Protocol.SCTP, startPort, endPort);
  }

  /** Every TCP port, rendered as `protocol: TCP` with no port. */
  public static allTcp(): Port {
    return new Port(Protocol.TCP);
  }

  /** Every UDP port, rendered as `protocol: UDP` with no port. */
  public static allUdp(): Port {
    return new Port(Protocol.UDP);
  }

  /** Every SCTP port, rendered as `protocol: SCTP` with no port. */
  public static allSctp(): Port {
    return new Port(Protocol.SCTP);
  }

  /**
   * A named container port of the destination pods (IANA_SVC_NAME: at most 15 lowercase letters, digits and '-').
   *
   * Kubernetes resolves the name against each destination pod's own container ports; a pod without a port of that
   * name and protocol is not reachable through this rule.
   *
   * @param name the container port's name, e.g. "metrics"
   * @param protocol the protocol of the container port
   * @default protocol Protocol.TCP
   */
  public static named(name: string, protocol: Protocol = Protocol.TCP): Port {
    const problem = checkPortName(name);
    if (problem) fail(ErrorCode.INVALID_PORT_NAME, 'Port.named()', `${problem}.`);
    if (![Protocol.TCP, Protocol.UDP, Protocol.SCTP].includes(protocol)) {
      fail(ErrorCode.INVALID_PORT, 'Port.named()', `protocol ${JSON.stringify(protocol)} is not one of TCP, UDP, SCTP.`);
    }
    return new Port(protocol, undefined, undefined, name);
  }

  /**
   * Every port of every protocol: the rule renders with no `ports` field. It cannot be combined with other ports.
   */
  public static allTraffic(): Port {
    return new Port(undefined);
  }

  /** DNS over UDP (53). */
  public static readonly DNS_UDP = Port.udp(53);
  /** DNS over TCP (53), needed for answers larger than a UDP datagram. */
  public static readonly DNS_TCP = Port.tcp(53);
  /** HTTP (TCP 80). */
  public static readonly HTTP = Port.tcp(80);
  /** HTTPS (TCP 443). */
  public static readonly HTTPS = Port.tcp(443);
  /** PostgreSQL (TCP 5432). */
  public static readonly POSTGRES = Port.tcp(5432);
  /** MySQL (TCP 3306). */
  public static readonly MYSQL = Port.tcp(3306);
  /** Redis (TCP 6379). */
  public static readonly REDIS = Port.tcp(6379);

  private static single(api: string, protocol: Protocol, port: number): Port {
    const problem = checkPortNumber(port);
    if (problem) fail(ErrorCode.INVALID_PORT, api, `${problem}. For every ${protocol} port use Port.all${capitalize(protocol)}().`);
    return new Port(protocol, port);
  }

  private static range(api: string, protocol: Protocol, startPort: number, endPort: number): Port {
    const startProblem = checkPortNumber(startPort);
    if (startProblem) fail(ErrorCode.INVALID_PORT, api, `start ${startProblem}.`);
    const endProblem = checkPortNumber(endPort);
    if (endProblem) fail(ErrorCode.INVALID_PORT, api, `end ${endProblem}.`);
    if (endPort < startPort) {
      fail(ErrorCode.INVALID_PORT_RANGE, api, `range ${startPort}-${endPort} ends before it starts; did you mean ${endPort}-${startPort}?`);
    }
    return startPort === endPort ? new Port(protocol, startPort) : new Port(protocol, startPort, endPort);
  }

  /** The protocol; undefined for `Port.allTraffic()`. */
  public readonly protocol?: Protocol;
  /** The port number, or the first of a range; undefined for every port or a named port. */
  public readonly portNumber?: number;
  /** The last port of a range; undefined for a single port. */
  public readonly endPort?: number;
  /** The container port name of a named port. */
  public readonly portName?: string;

  private constructor(protocol?: Protocol, port?: number, endPort?: number, portName?: string) {
    this.protocol = protocol;
    this.portNumber = port;
    this.endPort = endPort;
    this.portName = portName;
  }

  /** Whether this is `Port.allTraffic()`. */
  public get isAllTraffic(): boolean {
    return this.protocol === undefined;
  }

  /** A key equal for equal ports, used to drop duplicates. */
  public get uniqueId(): string {
    return this.toString();
  }

  /** The `ports[]` entry this port renders to; undefined for `Port.allTraffic()`, which renders as no `ports`. */
  public toModel(): PortModel | undefined {
    if (this.protocol === undefined) return undefined;
    const model: { protocol: Protocol; port?: number; endPort?: number; portName?: string } = { protocol: this.protocol };
    if (this.portNumber !== undefined) model.port = this.portNumber;
    if (this.endPort !== undefined) model.endPort = this.endPort;
    if (this.portName !== undefined) model.portName = this.portName;
    return model;
  }

  /** `TCP 8080`, `UDP 53`, `TCP 8000-8080`, `TCP metrics`, `SCTP all ports`, `all traffic`. */
  public toString(): string {
    if (this.protocol === undefined) return 'all traffic';
    if (this.portName !== undefined) return `${this.protocol} ${this.portName}`;
    if (this.portNumber === undefined) return `${this.protocol} all ports`;
    return this.endPort === undefined ? `${this.protocol} ${this.portNumber}` : `${this.protocol} ${this.portNumber}-${this.endPort}`;
  }
}

function capitalize(protocol: Protocol): string {
  return protocol.charAt(0) + protocol.slice(1).toLowerCase();
}

/**
 * Turns a rule's ports into `ports[]` entries: undefined for `Port.allTraffic()` (no `ports` field), duplicates
 * dropped, order kept. Throws for an empty list or "all traffic" mixed with other ports.
 * @internal
 */
export function portsToModel(api: string, ports: Port[]): PortModel[] | undefined {
  if (ports.length === 0) {
    fail(ErrorCode.INVALID_PORTS, api, 'ports is empty. List the ports to allow (e.g. [Port.tcp(8080)]), or say [Port.allTraffic()] to allow every port of every protocol.');
  }
  if (ports.some(p => p.isAllTraffic)) {
    if (ports.length > 1) {
      fail(ErrorCode.INVALID_PORTS, api, `Port.allTraffic() already allows every port, but other ports were listed too (${ports.map(p => p.toString()).join(', ')}). Keep Port.allTraffic() alone, or list only the ports.`);
    }
    return undefined;
  }
  const seen = new Set<string>();
  const models: PortModel[] = [];
  for (const port of ports) {
    if (seen.has(port.uniqueId)) continue;
    seen.add(port.uniqueId);
    models.push(port.toModel()!);
  }
  return models;
}
