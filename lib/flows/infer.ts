/**
 * From observed flows to a plan of allows: the namespaces to isolate, their workloads, one allow per observed
 * workload pair (listing exactly the observed ports), DNS per namespace, and external addresses grouped into CIDRs.
 *
 * Decisions:
 * - A workload is what Hubble names in `workloads[0]` (kind and name) within a namespace; its labels are the stable
 *   labels (see `stableLabels`) that all its observed pods share. Pods without a recorded workload are identified by
 *   their stable labels. Selectors follow `chooseSelectors`.
 * - Every namespace that has an observed pod becomes an `IsolatedNamespace`, except the `excludedNamespaces`
 *   (default: kube-system), where no policy is ever written: connections to or from their pods get only the half on
 *   the other side.
 * - DNS: UDP or TCP 53 to a kube-system pod labelled `k8s-app=kube-dns` (or named/labelled coredns or kube-dns) is
 *   DNS. A namespace with observed DNS keeps the DNS access `IsolatedNamespace` includes (UDP and TCP 53, for every
 *   pod of the namespace, narrowed to the observed DNS pods' selector when there is exactly one); TCP 53 is allowed
 *   even when only UDP was seen, because large answers fall back to TCP, and the plan notes it. A namespace with no
 *   observed DNS gets `allowDns: false`.
 * - External addresses (`reserved:world`, and `reserved:kube-apiserver` by its address) become CIDRs per workload
 *   and port by the rule of `groupAddresses`; ports with the same CIDRs share one allow.
 * - Other reserved identities (host, remote-node, health, ...) cannot be named by a NetworkPolicy peer; their flows
 *   are counted in a note.
 * - Pods recorded without any labels (`FlowEndpoint.labelsMissing`: an export field mask removed them) cannot be
 *   selected either; one note names them and how to include the labels in the export.
 */
import { groupAddresses } from './cidrs';
import { FlowEndpoint, FlowProtocol, ObservedFlow } from './hubble';
import { checkObservedFlow } from './validate';
import { chooseSelectors, stableLabels, workloadName } from './workloads';

/** An observed workload. */
export interface PlannedWorkload {
  /** Its namespace. */
  readonly namespaceName: string;
  /** A name unique within the namespace (Hubble's workload name, else derived from the pod name or labels). */
  readonly name: string;
  /** Its stable labels (no pod-template-hash, controller-revision-hash, ...). */
  readonly labels: { [key: string]: string };
  /** The labels its selector matches (a subset of `labels`). */
  readonly selector: { [key: string]: string };
}

/** One observed destination port, with the number of flows seen on it. */
export interface PlannedPort {
  /** The protocol. */
  readonly protocol: FlowProtocol;
  /** The port. */
  readonly port: number;
  /** Observed flows. */
  readonly flows: number;
}

/** DNS as observed from one namespace. */
export interface PlannedDns {
  /** The DNS pods' selector in kube-system when exactly one DNS workload was seen; else undefined (any kube-system pod). */
  readonly dnsPods?: { [key: string]: string };
  /** Observed UDP 53 flows. */
  readonly udpFlows: number;
  /** Observed TCP 53 flows. */
  readonly tcpFlows: number;
}

/** A namespace of the plan. */
export interface PlannedNamespace {
  /** The name. */
  readonly name: string;
  /** Whether it becomes an `IsolatedNamespace` (false for excluded namespaces such as kube-system). */
  readonly isolated: boolean;
  /** Its observed workloads, by name. */
  readonly workloads: PlannedWorkload[];
  /** Observed DNS, if any (isolated namespaces only). */
  readonly dns?: PlannedDns;
}

/** An allow between two workloads. */
export interface PlannedConnection {
  /** Who opens the connection. */
  readonly source: PlannedWorkload;
  /** Who accepts it. */
  readonly destination: PlannedWorkload;
  /** The observed destination ports, sorted. */
  readonly ports: PlannedPort[];
}

/** An allow between a workload and addresses outside the cluster. */
export interface PlannedCidrAllow {
  /** `egress`: the workload connects to the addresses; `ingress`: the addresses connect to the workload. */
  readonly direction: 'egress' | 'ingress';
  /** The workload (in an isolated namespace). */
  readonly workload: PlannedWorkload;
  /** The CIDRs (see `groupAddresses`). */
  readonly cidrs: string[];
  /** The addresses observed. */
  readonly addresses: string[];
  /** DNS names Hubble recorded for the addresses, if any. */
  readonly names: string[];
  /** The observed ports, sorted. */
  readonly ports: PlannedPort[];
}

/** What the flows say should be allowed. */
export interface FlowPlan {
  /** Namespaces, by name. */
  readonly namespaces: PlannedNamespace[];
  /** Workload-to-workload allows, sorted by source then destination. */
  readonly connections: PlannedConnection[];
  /** Allows to or from external addresses, sorted by workload, direction, first CIDR. */
  readonly cidrAllows: PlannedCidrAllow[];
  /** Things the reviewer should know (widenings, skipped flows), sorted. */
  readonly notes: string[];
  /** Flows the plan was made from. */
  readonly flowCount: number;
}

/** Options of `inferPlan`. */
export interface InferOptions {
  /**
   * Namespaces where no policy is written (their pods remain peers).
   * @default ['kube-system']
   */
  readonly excludedNamespaces?: string[];
}

/** The DNS namespace, and what identifies its DNS pods. */
const DNS_NAMESPACE = 'kube-system';
const DNS_NAMES = ['kube-dns', 'coredns'];

type End =
  | { readonly type: 'pod'; readonly key: string }
  | { readonly type: 'address'; readonly ip: string }
  | { readonly type: 'other'; readonly what: string };

/**
 * Turns observed flows (FORWARDED and AUDIT connection starts) into a plan. A flow with a value no NetworkPolicy can
 * hold (see `checkObservedFlow`; `parseHubbleFlows` never returns one) is skipped with a note naming its line.
 */
export function inferPlan(flows: ObservedFlow[], options: InferOptions = {}): FlowPlan {
  const excluded = new Set(options.excludedNamespaces ?? [DNS_NAMESPACE]);
  const notes = new Set<string>();
  const identities = new Map<string, { namespaceName: string; labels: { [key: string]: string }; name: string; varying: Set<string> }>();
  const withoutLabels = new Set<string>();

  const classify = (endpoint: FlowEndpoint): End => {
    const reserved = endpoint.labels.filter(l => l.startsWith('reserved:')).map(l => l.slice('reserved:'.length));
    if (endpoint.namespace) {
      const labels = stableLabels(endpoint);
      if (Object.keys(labels).length === 0 && endpoint.labelsMissing) {
        withoutLabels.add(`${endpoint.namespace}/${endpoint.podName ?? endpoint.workloadName ?? '?'}`);
        return { type: 'other', what: 'pods whose labels are missing from the export' };
      }
      if (Object.keys(labels).length === 0) {
        notes.add(`pod ${endpoint.namespace}/${endpoint.podName ?? '?'} has no stable labels, so no selector can pick it; its flows were skipped. Label its workload (e.g. app=<name>) and observe again`);
        return { type: 'other', what: 'unlabelled pod' };
      }
      // Pods of one named workload are one identity, keeping only the labels all of them share (a `version` label that
      // changed during the capture is not used); pods without a recorded workload are identified by their labels.
      const key = endpoint.workloadName
        ? `${endpoint.namespace}\u0000${endpoint.workloadKind ?? ''}/${endpoint.workloadName}`
        : `${endpoint.namespace}\u0000${JSON.stringify(labels)}`;
      const known = identities.get(key);
      if (!known) identities.set(key, { namespaceName: endpoint.namespace, labels, name: workloadName(endpoint, labels), varying: new Set() });
      else {
        for (const k of Object.keys(known.labels)) {
          if (labels[k] !== known.labels[k]) {
            known.varying.add(k);
            delete known.labels[k];
          }
        }
        Object.keys(labels).filter(k => !(k in known.labels) && !known.varying.has(k)).forEach(k => known.varying.add(k));
      }
      return { type: 'pod', key };
    }
    if (reserved.some(r => r.startsWith('world')) && endpoint.ip) return { type: 'address', ip: endpoint.ip };
    if (reserved.includes('kube-apiserver') && endpoint.ip) {
      notes.add('the Kubernetes API server is allowed by its address; some CNIs (Cilium) do not match it by ipBlock and need their own rule (toEntities: kube-apiserver)');
      return { type: 'address', ip: endpoint.ip };
    }
    return { type: 'other', what: reserved.length > 0 ? `reserved:${reserved.join(',reserved:')}` : 'an endpoint without namespace or address' };
  };

  interface PortCount { [protoPort: string]: number }
  const add = (counts: PortCount, flow: ObservedFlow) => {
    const key = `${flow.protocol}/${flow.port}`;
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const pairs = new Map<string, { source: string; destination: string; ports: PortCount }>();
  const external = new Map<string, { direction: 'egress' | 'ingress'; workload: string; port: string; addresses: Set<string>; names: Set<string>; flows: number }>();
  const dns = new Map<string, { udp: number; tcp: number; servers: Set<string> }>();
  const skipped = new Map<string, number>();
  const skip = (why: string) => skipped.set(why, (skipped.get(why) ?? 0) + 1);

  const usable: ObservedFlow[] = [];
  for (const flow of flows) {
    const problems = checkObservedFlow(flow);
    if (problems.length === 0) usable.push(flow);
    else notes.add(`the flow of line ${flow.line} was skipped: ${problems.map(p => `${p.side ? `${p.side} ` : ''}${p.field} ${JSON.stringify(p.value)}: ${p.problem}`).join('; ')}`);
  }

  for (const flow of usable) {
    const src = classify(flow.source);
    const dst = classify(flow.destination);
    if (src.type === 'other' || dst.type === 'other') {
      skip(`involving ${src.type === 'other' ? src.what : (dst as { what: string }).what}, which no NetworkPolicy peer can name`);
      continue;
    }
    if (src.type === 'address' && dst.type === 'address') {
      skip('between two addresses outside the cluster');
      continue;
    }
    const srcNs = src.type === 'pod' ? identities.get(src.key)!.namespaceName : undefined;
    const dstNs = dst.type === 'pod' ? identities.get(dst.key)!.namespaceName : undefined;
    const governed = (srcNs !== undefined && !excluded.has(srcNs)) || (dstNs !== undefined && !excluded.has(dstNs));
    if (!governed) {
      skip(`within excluded namespaces (${[...excluded].sort().join(', ')}), or between them and addresses outside the cluster, where no policy is written`);
      continue;
    }
    if (src.type === 'pod' && dst.type === 'pod' && isDns(flow, identities.get(dst.key)!) && !excluded.has(srcNs!)) {
      const entry = dns.get(srcNs!) ?? { udp: 0, tcp: 0, servers: new Set<string>() };
      if (flow.protocol === 'UDP') entry.udp++;
      else entry.tcp++;
      entry.servers.add(dst.key);
      dns.set(srcNs!, entry);
      continue;
    }
    if (src.type === 'pod' && dst.type === 'pod') {
      const key = `${src.key}\u0001${dst.key}`;
      const pair = pairs.get(key) ?? { source: src.key, destination: dst.key, ports: {} };
      add(pair.ports, flow);
      pairs.set(key, pair);
      continue;
    }
    const [direction, workload, address] = src.type === 'pod'
      ? ['egress' as const, src.key, (dst as { ip: string }).ip]
      : ['ingress' as const, (dst as { key: string }).key, (src as { ip: string }).ip];
    const port = `${flow.protocol}/${flow.port}`;
    const key = `${direction}\u0001${workload}\u0001${port}`;
    const entry = external.get(key) ?? { direction, workload, port, addresses: new Set<string>(), names: new Set<string>(), flows: 0 };
    entry.addresses.add(address);
    if (direction === 'egress') flow.destinationNames.forEach(n => entry.names.add(n));
    entry.flows++;
    external.set(key, entry);
  }

  // Labels that differed between pods of one workload, and workloads whose pods share no label.
  const unusable = new Set<string>();
  for (const [key, identity] of identities) {
    const ref = `${identity.namespaceName}/${identity.name}`;
    if (identity.varying.size > 0) notes.add(`labels that differ between pods of ${ref} are not used to select it: ${[...identity.varying].sort().join(', ')}`);
    if (Object.keys(identity.labels).length === 0) {
      notes.add(`the pods of ${ref} share no stable label, so no selector can pick them; their flows were skipped. Give the workload a label of its own (e.g. app=${identity.name})`);
      unusable.add(key);
    }
  }
  for (const key of unusable) identities.delete(key);
  for (const [key, pair] of pairs) if (unusable.has(pair.source) || unusable.has(pair.destination)) pairs.delete(key);
  for (const [key, entry] of external) if (unusable.has(entry.workload)) external.delete(key);
  for (const entry of dns.values()) for (const server of [...entry.servers]) if (unusable.has(server)) entry.servers.delete(server);

  // Workloads, their unique names and selectors, per namespace.
  const workloads = new Map<string, PlannedWorkload>();
  const byNamespace = new Map<string, string[]>();
  for (const key of [...identities.keys()].sort()) {
    const ns = identities.get(key)!.namespaceName;
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), key]);
  }
  for (const [ns, keys] of byNamespace) {
    const selectors = chooseSelectors(keys.map(k => identities.get(k)!.labels));
    const used = new Map<string, number>();
    keys.forEach((key, i) => {
      const identity = identities.get(key)!;
      const count = (used.get(identity.name) ?? 0) + 1;
      used.set(identity.name, count);
      const name = count === 1 ? identity.name : `${identity.name}-${count}`;
      if (selectors[i].ambiguous) {
        notes.add(`the selector of ${ns}/${name} (${labelText(selectors[i].selector)}) also matches another observed workload of ${ns}, whose allows it therefore shares; give the workloads distinguishing labels`);
      }
      workloads.set(key, { namespaceName: ns, name, labels: identity.labels, selector: selectors[i].selector });
    });
  }

  const namespaces: PlannedNamespace[] = [...byNamespace.keys()].sort().map(ns => {
    const observed = dns.get(ns);
    let plannedDns: PlannedDns | undefined;
    if (observed) {
      const servers = [...observed.servers].map(k => workloads.get(k)!);
      plannedDns = { udpFlows: observed.udp, tcpFlows: observed.tcp, dnsPods: servers.length === 1 ? servers[0].selector : undefined };
      if (observed.tcp === 0) notes.add(`${ns}: only UDP 53 was observed to the cluster DNS; TCP 53 is allowed as well, because answers larger than a datagram are retried over TCP`);
    }
    const list = (byNamespace.get(ns) ?? []).map(k => workloads.get(k)!).sort((a, b) => compare(a.name, b.name));
    return { name: ns, isolated: !excluded.has(ns), workloads: list, dns: excluded.has(ns) ? undefined : plannedDns };
  });

  const connections: PlannedConnection[] = [...pairs.values()]
    .map(p => ({ source: workloads.get(p.source)!, destination: workloads.get(p.destination)!, ports: ports(p.ports) }))
    .sort((a, b) => compare(ref(a.source), ref(b.source)) || compare(ref(a.destination), ref(b.destination)));

  const cidrAllows = cidrAllowsOf([...external.values()].map(e => ({ ...e, workload: workloads.get(e.workload)! })), notes);

  if (withoutLabels.size > 0) notes.add(missingLabelsNote([...withoutLabels].sort()));
  for (const [why, count] of skipped) notes.add(`skipped ${count} flow${count === 1 ? '' : 's'} ${why}`);
  return { namespaces, connections, cidrAllows, notes: [...notes].sort(), flowCount: usable.length };
}

/** Pods recorded without labels: the export's field mask left them out, so say how to include them. */
function missingLabelsNote(pods: string[]): string {
  const shown = pods.length > 3 ? `${pods.slice(0, 3).join(', ')} and ${pods.length - 3} more` : pods.join(', ');
  return `the labels of ${pods.length} pod${pods.length === 1 ? '' : 's'} are missing from the export (${shown}): their records have no `
    + 'source.labels or destination.labels, which a field mask of the export removes, so no selector could be chosen and their flows were skipped. '
    + 'Include the labels and capture again: for the Hubble exporter, add source.labels and destination.labels to its field mask '
    + '(hubble-export-fieldmask; Helm: hubble.export.static.fieldMask); for hubble observe, add them to --experimental-field-mask '
    + '(--field-mask from Cilium 1.19) or leave the mask out';
}

/** Per workload and direction: CIDRs per port, then ports with identical CIDRs merged into one allow. */
function cidrAllowsOf(
  entries: { direction: 'egress' | 'ingress'; workload: PlannedWorkload; port: string; addresses: Set<string>; names: Set<string>; flows: number }[],
  notes: Set<string>,
): PlannedCidrAllow[] {
  const groups = new Map<string, { direction: 'egress' | 'ingress'; workload: PlannedWorkload; cidrs: string[]; addresses: Set<string>; names: Set<string>; ports: PortCountList }>();
  for (const entry of entries) {
    const { cidrs, invalid } = groupAddresses([...entry.addresses]);
    invalid.forEach(a => notes.add(`"${a}" is not an IP address; flows with it were skipped`));
    if (cidrs.length === 0) continue;
    const key = `${entry.direction}\u0001${ref(entry.workload)}\u0001${cidrs.join(',')}`;
    const group = groups.get(key) ?? { direction: entry.direction, workload: entry.workload, cidrs, addresses: new Set<string>(), names: new Set<string>(), ports: {} };
    entry.addresses.forEach(a => group.addresses.add(a));
    entry.names.forEach(n => group.names.add(n));
    group.ports[entry.port] = (group.ports[entry.port] ?? 0) + entry.flows;
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(g => ({
      direction: g.direction,
      workload: g.workload,
      cidrs: g.cidrs,
      addresses: [...g.addresses].sort(),
      names: [...g.names].sort(),
      ports: ports(g.ports),
    }))
    .sort((a, b) => compare(ref(a.workload), ref(b.workload)) || compare(a.direction, b.direction) || compare(a.cidrs.join(','), b.cidrs.join(',')));
}

type PortCountList = { [protoPort: string]: number };

function ports(counts: PortCountList): PlannedPort[] {
  return Object.entries(counts)
    .map(([key, flows]) => {
      const [protocol, port] = key.split('/');
      return { protocol: protocol as FlowProtocol, port: Number(port), flows };
    })
    .sort((a, b) => compare(a.protocol, b.protocol) || a.port - b.port);
}

function isDns(flow: ObservedFlow, destination: { namespaceName: string; labels: { [key: string]: string }; name: string }): boolean {
  if (flow.port !== 53 || (flow.protocol !== 'UDP' && flow.protocol !== 'TCP')) return false;
  if (destination.namespaceName !== DNS_NAMESPACE) return false;
  const values = [destination.name, destination.labels['k8s-app'], destination.labels.app, destination.labels['app.kubernetes.io/name']];
  return values.some(v => v !== undefined && DNS_NAMES.includes(v));
}

/** `namespace/name`. */
export function ref(workload: PlannedWorkload): string {
  return `${workload.namespaceName}/${workload.name}`;
}

/** `key=value,key=value`. */
export function labelText(labels: { [key: string]: string }): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
