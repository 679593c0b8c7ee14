/**
 * Sets of connections: for each protocol, a sorted list of disjoint port intervals within 1-65535.
 *
 * Values are immutable; every operation returns a new set. The printed form follows np-guard's connlist format
 * (`All Connections`, or `SCTP 1-9002,TCP 80,UDP 53`).
 */
import { Protocol } from '../model/types';

/** The first valid port number. */
export const MIN_PORT = 1;
/** The last valid port number. */
export const MAX_PORT = 65535;

/** The protocols in the order the connlist format prints them. */
export const PROTOCOLS: readonly Protocol[] = [Protocol.SCTP, Protocol.TCP, Protocol.UDP];

/** An inclusive port range. */
export interface PortRange {
  /** The first port. */
  readonly first: number;
  /** The last port (inclusive). */
  readonly last: number;
}

/** The ports of one protocol in a connection set. */
export interface ProtocolPorts {
  /** The protocol. */
  readonly protocol: Protocol;
  /** Sorted, disjoint, non-adjacent inclusive ranges. */
  readonly ranges: PortRange[];
}

/** Flat interval lists [s0, e0, s1, e1, ...], sorted, disjoint and non-adjacent. */
type Intervals = readonly number[];

const EMPTY: Intervals = [];
const FULL: Intervals = [MIN_PORT, MAX_PORT];

function protocolIndex(protocol: Protocol): number {
  const index = PROTOCOLS.indexOf(protocol);
  if (index < 0) throw new Error(`unknown protocol ${JSON.stringify(protocol)}; expected one of ${PROTOCOLS.join(', ')}`);
  return index;
}

function unionIntervals(a: Intervals, b: Intervals): Intervals {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let s: number;
    let e: number;
    if (j >= b.length || (i < a.length && a[i] <= b[j])) { s = a[i]; e = a[i + 1]; i += 2; } else { s = b[j]; e = b[j + 1]; j += 2; }
    const n = out.length;
    if (n > 0 && s <= out[n - 1] + 1) {
      if (e > out[n - 1]) out[n - 1] = e;
    } else {
      out.push(s, e);
    }
  }
  return out;
}

function intersectIntervals(a: Intervals, b: Intervals): Intervals {
  if (a.length === 0 || b.length === 0) return EMPTY;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i], b[j]);
    const e = Math.min(a[i + 1], b[j + 1]);
    if (s <= e) out.push(s, e);
    if (a[i + 1] < b[j + 1]) i += 2; else j += 2;
  }
  return out;
}

function subtractIntervals(a: Intervals, b: Intervals): Intervals {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let s = a[i];
    const e = a[i + 1];
    while (j < b.length && b[j + 1] < s) j += 2;
    let k = j;
    while (k < b.length && b[k] <= e) {
      if (b[k] > s) out.push(s, b[k] - 1);
      s = Math.max(s, b[k + 1] + 1);
      k += 2;
    }
    if (s <= e) out.push(s, e);
  }
  return out;
}

function sameIntervals(a: Intervals, b: Intervals): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function containsPort(a: Intervals, port: number): boolean {
  for (let i = 0; i < a.length; i += 2) {
    if (port < a[i]) return false;
    if (port <= a[i + 1]) return true;
  }
  return false;
}

/**
 * An immutable set of (protocol, port) pairs, kept per protocol as sorted disjoint port intervals.
 *
 * @example
 * ConnectionSet.ports(Protocol.TCP, 8080, 8081).union(ConnectionSet.port(Protocol.UDP, 53)).toString();
 * // 'TCP 8080-8081,UDP 53'
 */
export class ConnectionSet {
  /** No connections. */
  public static readonly NONE = new ConnectionSet([EMPTY, EMPTY, EMPTY]);
  /** Every port of every protocol. */
  public static readonly ALL = new ConnectionSet([FULL, FULL, FULL]);

  /** Every port of one protocol. */
  public static protocol(protocol: Protocol): ConnectionSet {
    return ConnectionSet.ports(protocol, MIN_PORT, MAX_PORT);
  }

  /** One port of one protocol. */
  public static port(protocol: Protocol, port: number): ConnectionSet {
    return ConnectionSet.ports(protocol, port, port);
  }

  /** An inclusive port range of one protocol; ports outside 1-65535 are clipped, an empty range gives NONE. */
  public static ports(protocol: Protocol, first: number, last: number): ConnectionSet {
    const s = Math.max(MIN_PORT, first);
    const e = Math.min(MAX_PORT, last);
    if (s > e) return ConnectionSet.NONE;
    const parts: Intervals[] = [EMPTY, EMPTY, EMPTY];
    parts[protocolIndex(protocol)] = [s, e];
    return new ConnectionSet(parts);
  }

  /** The union of several sets. */
  public static unionOf(sets: Iterable<ConnectionSet>): ConnectionSet {
    let result = ConnectionSet.NONE;
    for (const set of sets) result = result.union(set);
    return result;
  }

  private text?: string;

  private constructor(private readonly parts: readonly Intervals[]) {}

  /** Whether the set holds no connection. */
  public isEmpty(): boolean {
    return this.parts[0].length === 0 && this.parts[1].length === 0 && this.parts[2].length === 0;
  }

  /** Whether the set holds every port of every protocol. */
  public isAll(): boolean {
    return this.parts.every(p => p.length === 2 && p[0] === MIN_PORT && p[1] === MAX_PORT);
  }

  /** Whether the set holds the port of the protocol. */
  public contains(protocol: Protocol, port: number): boolean {
    return containsPort(this.parts[protocolIndex(protocol)], port);
  }

  /** Connections in this set or in `other`. */
  public union(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || other.isAll()) return other;
    return new ConnectionSet(this.parts.map((p, i) => unionIntervals(p, other.parts[i])));
  }

  /** Connections in both this set and `other`. */
  public intersect(other: ConnectionSet): ConnectionSet {
    if (other.isAll() || this.isEmpty()) return this;
    if (this.isAll() || other.isEmpty()) return other;
    return new ConnectionSet(this.parts.map((p, i) => intersectIntervals(p, other.parts[i])));
  }

  /** Connections in this set but not in `other`. */
  public subtract(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    return new ConnectionSet(this.parts.map((p, i) => subtractIntervals(p, other.parts[i])));
  }

  /** Whether both sets hold exactly the same connections. */
  public equals(other: ConnectionSet): boolean {
    return this.parts.every((p, i) => sameIntervals(p, other.parts[i]));
  }

  /** The ranges of one protocol. */
  public ranges(protocol: Protocol): PortRange[] {
    const p = this.parts[protocolIndex(protocol)];
    const out: PortRange[] = [];
    for (let i = 0; i < p.length; i += 2) out.push({ first: p[i], last: p[i + 1] });
    return out;
  }

  /** The non-empty protocols with their ranges, in SCTP, TCP, UDP order. */
  public protocols(): ProtocolPorts[] {
    return PROTOCOLS.map(protocol => ({ protocol, ranges: this.ranges(protocol) })).filter(p => p.ranges.length > 0);
  }

  /**
   * The connlist text: `All Connections`, `No Connections` for the empty set, or protocol groups such as
   * `SCTP 1-9002,9004-65535,TCP 80,UDP 53`.
   */
  public toString(): string {
    if (this.text === undefined) {
      if (this.isAll()) this.text = 'All Connections';
      else if (this.isEmpty()) this.text = 'No Connections';
      else {
        this.text = this.protocols()
          .map(p => `${p.protocol} ${p.ranges.map(r => (r.first === r.last ? `${r.first}` : `${r.first}-${r.last}`)).join(',')}`)
          .join(',');
      }
    }
    return this.text;
  }
}
