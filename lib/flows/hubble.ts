/**
 * Reading Hubble flow logs (`hubble observe -o json`): one JSON object per line, either wrapped as
 * `{"flow": {...}, "node_name": ..., "time": ...}` (Hubble CLI 0.11+) or the bare flow object (older versions).
 *
 * Only the start of a connection counts: replies (`is_reply: true`), L7 records (which repeat an L4 record) and
 * records without a TCP, UDP or SCTP port are skipped and counted. FORWARDED and AUDIT flows are kept (AUDIT is
 * traffic a policy in audit mode would have denied: exactly what the allows must cover); DROPPED and every other
 * verdict are counted and ignored. Every line that cannot be read (truncated, not JSON, not a flow) is reported
 * with its line number and skipped, never silently.
 *
 * @see https://docs.cilium.io/en/stable/observability/hubble/
 * @see https://github.com/cilium/cilium/blob/main/api/v1/flow/flow.proto
 */

/** A protocol with ports, as a NetworkPolicy can name it. */
export type FlowProtocol = 'TCP' | 'UDP' | 'SCTP';

/** One end of an observed flow. */
export interface FlowEndpoint {
  /** The pod's namespace; undefined for endpoints outside the cluster (`reserved:world`) and other reserved identities. */
  readonly namespace?: string;
  /** Cilium's identity labels as recorded (`k8s:app=api`, `reserved:world`, ...). */
  readonly labels: string[];
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
  /** The 1-based line of the input it came from. */
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
}

/** How serious a flow-reading diagnostic is. */
export type FlowDiagnosticSeverity = 'error' | 'warning' | 'info';

/** Something about the input the user should know: a line that was skipped, or a summary of what was ignored. */
export interface FlowDiagnostic {
  /** `error`: a line could not be read; `warning`: a readable line was skipped; `info`: a summary. */
  readonly severity: FlowDiagnosticSeverity;
  /** The 1-based line, if the diagnostic is about one line. */
  readonly line?: number;
  /** `<file>:<line>: <problem>. <fix>` */
  readonly message: string;
}

/** Counts of what the reader saw and skipped. */
export interface FlowStats {
  /** Non-blank lines. */
  readonly lines: number;
  /** Lines that were flow records. */
  readonly records: number;
  /** Connection starts kept (FORWARDED or AUDIT). */
  readonly kept: number;
  /** Of the kept, how many had the AUDIT verdict. */
  readonly audited: number;
  /** Reply records (`is_reply: true`, or a TCP SYN-ACK). */
  readonly replies: number;
  /** L7 records and records without TCP/UDP/SCTP ports (ICMP, ...). */
  readonly notL4: number;
  /** DROPPED connection starts (ignored: they were never allowed). */
  readonly dropped: number;
  /** Connection starts with another verdict (ERROR, TRACED, REDIRECTED, ...), by verdict. */
  readonly otherVerdicts: { [verdict: string]: number };
  /** Lines that could not be read or were not flows. */
  readonly unreadable: number;
}

/** What `parseHubbleFlows` returns. */
export interface ParsedFlows {
  /** The connection starts kept, in input order. */
  readonly flows: ObservedFlow[];
  /** Skipped lines (with their numbers) and summaries, in input order, summaries last. */
  readonly diagnostics: FlowDiagnostic[];
  /** Counts. */
  readonly stats: FlowStats;
}

/** Hubble's numeric verdicts, for records written with enums as numbers. */
const VERDICTS = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
const KEPT_VERDICTS = new Set(['FORWARDED', 'AUDIT']);
const PROTOCOLS: FlowProtocol[] = ['TCP', 'UDP', 'SCTP'];

/**
 * Parses Hubble JSON lines (`hubble observe -o json`) into observed connection starts.
 *
 * @param text the file's content
 * @param file the file's name, used in diagnostics
 * @example parseHubbleFlows(fs.readFileSync('flows.jsonl', 'utf8'), 'flows.jsonl').flows
 */
export function parseHubbleFlows(text: string, file = '<input>'): ParsedFlows {
  const flows: ObservedFlow[] = [];
  const diagnostics: FlowDiagnostic[] = [];
  const stats = { lines: 0, records: 0, kept: 0, audited: 0, replies: 0, notL4: 0, dropped: 0, unreadable: 0, otherVerdicts: {} as { [v: string]: number } };
  const report = (severity: FlowDiagnosticSeverity, line: number, message: string) => {
    diagnostics.push({ severity, line, message: `${file}:${line}: ${message}` });
    stats.unreadable++;
  };

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '') return;
    stats.lines++;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (e) {
      const looksTruncated = content.startsWith('{') && !content.endsWith('}');
      report('error', line, looksTruncated
        ? `truncated JSON (${(e as Error).message}); the line was skipped. Re-export the flows, or delete the partial line (it is usually the last one of an interrupted "hubble observe")`
        : `not JSON (${(e as Error).message}; the line starts with ${JSON.stringify(content.slice(0, 40))}); the line was skipped. Give the output of "hubble observe -o json", one JSON object per line (not "-o jsonpb" or the table format)`);
      return;
    }
    const flow = unwrap(value);
    if (!flow) {
      const keys = isObject(value) ? Object.keys(value).slice(0, 5).join(', ') : typeof value;
      report('warning', line, `not a flow record (${keys ? `keys: ${keys}` : 'empty object'}); the line was skipped. Only flow records ({"flow": {...}} or a bare flow with "source", "destination" and "verdict") are read`);
      return;
    }
    stats.records++;
    const type = typeof flow.Type === 'string' ? flow.Type : undefined;
    const l4 = readL4(flow.l4);
    if (type === 'L7' || !l4) {
      stats.notL4++;
      return;
    }
    if (isReply(flow)) {
      stats.replies++;
      return;
    }
    const verdict = readVerdict(flow.verdict);
    if (!KEPT_VERDICTS.has(verdict)) {
      if (verdict === 'DROPPED') stats.dropped++;
      else stats.otherVerdicts[verdict] = (stats.otherVerdicts[verdict] ?? 0) + 1;
      return;
    }
    const ip = isObject(flow.IP) ? flow.IP : {};
    flows.push({
      line,
      source: readEndpoint(flow.source, ip.source),
      destination: readEndpoint(flow.destination, ip.destination),
      protocol: l4.protocol,
      port: l4.port,
      verdict,
      direction: typeof flow.traffic_direction === 'string' ? flow.traffic_direction : undefined,
      destinationNames: Array.isArray(flow.destination_names) ? flow.destination_names.filter((n): n is string => typeof n === 'string') : [],
    });
    stats.kept++;
    if (verdict === 'AUDIT') stats.audited++;
  });

  diagnostics.push(...summaries(file, stats));
  return { flows, diagnostics, stats };
}

type Json = { [key: string]: unknown };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The flow object of a line, wrapped or bare; undefined for other records (node status, lost events, ...). */
function unwrap(value: unknown): Json | undefined {
  if (!isObject(value)) return undefined;
  const candidate = isObject(value.flow) ? value.flow : value;
  const looksLikeFlow = 'verdict' in candidate && (isObject(candidate.source) || isObject(candidate.destination) || isObject(candidate.IP));
  return looksLikeFlow ? candidate : undefined;
}

function readL4(l4: unknown): { protocol: FlowProtocol; port: number } | undefined {
  if (!isObject(l4)) return undefined;
  for (const protocol of PROTOCOLS) {
    const ports = l4[protocol];
    if (!isObject(ports)) continue;
    const port = Number(ports.destination_port);
    if (Number.isInteger(port) && port >= 1 && port <= 65535) return { protocol, port };
  }
  return undefined;
}

/** `is_reply` when Hubble knows it; otherwise a TCP SYN-ACK is a reply. */
function isReply(flow: Json): boolean {
  if (typeof flow.is_reply === 'boolean') return flow.is_reply;
  const tcp = isObject(flow.l4) && isObject(flow.l4.TCP) ? flow.l4.TCP : undefined;
  const flags = tcp && isObject(tcp.flags) ? tcp.flags : undefined;
  return !!flags && flags.SYN === true && flags.ACK === true;
}

function readVerdict(verdict: unknown): string {
  if (typeof verdict === 'string') return verdict;
  if (typeof verdict === 'number') return VERDICTS[verdict] ?? `VERDICT_${verdict}`;
  return 'VERDICT_UNKNOWN';
}

/** Cilium's reserved identities, for records that carry the number but no labels. */
const RESERVED_IDENTITIES: { [id: number]: string } = {
  1: 'host', 2: 'world', 3: 'unmanaged', 4: 'health', 5: 'init', 6: 'remote-node', 7: 'kube-apiserver', 8: 'ingress', 9: 'world-ipv4', 10: 'world-ipv6',
};

function readEndpoint(value: unknown, ip: unknown): FlowEndpoint {
  const endpoint = isObject(value) ? value : {};
  const identity = typeof endpoint.identity === 'number' ? endpoint.identity : undefined;
  const recorded = Array.isArray(endpoint.labels) ? endpoint.labels.filter((l): l is string => typeof l === 'string') : [];
  const reserved = identity !== undefined ? RESERVED_IDENTITIES[identity] : undefined;
  const labels = recorded.length === 0 && reserved ? [`reserved:${reserved}`] : recorded;
  const workloads = Array.isArray(endpoint.workloads) ? endpoint.workloads.filter(isObject) : [];
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    namespace: text(endpoint.namespace),
    labels,
    podName: text(endpoint.pod_name),
    workloadName: text(workloads[0]?.name),
    workloadKind: text(workloads[0]?.kind),
    ip: text(ip),
    identity,
  };
}

function summaries(file: string, stats: FlowStats): FlowDiagnostic[] {
  const out: FlowDiagnostic[] = [];
  const info = (message: string) => out.push({ severity: 'info', message: `${file}: ${message}` });
  info(`${stats.records} flow records: ${stats.kept} connection starts kept (${stats.audited} AUDIT), ${stats.replies} replies and ${stats.notL4} L7 or non-TCP/UDP/SCTP records skipped`);
  if (stats.dropped > 0) info(`${stats.dropped} DROPPED flows ignored: dropped traffic is never turned into an allow. If it should be allowed, add it by hand after review`);
  const others = Object.entries(stats.otherVerdicts).sort(([a], [b]) => (a < b ? -1 : 1));
  if (others.length > 0) info(`flows with other verdicts ignored: ${others.map(([v, n]) => `${n} ${v}`).join(', ')}`);
  if (stats.unreadable > 0) out.push({ severity: 'warning', message: `${file}: ${stats.unreadable} unreadable lines skipped (see the lines above)` });
  return out;
}
