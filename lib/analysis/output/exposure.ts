/**
 * The exposure outputs: np-guard netpol-analyzer's `k8snetpolicy list --exposure` text (the connection list, then an
 * `Exposure Analysis Result:` section), and a JSON rendering that adds an `exposure` list to the connection list's.
 */
import type { Analysis, Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { DirectionExposure, Exposure, ExposureConnections, ExposurePeer, hasClusterExposure, WorkloadExposure } from '../exposure';
import { _writeConnlistPieces, writeConnlist } from './connlist';
import type { ByteWriteOptions } from './index';
import { _writeJsonPieces, writeJson } from './json';
import { BytePieces, Pieces, textPieces } from './pieces';
import { collectText, memoized, Write } from './write';

/** The first line of the exposure section. */
export const EXPOSURE_HEADER = 'Exposure Analysis Result:';

/**
 * One exposure line: the workload padded to `width`, then `\t=>\t` (egress) or `\t<=\t` (ingress), the peer and the
 * connections, as np-guard prints it.
 */
export function exposureLine(workload: string, direction: 'ingress' | 'egress', exposure: Exposure, width = 0): string {
  return `${workload.padEnd(width)} \t${direction === 'ingress' ? '<=' : '=>'} \t${exposure.peer.name} : ${exposure.conns.toString()}`;
}

/**
 * The exposure section: `Exposure Analysis Result:`, then `Egress Exposure:`, `Ingress Exposure:` and
 * `Workloads not protected by network policies:`, each only when it has lines. Only workloads exposed to more than
 * addresses are listed (as np-guard does); their address lines are listed with them.
 */
export function formatExposureSection(exposure: readonly WorkloadExposure[]): string {
  return collectText(write => writeExposureSection(exposure, write));
}

/** Writes what `formatExposureSection` returns, line by line (only the unprotected workloads' lines are held, to sort). */
export function writeExposureSection(exposure: readonly WorkloadExposure[], write: Write): void {
  writeExposureSectionPieces(exposure, textPieces(write));
}

/**
 * `writeExposureSection` as pieces (text or bytes): each line is the workload's padded name, the direction and peer,
 * and the connections, each part prepared once.
 */
function writeExposureSectionPieces<P>(exposure: readonly WorkloadExposure[], out: Pieces<P>): void {
  const shown = exposure.filter(hasClusterExposure).map(e => ({ e, name: endpointName(e.workload) }));
  const width = Math.max(0, ...shown.map(s => s.name.length));
  const conns = memoized((c: ExposureConnections) => out.piece(`${c.toString()}\n`));
  const writeLines = (direction: 'ingress' | 'egress') => {
    const peer = memoized((p: ExposurePeer) => out.piece(` \t${direction === 'ingress' ? '<=' : '=>'} \t${p.name} : `));
    for (const { e, name } of shown) {
      const exposures = e[direction].exposures;
      if (exposures.length === 0) continue;
      const workload = out.piece(name.padEnd(width));
      for (const x of exposures) {
        out.put(workload);
        out.put(peer(x.peer));
        out.put(conns(x.conns));
      }
    }
  };
  out.text(`${EXPOSURE_HEADER}\n`);
  const hasEgress = shown.some(s => s.e.egress.exposures.length > 0);
  if (hasEgress) {
    out.text('Egress Exposure:\n');
    writeLines('egress');
  }
  if (shown.some(s => s.e.ingress.exposures.length > 0)) {
    out.text(`${hasEgress ? '\n' : ''}Ingress Exposure:\n`);
    writeLines('ingress');
  }
  const unprotected: string[] = [];
  for (const { e, name } of shown) {
    if (!e.ingress.protected) unprotected.push(`${name} is not protected on Ingress`);
    if (!e.egress.protected) unprotected.push(`${name} is not protected on Egress`);
  }
  unprotected.sort();
  if (unprotected.length > 0) out.text(`\nWorkloads not protected by network policies:\n${unprotected.join('\n')}\n`);
}

/** The text of `analyze --exposure`: the connection list, a blank line when it is not empty, the exposure section. */
export function formatConnlistWithExposure(connections: readonly Connection[], exposure: readonly WorkloadExposure[]): string {
  return collectText(write => writeConnlistWithExposure(connections, exposure, write));
}

/** Writes what `formatConnlistWithExposure` returns, one connection and one exposure line at a time. */
export function writeConnlistWithExposure(connections: Iterable<Connection>, exposure: readonly WorkloadExposure[], write: Write): void {
  let any = false;
  writeConnlist(connections, text => { any = true; write(text); });
  if (any) write('\n');
  writeExposureSection(exposure, write);
}

/** One exposure in the JSON output. */
export interface JsonExposure {
  /** The peer's printed name (`entire-cluster`, `ns/[all pods]`, `first-last[External]`, ...). */
  readonly peer: string;
  /** The peer, structured. */
  readonly peerDetails: ExposurePeer;
  /** The text of the connections. */
  readonly conn: string;
  /** Whether every port of every protocol is included. */
  readonly all: boolean;
  /** Per protocol, the numbered inclusive port ranges as `[first, last]` pairs. */
  readonly ports: { readonly [protocol: string]: [number, number][] };
  /** Per protocol, the named ports that could not be resolved to numbers. */
  readonly namedPorts: { readonly [protocol: string]: string[] };
}

/** One direction of a workload's exposure in the JSON output. */
export interface JsonDirectionExposure {
  /** Whether a policy selects the workload for this direction. */
  readonly protected: boolean;
  /** The exposures, sorted by peer name. */
  readonly exposures: JsonExposure[];
}

/** One workload's exposure in the JSON output. */
export interface JsonWorkloadExposure {
  /** The workload's name (`ns/name[Kind]`). */
  readonly workload: string;
  /** Who may connect to it. */
  readonly ingress: JsonDirectionExposure;
  /** Who it may connect to. */
  readonly egress: JsonDirectionExposure;
}

function jsonDirection(direction: DirectionExposure): JsonDirectionExposure {
  return {
    protected: direction.protected,
    exposures: direction.exposures.map(e => {
      const ports: { [protocol: string]: [number, number][] } = {};
      for (const p of e.conns.ports.protocols()) ports[p.protocol] = p.ranges.map(r => [r.first, r.last]);
      const namedPorts: { [protocol: string]: string[] } = {};
      for (const p of e.conns.namedPorts) (namedPorts[p.protocol] ??= []).push(p.name);
      return { peer: e.peer.name, peerDetails: e.peer, conn: e.conns.toString(), all: e.conns.isAll(), ports, namedPorts };
    }),
  };
}

/** Every workload's exposure as plain JSON-ready objects, sorted by workload name. */
export function toJsonExposure(exposure: readonly WorkloadExposure[]): JsonWorkloadExposure[] {
  return exposure.map(e => ({ workload: endpointName(e.workload), ingress: jsonDirection(e.ingress), egress: jsonDirection(e.egress) }));
}

/**
 * The connection list and the exposure as JSON: `{"connections": [...], ..., "exposure": [...]}`, the connections
 * exactly as `formatJson` writes them, then each workload's exposure (`JsonWorkloadExposure`) compact on a line of
 * its own. Every workload is listed in `exposure`, also those exposed to nothing beyond the input.
 */
export function formatJsonWithExposure(connections: readonly Connection[], exposure: readonly WorkloadExposure[]): string {
  return collectText(write => writeJsonWithExposure(connections, exposure, write));
}

/** Writes what `formatJsonWithExposure` returns, one connection at a time. */
export function writeJsonWithExposure(connections: Iterable<Connection>, exposure: readonly WorkloadExposure[], write: Write): void {
  writeJson(connections, write, {}, { exposure: jsonExposureLines(exposure) });
}

/**
 * `writeConnlistWithExposure` (connlist) or `writeJsonWithExposure` (json) of the analysis's connections, as UTF-8
 * bytes in buffers of about 1 MiB, the way `writeConnectionBytes` writes the list alone: the quickest, as the CLI
 * writes them.
 */
export function writeExposureBytes(
  analysis: Analysis, format: 'connlist' | 'json', exposure: readonly WorkloadExposure[], writeBytes: (bytes: Uint8Array) => void, options: ByteWriteOptions = {},
): void {
  const out = new BytePieces(writeBytes, options.reusable);
  const each = analysis._eachConnectionOf();
  if (format === 'json') {
    _writeJsonPieces(each, out, {}, { exposure: jsonExposureLines(exposure) });
  } else {
    let any = false;
    _writeConnlistPieces(visit => each((src, dst, conns) => { any = true; visit(src, dst, conns); }), out);
    if (any) out.text('\n');
    writeExposureSectionPieces(exposure, out);
  }
  out.flush();
}

/**
 * Each workload's exposure as compact JSON, `JSON.stringify` of its `JsonWorkloadExposure`; the workloads of a class
 * share their directions' objects, so each direction is written out once.
 */
function* jsonExposureLines(exposure: readonly WorkloadExposure[]): Generator<string> {
  const direction = memoized((d: DirectionExposure) => JSON.stringify(jsonDirection(d)));
  for (const e of exposure) yield `{"workload":${JSON.stringify(endpointName(e.workload))},"ingress":${direction(e.ingress)},"egress":${direction(e.egress)}}`;
}
