/**
 * Reading Hubble flow logs: the output of `hubble observe -o json` (an alias of `-o jsonpb`) or the Hubble exporter's
 * file. Records are wrapped as `{"flow": {...}, "node_name": ..., "time": ...}` (Hubble CLI 0.11+, the exporter) or
 * bare flow objects (older versions), one per line, pretty-printed over several lines (`| jq .`), or the elements of
 * a top-level JSON array (`jq -s .`); see `splitJsonValues`. Each record is dropped as soon as it is read, and the ends of
 * flows are shared between the flows that have the same (see `EndpointTable`).
 *
 * Only connection starts count (the forward direction: client to server). Replies, L7 records (which repeat an L4
 * record) and records without a TCP, UDP or SCTP port are skipped and counted. Whether a record is a reply comes
 * from, in this order of trust: `is_reply` (absent when Cilium did not know), the deprecated `reply` (true only for
 * replies), `trace_reason`, and the TCP flags (a SYN without ACK opens a connection, a SYN-ACK answers). Fields that
 * disagree make a record's direction unknown. For the rest (UDP, and TCP records in mid-connection: ACK, FIN, RST
 * without SYN) the capture decides (see `Capture`); a record whose direction is still unknown is skipped
 * and reported, never turned into an allow. `traffic_direction` is not used: for a trace event Cilium derives it from
 * the same knowledge as `is_reply`, and leaves it unknown when that is missing.
 *
 * FORWARDED and AUDIT flows are kept (AUDIT is traffic a policy in audit mode would have denied: exactly what the
 * allows must cover); DROPPED and every other verdict are counted and ignored, unless `keepDropped` asks to keep
 * DROPPED connection starts too (for `replay`, which explains them; never for generating allows). Every part of the
 * input that cannot be read (truncated, not JSON, not a flow) and every kept record with a value no NetworkPolicy can
 * hold (an invalid namespace, label, port or address) is reported with its line number and skipped, never silently.
 *
 * @see https://docs.cilium.io/en/stable/observability/hubble/
 * @see https://github.com/cilium/cilium/blob/main/api/v1/flow/flow.proto
 */
import { eachJsonValue, TextPart } from './json-stream';
import { checkFlowEndpoint, FlowProblem } from './validate';

/** A protocol with ports, as a NetworkPolicy can name it. */
export type FlowProtocol = 'TCP' | 'UDP' | 'SCTP';

/** One end of an observed flow. */
export interface FlowEndpoint {
  /** The pod's namespace; undefined for endpoints outside the cluster (`reserved:world`) and other reserved identities. */
  readonly namespace?: string;
  /** Cilium's identity labels as recorded (`k8s:app=api`, `reserved:world`, ...). */
  readonly labels: string[];
  /**
   * True when the record names a pod (namespace or pod name) but has no `labels` at all for it: an export field mask
   * that leaves out `source.labels` / `destination.labels` removed them.
   * @default false
   */
  readonly labelsMissing?: boolean;
  /** The pod's name, if a pod. */
  readonly podName?: string;
  /** The controlling workload's name (`workloads[0].name`, Hubble 0.13+), if recorded. */
  readonly workloadName?: string;
  /** The controlling workload's kind (`Deployment`, `StatefulSet`, ...), if recorded. */
  readonly workloadKind?: string;
  /** The IP address of this end (`flow.IP.source` or `.destination`). */
  readonly ip?: string;
  /** Cilium's numeric security identity, if recorded (reserved ones: 1 host, 2 world, 6 remote-node, 7 kube-apiserver, ...). */
  readonly identity?: number;
}

/** One observed connection start: who opened it, to whom, on which destination port, with what verdict. */
export interface ObservedFlow {
  /** The 1-based line of the input it came from (where its record starts). */
  readonly line: number;
  /** Who opened the connection. */
  readonly source: FlowEndpoint;
  /** Who accepted it. */
  readonly destination: FlowEndpoint;
  /** The L4 protocol. */
  readonly protocol: FlowProtocol;
  /** The destination port. */
  readonly port: number;
  /** `FORWARDED` or `AUDIT`. */
  readonly verdict: string;
  /** `INGRESS` or `EGRESS` (where Hubble observed it), if recorded. */
  readonly direction?: string;
  /** DNS names Hubble associated with the destination (`destination_names`), if any. */
  readonly destinationNames: string[];
  /**
   * Why Cilium dropped it (`drop_reason_desc`, e.g. `POLICY_DENIED`; the number when recorded as a number), for
   * DROPPED flows kept with `ParseHubbleOptions.keepDropped`.
   * @default - not a DROPPED flow, or no reason recorded
   */
  readonly dropReason?: string;
}

/** Options of `parseHubbleFlows`. */
export interface ParseHubbleOptions {
  /**
   * Keep DROPPED connection starts too (with their `dropReason`), read and checked like the kept verdicts; they are
   * then counted in `FlowStats.kept` as well as in `FlowStats.dropped`.
   * @default false
   */
  readonly keepDropped?: boolean;
}

/** How serious a flow-reading diagnostic is. */
export type FlowDiagnosticSeverity = 'error' | 'warning' | 'info';

/** Something about the input the user should know: a record that was skipped, or a summary of what was ignored. */
export interface FlowDiagnostic {
  /** `error`: a record could not be read; `warning`: a readable record was skipped; `info`: a summary. */
  readonly severity: FlowDiagnosticSeverity;
  /** The 1-based line, if the diagnostic is about one record (the first one, for records with the same problem). */
  readonly line?: number;
  /** `<file>:<line>: <problem>. <fix>` */
  readonly message: string;
}

/** Counts of what the reader saw and skipped. */
export interface FlowStats {
  /** Non-blank lines. */
  readonly lines: number;
  /** Flow records (JSON values that are flows). */
  readonly records: number;
  /** Connection starts kept (FORWARDED or AUDIT; and DROPPED with `keepDropped`). */
  readonly kept: number;
  /** Of the kept, how many had the AUDIT verdict. */
  readonly audited: number;
  /** Reply records (`is_reply: true`, `reply: true`, a TCP SYN-ACK, or a reply by the rest of the capture). */
  readonly replies: number;
  /** L7 records and records without TCP/UDP/SCTP ports (ICMP, ...). */
  readonly notL4: number;
  /** DROPPED connection starts (ignored: they were never allowed; kept too with `keepDropped`). */
  readonly dropped: number;
  /** Connection starts with another verdict (ERROR, TRACED, REDIRECTED, ...), by verdict. */
  readonly otherVerdicts: { [verdict: string]: number };
  /** Parts of the input that could not be read or were not flows. */
  readonly unreadable: number;
  /** Records skipped for a value no NetworkPolicy can hold (namespace, label, port, address). */
  readonly invalid: number;
  /** FORWARDED or AUDIT records skipped because neither they nor the rest of the capture tell a reply from a start. */
  readonly undecided: number;
}

/** What `parseHubbleFlows` returns. */
export interface ParsedFlows {
  /** The connection starts kept, in input order. */
  readonly flows: ObservedFlow[];
  /** Skipped records (with their line numbers) in input order, then summaries. */
  readonly diagnostics: FlowDiagnostic[];
  /** Counts. */
  readonly stats: FlowStats;
}

/** Ports from this one up are ephemeral (Linux's default `ip_local_port_range` starts here): a client's side. */
export const EPHEMERAL_PORT_START = 32768;
/** Ports below this one are well-known (IANA system ports): a server's side. */
export const WELL_KNOWN_PORT_END = 1024;

/** Hubble's numeric verdicts, for records written with enums as numbers. */
const VERDICTS = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
const KEPT_VERDICTS = new Set(['FORWARDED', 'AUDIT']);
const PROTOCOLS: FlowProtocol[] = ['TCP', 'UDP', 'SCTP'];
/** Hubble's numeric traffic directions. */
const TRAFFIC_DIRECTIONS = ['TRAFFIC_DIRECTION_UNKNOWN', 'INGRESS', 'EGRESS'];
/**
 * `trace_reason` values that tell the direction (the connection tracking state Cilium derives `is_reply` from), by
 * name and by enum number: NEW 1, ESTABLISHED 2, REPLY 3, REOPENED 5; RELATED (4) and the others tell nothing.
 */
const FORWARD_TRACE_REASONS = new Set<unknown>(['NEW', 'ESTABLISHED', 'REOPENED', 1, 2, 5]);
const REPLY_TRACE_REASONS = new Set<unknown>(['REPLY', 3]);
const GIVE_JSON = 'Give the output of "hubble observe -o json" (an alias of -o jsonpb): flow records one per line, pretty-printed or in a JSON '
  + 'array; not the compact, dict or table output';
const FIX_INVALID = 'the record was skipped, since no NetworkPolicy can hold that value';
const FIX_UNKNOWN_DIRECTION = 'If this traffic must be allowed, capture it with a Cilium that records is_reply (and with the connections\' '
  + 'first packets), or allow it by hand after review';

/**
 * Parses Hubble flow records (`hubble observe -o json`) into observed connection starts.
 *
 * @param text the file's content
 * @param file the file's name, used in diagnostics
 * @param options what to keep besides FORWARDED and AUDIT connection starts
 * @example parseHubbleFlows(fs.readFileSync('flows.jsonl', 'utf8'), 'flows.jsonl').flows
 */
export function parseHubbleFlows(text: string, file = '<input>', options: ParseHubbleOptions = {}): ParsedFlows {
  return parseHubbleFlowParts([{ text, firstLine: 1 }], file, options);
}

/**
 * `parseHubbleFlows` of a text given in parts that each start at a line where a record starts (as
 * `readFlowFileParts` reads a file): each part is split into records on its own, so no part needs to hold the whole
 * capture. Line numbers are those of the whole text.
 *
 * @example parseHubbleFlowParts(readFlowFileParts('flows.jsonl'), 'flows.jsonl').flows
 */
export function parseHubbleFlowParts(parts: Iterable<TextPart>, file = '<input>', options: ParseHubbleOptions = {}): ParsedFlows {
  const keepDropped = options.keepDropped === true;
  const stats = {
    lines: 0,
    records: 0, kept: 0, audited: 0, replies: 0, notL4: 0, dropped: 0, unreadable: 0, invalid: 0, undecided: 0,
    otherVerdicts: {} as { [v: string]: number },
  };
  const lineDiagnostics: FlowDiagnostic[] = [];
  const report = (severity: FlowDiagnosticSeverity, line: number, message: string) => {
    lineDiagnostics.push({ severity, line, message: `${file}:${line}: ${message}` });
  };
  const invalid = new Grouped();
  const undecided = new Map<string, { candidate: Candidate; reason: string }[]>();
  const endpoints = new EndpointTable();

  // Pass 1: read every record.
  const candidates: Candidate[] = [];
  for (const part of parts) {
    stats.lines += countNonBlankLines(part.text);
    for (const chunk of eachJsonValue(part.text, part.firstLine)) {
      const line = chunk.line;
      if (chunk.kind === 'broken') {
        stats.unreadable++;
        const skipped = chunk.endLine > line ? `lines ${line}-${chunk.endLine} were skipped` : 'the line was skipped';
        const starts = `the line starts with ${JSON.stringify(chunk.excerpt)}`;
        report('error', line, chunk.problem === 'truncated'
          ? `truncated JSON (${chunk.detail}); ${skipped}. Re-export the flows, or delete the partial record (usually the last one of an interrupted "hubble observe")`
          : chunk.problem === 'invalid'
            ? `invalid JSON (${chunk.detail}; ${starts}); ${skipped}. Re-export the flows, or correct the record`
            : `not JSON (${starts}); ${skipped}. ${GIVE_JSON}`);
        continue;
      }
      const flow = unwrap(chunk.value);
      if (!flow) {
        stats.unreadable++;
        const value = chunk.value;
        const what = isObject(value) ? (Object.keys(value).length > 0 ? `keys: ${Object.keys(value).slice(0, 5).join(', ')}` : 'empty object') : Array.isArray(value) ? 'an array' : typeof value;
        report('warning', line, `not a flow record (${what}); the record was skipped. Only flow records ({"flow": {...}} or a bare flow with "source", "destination" and "verdict") are read`);
        continue;
      }
      stats.records++;
      const prefix = isObject(chunk.value) && isObject(chunk.value.flow) ? 'flow.' : '';
      if (readType(flow.Type) === 'L7') {
        stats.notL4++;
        continue;
      }
      const l4 = readL4(flow.l4, prefix);
      if (!l4) {
        stats.notL4++;
        continue;
      }
      if ('problem' in l4) {
        stats.invalid++;
        invalid.add(l4.problem, line);
        continue;
      }
      const ip = isObject(flow.IP) ? flow.IP : {};
      const source = endpoints.read(flow.source, ip.source, `${prefix}source`, `${prefix}IP.source`);
      const destination = endpoints.read(flow.destination, ip.destination, `${prefix}destination`, `${prefix}IP.destination`);
      const verdict = readVerdict(flow.verdict);
      // Only what the second pass needs is kept of the record, not the record.
      candidates.push({
        line, prefix, l4, verdict,
        source: source.endpoint, destination: destination.endpoint, readProblems: bothProblems(source.problems, destination.problems),
        own: ownDirection(flow, l4),
        direction: readTrafficDirection(flow.traffic_direction),
        destinationNames: Array.isArray(flow.destination_names) ? flow.destination_names.filter((n): n is string => typeof n === 'string') : [],
        dropReason: verdict === 'DROPPED' ? readDropReason(flow).dropReason : undefined,
      });
    }
  }

  // Pass 2: decide each record's direction (with the rest of the capture), then keep the forward ones.
  const capture = new Capture(candidates);
  const flows: ObservedFlow[] = [];
  const repliesBy: { [how: string]: number } = {};
  let startsFromCapture = 0;
  let keptDropped = 0;
  for (const c of candidates) {
    const decision = capture.decide(c);
    if (decision.direction === 'reply') {
      stats.replies++;
      repliesBy[decision.how] = (repliesBy[decision.how] ?? 0) + 1;
      continue;
    }
    if (c.verdict === 'DROPPED') stats.dropped++;
    if (!KEPT_VERDICTS.has(c.verdict) && !(keepDropped && c.verdict === 'DROPPED')) {
      if (c.verdict !== 'DROPPED') stats.otherVerdicts[c.verdict] = (stats.otherVerdicts[c.verdict] ?? 0) + 1;
      continue;
    }
    const endpointProblems = [...endpoints.check(c.source, 'source'), ...endpoints.check(c.destination, 'destination')];
    const problems = c.readProblems.length === 0 && endpointProblems.length === 0 ? c.readProblems : [
      ...c.readProblems,
      ...endpointProblems.map(p =>
        `${p.field === 'ip' ? `${c.prefix}IP.${p.side}` : `${c.prefix}${p.side}.${p.field}`} ${JSON.stringify(p.value)}: ${p.problem}`),
    ];
    if (problems.length > 0) {
      stats.invalid++;
      invalid.add(problems.join('; '), c.line);
      continue;
    }
    if (decision.direction === undefined) {
      stats.undecided++;
      const key = `${c.l4.protocol}\u0000${endpointRef(c.source)}\u0000${endpointRef(c.destination)}`;
      const group = undecided.get(key) ?? [];
      group.push({ candidate: c, reason: decision.reason });
      undecided.set(key, group);
      continue;
    }
    if (decision.how === 'capture') startsFromCapture++;
    flows.push({
      line: c.line,
      source: c.source,
      destination: c.destination,
      protocol: c.l4.protocol,
      port: c.l4.port,
      verdict: c.verdict,
      direction: c.direction,
      destinationNames: c.destinationNames,
      ...(c.dropReason !== undefined ? { dropReason: c.dropReason } : {}),
    });
    stats.kept++;
    if (c.verdict === 'AUDIT') stats.audited++;
    if (c.verdict === 'DROPPED') keptDropped++;
  }

  for (const { key, lines } of invalid.groups()) {
    report('warning', lines[0], `${key}; ${FIX_INVALID}${moreRecords(lines, 'with the same value')}`);
  }
  for (const group of undecided.values()) report('warning', group[0].candidate.line, undecidedMessage(group));
  lineDiagnostics.sort((a, b) => a.line! - b.line!);
  const diagnostics = [...lineDiagnostics, ...summaries(file, stats, repliesBy, startsFromCapture, keepDropped ? keptDropped : undefined)];
  return { flows, diagnostics, stats };
}

type Json = { [key: string]: unknown };

interface TcpFlags {
  readonly syn: boolean;
  readonly ack: boolean;
  /** The flags set, as Hubble prints them (`SYN, ACK`). */
  readonly text: string;
}

interface L4 {
  readonly protocol: FlowProtocol;
  readonly port: number;
  readonly sourcePort?: number;
  /** TCP only, when recorded. */
  readonly flags?: TcpFlags;
}

type Direction = 'forward' | 'reply';

/** How a record's direction was decided: by which field, or by the rest of the capture, or port numbers. */
type How = 'is_reply' | 'reply' | 'trace_reason' | 'flags' | 'opened' | 'capture' | 'ports';

/** What a record's own fields say about its direction. */
type Own = { readonly direction: Direction; readonly how: How } | { readonly direction?: undefined; readonly conflict?: string };

interface Candidate {
  readonly line: number;
  /** `flow.` for wrapped records, empty for bare ones: the start of the field paths in messages. */
  readonly prefix: string;
  readonly l4: L4;
  readonly verdict: string;
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  /** Values that could not be read as their type (a label that is not a string, ...). */
  readonly readProblems: string[];
  readonly own: Own;
  /** `traffic_direction`, if recorded. */
  readonly direction?: string;
  /** `destination_names`. */
  readonly destinationNames: string[];
  /** Why a DROPPED record was dropped, if recorded. */
  readonly dropReason?: string;
}

const NO_PROBLEMS: string[] = [];

/** The read problems of both ends (one shared empty list when there are none, as for nearly every record). */
function bothProblems(a: string[], b: string[]): string[] {
  return a.length === 0 && b.length === 0 ? NO_PROBLEMS : [...a, ...b];
}

/** The number of lines that are not blank, as `text.split(/\r?\n/).filter(l => l.trim() !== '').length` counts them. */
function countNonBlankLines(text: string): number {
  let count = 0;
  let pos = 0;
  while (pos < text.length) {
    // Skip the line's leading white space; the line counts if anything else comes before its newline.
    let i = pos;
    let code = text.charCodeAt(i);
    while (i < text.length && code !== 10 && isSpace(code, text, i)) code = text.charCodeAt(++i);
    if (i < text.length && code !== 10) count++;
    const newline = text.indexOf('\n', i);
    if (newline < 0) break;
    pos = newline + 1;
  }
  return count;
}

/** Whether the character at `i` (with code `code`) is white space as `String.prototype.trim` sees it. */
function isSpace(code: number, text: string, i: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code > 127 && /\s/.test(text[i]);
}

/** Whether two ends as read are the same in every field. */
function sameEndpoint(a: FlowEndpoint, b: FlowEndpoint): boolean {
  if (a.namespace !== b.namespace || a.podName !== b.podName || a.ip !== b.ip || a.identity !== b.identity || a.workloadName !== b.workloadName
    || a.workloadKind !== b.workloadKind || a.labelsMissing !== b.labelsMissing || a.labels.length !== b.labels.length) return false;
  for (let i = 0; i < a.labels.length; i++) if (a.labels[i] !== b.labels[i]) return false;
  return true;
}

/**
 * The ends of flows as read, one object per distinct end: a capture names the same few pods over and over, so the
 * flows share their ends (memory grows with the distinct ends, not the flows), and each end is checked once.
 */
class EndpointTable {
  private readonly byKey = new Map<string, FlowEndpoint[]>();
  /** Every label string of the ends kept, once. */
  private readonly labels = new Map<string, string>();
  private readonly checked = { source: new Map<FlowEndpoint, FlowProblem[]>(), destination: new Map<FlowEndpoint, FlowProblem[]>() };

  /** `readEndpoint`, with the end shared with the earlier flows that have the same one. */
  public read(value: unknown, ip: unknown, path: string, ipPath: string): { endpoint: FlowEndpoint; problems: string[] } {
    const read = readEndpoint(value, ip, path, ipPath);
    if (read.problems.length > 0) return read;
    const e = read.endpoint;
    // A short key finds the candidates, which are compared in place. The end's address (else its pod's name) is a
    // string already at hand that few distinct ends share; only an end with neither gets a key built of its fields.
    const key = e.ip ?? e.podName ?? `${e.namespace}\u0000${e.identity}\u0000${e.workloadName}\u0000${e.workloadKind}\u0000${e.labelsMissing}\u0000${e.labels.length}`;
    const candidates = this.byKey.get(key);
    const known = candidates?.find(k => sameEndpoint(k, e));
    if (known) return { endpoint: known, problems: read.problems };
    this.shareLabels(e.labels);
    if (candidates) candidates.push(e);
    else this.byKey.set(key, [e]);
    return read;
  }

  /**
   * Replaces the labels of a new end (a list only it holds) by the same strings read before: the pods of a
   * namespace or a workload carry the same labels, and a large capture would otherwise keep a copy per pod.
   */
  private shareLabels(labels: string[]): void {
    for (let i = 0; i < labels.length; i++) {
      const known = this.labels.get(labels[i]);
      if (known === undefined) this.labels.set(labels[i], labels[i]);
      else labels[i] = known;
    }
  }

  /** `checkFlowEndpoint`, once per end and side. */
  public check(endpoint: FlowEndpoint, side: 'source' | 'destination'): FlowProblem[] {
    const cache = this.checked[side];
    let problems = cache.get(endpoint);
    if (!problems) {
      problems = checkFlowEndpoint(endpoint, side);
      cache.set(endpoint, problems);
    }
    return problems;
  }
}

type Decision = { readonly direction: Direction; readonly how: How } | { readonly direction?: undefined; readonly reason: string };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The flow object of a record, wrapped or bare; undefined for other records (node status, lost events, ...). */
function unwrap(value: unknown): Json | undefined {
  if (!isObject(value)) return undefined;
  const candidate = isObject(value.flow) ? value.flow : value;
  const looksLikeFlow = 'verdict' in candidate && (isObject(candidate.source) || isObject(candidate.destination) || isObject(candidate.IP));
  return looksLikeFlow ? candidate : undefined;
}

function readType(type: unknown): string | undefined {
  if (typeof type === 'string') return type;
  if (type === 2) return 'L7';
  return undefined;
}

/** A port as protobuf's JSON mapping writes a uint32 (a number; a decimal string is accepted too). */
function readPort(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,10}$/.test(value)) return Number(value);
  return undefined;
}

/** The protocol and ports; undefined without TCP, UDP or SCTP; a problem when the ports cannot be used. */
function readL4(l4: unknown, prefix: string): L4 | { problem: string } | undefined {
  if (!isObject(l4)) return undefined;
  const present = PROTOCOLS.filter(p => isObject(l4[p]));
  if (present.length === 0) return undefined;
  if (present.length > 1) return { problem: `${prefix}l4 holds ${present.join(' and ')}: a flow record has one protocol` };
  const protocol = present[0];
  const ports = l4[protocol] as Json;
  const path = `${prefix}l4.${protocol}.destination_port`;
  if (ports.destination_port === undefined || ports.destination_port === null) {
    return { problem: `${path} is missing (protobuf leaves out port 0), but a NetworkPolicy port is an integer from 1 to 65535` };
  }
  const port = readPort(ports.destination_port);
  if (port === undefined || port < 1 || port > 65535) {
    return { problem: `${path} ${JSON.stringify(ports.destination_port)}: a NetworkPolicy port is an integer from 1 to 65535` };
  }
  const source = readPort(ports.source_port);
  const sourcePort = source !== undefined && source >= 1 && source <= 65535 ? source : undefined;
  let flags: TcpFlags | undefined;
  if (protocol === 'TCP' && isObject(ports.flags)) {
    const set = Object.keys(ports.flags).filter(k => (ports.flags as Json)[k] === true);
    flags = { syn: set.includes('SYN'), ack: set.includes('ACK'), text: set.join(', ') || 'none' };
  }
  return { protocol, port, sourcePort, flags };
}

/** A `google.protobuf.BoolValue`: a plain boolean in protobuf's JSON mapping, `{"value": true}` or `{}` (false) from Go's encoding/json. */
function readBoolValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (isObject(value)) {
    if (typeof value.value === 'boolean') return value.value;
    if (Object.keys(value).length === 0) return false;
  }
  return undefined;
}

/** What the record's own fields say: `is_reply`, the deprecated `reply`, `trace_reason`, the TCP flags; a conflict if they disagree. */
function ownDirection(flow: Json, l4: L4): Own {
  const evidence: { direction: Direction; how: How; what: string }[] = [];
  const isReply = readBoolValue(flow.is_reply);
  if (isReply !== undefined) evidence.push({ direction: isReply ? 'reply' : 'forward', how: 'is_reply', what: `is_reply is ${isReply}` });
  // The deprecated `reply` is false both for "not a reply" and "unknown", so only true says something.
  if (flow.reply === true) evidence.push({ direction: 'reply', how: 'reply', what: 'the deprecated reply is true' });
  const trace = flow.trace_reason;
  if (REPLY_TRACE_REASONS.has(trace)) evidence.push({ direction: 'reply', how: 'trace_reason', what: `trace_reason is ${trace}` });
  if (FORWARD_TRACE_REASONS.has(trace)) evidence.push({ direction: 'forward', how: 'trace_reason', what: `trace_reason is ${trace}` });
  if (l4.flags?.syn) {
    evidence.push(l4.flags.ack
      ? { direction: 'reply', how: 'flags', what: 'the TCP flags are SYN, ACK (an answer to a connection start)' }
      : { direction: 'forward', how: 'flags', what: 'the TCP flags are SYN without ACK (a connection start)' });
  }
  if (evidence.length === 0) return {};
  const other = evidence.find(e => e.direction !== evidence[0].direction);
  if (other) return { conflict: `the record contradicts itself: ${evidence[0].what}, but ${other.what}` };
  return { direction: evidence[0].direction, how: evidence[0].how };
}

/**
 * What the whole capture says about records whose own fields do not tell their direction. For a record A:p → B:q:
 * 1. the same connection elsewhere: the reverse B:q → A:p recorded as a connection start makes it a reply, as a reply
 *    makes it a start; A:p → B:q itself recorded as either makes it the same;
 * 2. else who accepts connections (a recorded connection start to it, or a reply from it): A on p, with q ephemeral
 *    (see `EPHEMERAL_PORT_START`) and B not known to accept on q, makes it a reply; B on q, with p ephemeral and A not
 *    known to accept on p, makes it a start;
 * 3. else a well-known source port (below `WELL_KNOWN_PORT_END`) to an ephemeral destination port makes it a reply.
 * Rules of one step that disagree leave the direction unknown. Nothing else decides a start: unknown stays unknown.
 * A TCP record in mid-connection that says it is no reply (`is_reply: false`) but whose reverse opened the
 * connection with a SYN is a reply (Cilium's connection tracking lost the connection, e.g. after an agent restart).
 */
class Capture {
  private readonly starts = new Map<string, number>();
  private readonly opened = new Map<string, number>();
  private readonly replies = new Map<string, number>();
  private readonly accepting = new Map<string, number>();

  constructor(candidates: Candidate[]) {
    // The maps are only consulted for records whose own fields leave their direction open (or a TCP record in
    // mid-connection that says it is none): a capture where every record tells its own direction needs none.
    const midConnection = candidates.some(c => c.own.direction === 'forward' && c.l4.flags && !c.l4.flags.syn);
    const open = candidates.some(c => c.own.direction === undefined && !('conflict' in c.own && c.own.conflict));
    if (!midConnection && !open) return;
    // Connections opened by a SYN first: they settle records that say otherwise.
    for (const c of candidates) {
      const key = connectionKey(c, false);
      if (key && c.own.direction === 'forward' && c.l4.flags?.syn && !this.opened.has(key)) this.opened.set(key, c.line);
    }
    if (!open) return;
    for (const c of candidates) {
      const decided = this.firm(c);
      if (!decided) continue;
      const key = connectionKey(c, false);
      if (decided.direction === 'forward') {
        if (key && !this.starts.has(key)) this.starts.set(key, c.line);
        if (KEPT_VERDICTS.has(c.verdict)) this.accepts(c.l4.protocol, c.destination, c.l4.port, c.line);
      } else {
        if (key && !this.replies.has(key)) this.replies.set(key, c.line);
        if (c.l4.sourcePort !== undefined) this.accepts(c.l4.protocol, c.source, c.l4.sourcePort, c.line);
      }
    }
  }

  /** The direction of a record, by its own fields first, then by the capture. */
  public decide(c: Candidate): Decision {
    const own = c.own;
    const firm = this.firm(c);
    if (firm) return firm;
    const same = connectionKey(c, false);
    const reverse = connectionKey(c, true);
    if ('conflict' in own && own.conflict) return { reason: own.conflict };
    const flags = c.l4.flags ? ` and the TCP flags (${c.l4.flags.text}) are those of a connection already open` : c.l4.protocol === 'TCP' ? ' and the TCP flags are not recorded' : '';
    const base = `is_reply is not recorded${flags}`;

    // 1. The same connection elsewhere in the capture.
    const votes: { direction: Direction; why: string }[] = [];
    const at = (map: Map<string, number>, key: string | undefined) => (key ? map.get(key) : undefined);
    const reverseStart = at(this.starts, reverse);
    const reverseReply = at(this.replies, reverse);
    const sameStart = at(this.starts, same);
    const sameReply = at(this.replies, same);
    if (reverseStart !== undefined) votes.push({ direction: 'reply', why: `the reverse direction is a connection start (line ${reverseStart})` });
    if (sameReply !== undefined) votes.push({ direction: 'reply', why: `the same direction is a reply at line ${sameReply}` });
    if (sameStart !== undefined) votes.push({ direction: 'forward', why: `the same direction is a connection start at line ${sameStart}` });
    if (reverseReply !== undefined) votes.push({ direction: 'forward', why: `the reverse direction is a reply (line ${reverseReply})` });
    const decided = this.tally(votes, base);
    if (decided) return decided;

    // 2. Who accepts connections on which port.
    const sourcePort = c.l4.sourcePort;
    if (sourcePort !== undefined) {
      const sourceAccepts = this.acceptsOn(c.l4.protocol, c.source, sourcePort);
      const destinationAccepts = this.acceptsOn(c.l4.protocol, c.destination, c.l4.port);
      if (sourceAccepts !== undefined && destinationAccepts === undefined && c.l4.port >= EPHEMERAL_PORT_START) {
        votes.push({ direction: 'reply', why: `the source accepts connections on ${sourcePort} (line ${sourceAccepts}) and ${c.l4.port} is ephemeral` });
      }
      if (destinationAccepts !== undefined && sourceAccepts === undefined && sourcePort >= EPHEMERAL_PORT_START) {
        votes.push({ direction: 'forward', why: `the destination accepts connections on ${c.l4.port} (line ${destinationAccepts}) and ${sourcePort} is ephemeral` });
      }
      const byAccepting = this.tally(votes, base);
      if (byAccepting) return byAccepting;

      // 3. Port numbers alone, and only ever towards "reply".
      if (sourcePort < WELL_KNOWN_PORT_END && c.l4.port >= EPHEMERAL_PORT_START) return { direction: 'reply', how: 'ports' };
    }
    return { reason: `${base}, and the capture holds no start of this connection${sourcePort === undefined ? ' (the source port is not recorded)' : ''}` };
  }

  /** The direction a record's own fields give, except a TCP record in mid-connection whose reverse opened the connection. */
  private firm(c: Candidate): Decision | undefined {
    const own = c.own;
    if (own.direction === 'forward' && c.l4.flags && !c.l4.flags.syn) {
      const same = connectionKey(c, false);
      const reverse = connectionKey(c, true);
      if (reverse && this.opened.has(reverse) && !(same && this.opened.has(same))) return { direction: 'reply', how: 'opened' };
    }
    return own.direction ? own : undefined;
  }

  private tally(votes: { direction: Direction; why: string }[], base: string): Decision | undefined {
    if (votes.length === 0) return undefined;
    const other = votes.find(v => v.direction !== votes[0].direction);
    if (other) return { reason: `${base}, and the capture contradicts itself: ${votes[0].why}, but ${other.why}` };
    return { direction: votes[0].direction, how: 'capture' };
  }

  private accepts(protocol: FlowProtocol, endpoint: FlowEndpoint, port: number, line: number): void {
    for (const key of endpointKeys(endpoint)) {
      const k = `${protocol}|${key}|${port}`;
      if (!this.accepting.has(k)) this.accepting.set(k, line);
    }
  }

  private acceptsOn(protocol: FlowProtocol, endpoint: FlowEndpoint, port: number): number | undefined {
    for (const key of endpointKeys(endpoint)) {
      const line = this.accepting.get(`${protocol}|${key}|${port}`);
      if (line !== undefined) return line;
    }
    return undefined;
  }
}

/** The names an end is known by: its address, its pod, its workload. */
function endpointKeys(endpoint: FlowEndpoint): string[] {
  const keys: string[] = [];
  const address = endpointAddress(endpoint);
  if (address) keys.push(address);
  if (endpoint.namespace && endpoint.workloadName) keys.push(`workload:${endpoint.namespace}/${endpoint.workloadKind ?? ''}/${endpoint.workloadName}`);
  return keys;
}

/** The address of an end for matching the two directions of a connection: its IP, else its pod. */
function endpointAddress(endpoint: FlowEndpoint): string | undefined {
  if (endpoint.ip) return `ip:${endpoint.ip}`;
  if (endpoint.namespace && endpoint.podName) return `pod:${endpoint.namespace}/${endpoint.podName}`;
  return undefined;
}

/** `protocol|A|p|B|q` of a record (reversed: `B|q|A|p`); undefined when an address or a port is unknown. */
function connectionKey(c: Candidate, reversed: boolean): string | undefined {
  const a = endpointAddress(c.source);
  const b = endpointAddress(c.destination);
  if (!a || !b || c.l4.sourcePort === undefined) return undefined;
  const ends = reversed ? [b, c.l4.port, a, c.l4.sourcePort] : [a, c.l4.sourcePort, b, c.l4.port];
  return [c.l4.protocol, ...ends].join('|');
}

function readVerdict(verdict: unknown): string {
  if (typeof verdict === 'string') return verdict;
  if (typeof verdict === 'number') return VERDICTS[verdict] ?? `VERDICT_${verdict}`;
  return 'VERDICT_UNKNOWN';
}

/** The names of Cilium's policy drop reasons, for records written with enums as numbers (others keep their number). */
const DROP_REASON_NAMES: { [n: number]: string } = { 133: 'POLICY_DENIED', 181: 'POLICY_DENY', 189: 'AUTH_REQUIRED' };

/** `drop_reason_desc` (a name, or a number), else the deprecated numeric `drop_reason`; nothing when neither is recorded. */
function readDropReason(flow: Json): { dropReason?: string } {
  for (const value of [flow.drop_reason_desc, flow.drop_reason]) {
    if (typeof value === 'string' && value !== '' && value !== 'DROP_REASON_UNKNOWN') return { dropReason: value };
    if (typeof value === 'number' && value > 0) return { dropReason: DROP_REASON_NAMES[value] ?? String(value) };
  }
  return {};
}

function readTrafficDirection(direction: unknown): string | undefined {
  if (typeof direction === 'string') return direction;
  if (typeof direction === 'number' && direction > 0) return TRAFFIC_DIRECTIONS[direction];
  return undefined;
}

/** Cilium's reserved identities, for records that carry the number but no labels. */
const RESERVED_IDENTITIES: { [id: number]: string } = {
  1: 'host', 2: 'world', 3: 'unmanaged', 4: 'health', 5: 'init', 6: 'remote-node', 7: 'kube-apiserver', 8: 'ingress', 9: 'world-ipv4', 10: 'world-ipv6',
};

/** An end of a flow, and the values in it that are not of their type (`path` names the end in messages). */
function readEndpoint(value: unknown, ip: unknown, path: string, ipPath: string): { endpoint: FlowEndpoint; problems: string[] } {
  const endpoint = isObject(value) ? value : {};
  const problems: string[] = [];
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  if (endpoint.namespace !== undefined && endpoint.namespace !== null && typeof endpoint.namespace !== 'string') {
    problems.push(`${path}.namespace ${JSON.stringify(endpoint.namespace)}: a namespace name is a string such as "production"`);
  }
  let recorded: string[] = [];
  if (Array.isArray(endpoint.labels)) {
    const labels: unknown[] = endpoint.labels;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (typeof label === 'string') recorded.push(label);
      else problems.push(`${path}.labels[${i}] ${JSON.stringify(label)}: a label is a string such as "k8s:app=api"`);
    }
  } else if (endpoint.labels !== undefined && endpoint.labels !== null) {
    problems.push(`${path}.labels ${JSON.stringify(endpoint.labels).slice(0, 60)}: labels are a list of strings such as ["k8s:app=api"]`);
  }
  if (problems.length > 0) recorded = [];
  const namespace = text(endpoint.namespace);
  const podName = text(endpoint.pod_name);
  if (!namespace && ip !== undefined && ip !== null && typeof ip !== 'string') {
    problems.push(`${ipPath} ${JSON.stringify(ip)}: an address is a string such as "203.0.113.7"`);
  }
  const identity = typeof endpoint.identity === 'number' ? endpoint.identity : undefined;
  const reserved = identity !== undefined ? RESERVED_IDENTITIES[identity] : undefined;
  const labels = recorded.length === 0 && reserved ? [`reserved:${reserved}`] : recorded;
  const labelsMissing = (endpoint.labels === undefined || endpoint.labels === null) && (namespace !== undefined || podName !== undefined);
  const workload = Array.isArray(endpoint.workloads) ? endpoint.workloads.find(isObject) : undefined;
  const workloadName = text(workload?.name);
  const workloadKind = text(workload?.kind);
  const address = text(ip);
  // Two literals rather than a spread: `labelsMissing` is only present when true, and this runs for every record.
  return {
    endpoint: labelsMissing
      ? { namespace, labels, labelsMissing, podName, workloadName, workloadKind, ip: address, identity }
      : { namespace, labels, podName, workloadName, workloadKind, ip: address, identity },
    problems,
  };
}

/** An end as a message names it: `namespace/pod`, or the address and reserved identity. */
function endpointRef(endpoint: FlowEndpoint): string {
  if (endpoint.namespace) return `${endpoint.namespace}/${endpoint.podName ?? endpoint.workloadName ?? endpoint.ip ?? '?'}`;
  const reserved = endpoint.labels.find(l => l.startsWith('reserved:'));
  if (endpoint.ip) return reserved ? `${endpoint.ip} (${reserved})` : endpoint.ip;
  return reserved ?? 'an endpoint without namespace or address';
}

/** Records with the same problem, by problem, in order of first appearance. */
class Grouped {
  private readonly byKey = new Map<string, number[]>();

  public add(key: string, line: number): void {
    const lines = this.byKey.get(key) ?? [];
    lines.push(line);
    this.byKey.set(key, lines);
  }

  public groups(): { key: string; lines: number[] }[] {
    return [...this.byKey].map(([key, lines]) => ({ key, lines }));
  }
}

/** ` (as were 3 more records with the same value: lines 9, 12 and 15)`, or nothing for one record. */
function moreRecords(lines: number[], what: string): string {
  const others = lines.slice(1);
  if (others.length === 0) return '';
  return ` (as were ${others.length} more record${others.length === 1 ? '' : 's'} ${what}: ${lineList(others)})`;
}

/** `line 9`, `lines 9, 12 and 15`, `lines 9, 12, 15, 18, 21 and 40 more`. */
function lineList(lines: number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const shown = lines.slice(0, 5);
  const rest = lines.length - shown.length;
  return rest > 0 ? `lines ${shown.join(', ')} and ${rest} more` : `lines ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** One warning for the records of unknown direction between two ends: their ports, lines and the first one's reason. */
function undecidedMessage(group: { candidate: Candidate; reason: string }[]): string {
  const first = group[0].candidate;
  const pairs = [...new Set(group.map(({ candidate: c }) => `${c.l4.sourcePort ?? '?'} -> ${c.l4.port}`))];
  const shownPairs = pairs.length > 3 ? `${pairs.slice(0, 3).join(', ')} and ${pairs.length - 3} more` : pairs.join(', ');
  const count = group.length === 1 ? `this ${first.l4.protocol} record` : `${group.length} ${first.l4.protocol} records`;
  const where = group.length === 1 ? '' : `; ${lineList(group.map(({ candidate: c }) => c.line))}`;
  return `cannot tell whether ${count} from ${endpointRef(first.source)} to ${endpointRef(first.destination)} (ports ${shownPairs}${where}) `
    + `${group.length === 1 ? 'is a reply or a connection start' : 'are replies or connection starts'}: ${group[0].reason}. `
    + `${group.length === 1 ? 'It was skipped: no allow was generated from it' : 'They were skipped: no allow was generated from them'}. ${FIX_UNKNOWN_DIRECTION}`;
}

const REPLY_HOW: { [how: string]: string } = {
  reply: 'by the deprecated reply field',
  trace_reason: 'by trace_reason',
  flags: 'by the TCP flags SYN, ACK',
  opened: 'by a SYN in the other direction, although is_reply was false (Cilium\'s connection tracking had lost the connection)',
  capture: 'by the rest of the capture (the connection\'s start, or who accepts connections on the port)',
  ports: 'by port numbers alone (a well-known source port to an ephemeral destination port)',
};

function summaries(file: string, stats: FlowStats, repliesBy: { [how: string]: number }, startsFromCapture: number, keptDropped?: number): FlowDiagnostic[] {
  const out: FlowDiagnostic[] = [];
  const info = (message: string) => out.push({ severity: 'info', message: `${file}: ${message}` });
  const warning = (message: string) => out.push({ severity: 'warning', message: `${file}: ${message}` });
  info(`${stats.records} flow records: ${stats.kept} connection starts kept (${stats.audited} AUDIT${keptDropped !== undefined ? `, ${keptDropped} DROPPED` : ''}), ${stats.replies} replies and ${stats.notL4} L7 or non-TCP/UDP/SCTP records skipped`);
  const inferred = Object.keys(REPLY_HOW).filter(how => repliesBy[how]).map(how => `${repliesBy[how]} ${REPLY_HOW[how]}`);
  if (inferred.length > 0) info(`replies recognised other than by is_reply: ${inferred.join(', ')}; none of them was turned into an allow`);
  if (startsFromCapture > 0) {
    const records = startsFromCapture === 1 ? '1 record without is_reply was taken as a connection start' : `${startsFromCapture} records without is_reply were taken as connection starts`;
    info(`${records} by the rest of the capture (the same connection's start, or an ephemeral source port to a port the destination accepts connections on)`);
  }
  if (stats.dropped > 0 && keptDropped === undefined) info(`${stats.dropped} DROPPED flows ignored: dropped traffic is never turned into an allow. If it should be allowed, add it by hand after review`);
  const others = Object.entries(stats.otherVerdicts).sort(([a], [b]) => (a < b ? -1 : 1));
  if (others.length > 0) info(`flows with other verdicts ignored: ${others.map(([v, n]) => `${n} ${v}`).join(', ')}`);
  if (stats.invalid > 0) warning(`${stats.invalid} record${stats.invalid === 1 ? '' : 's'} with values no NetworkPolicy can hold skipped (see the lines above)`);
  if (stats.undecided > 0) warning(`${stats.undecided} record${stats.undecided === 1 ? '' : 's'} of unknown direction (reply or connection start) skipped, and no allow generated from them (see the lines above)`);
  if (stats.unreadable > 0) warning(`${stats.unreadable} unreadable record${stats.unreadable === 1 ? '' : 's'} or line${stats.unreadable === 1 ? '' : 's'} skipped (see the lines above)`);
  return out;
}
