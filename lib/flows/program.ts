/**
 * The one interpretation of a `FlowPlan`: a list of statements, each one call on our building blocks
 * (`new IsolatedNamespace`, `new AllowConnection`, `ns.allowTo`, `ns.allowFrom`, `ns.allowEgressCidr`) with plain
 * arguments. `buildStatements` runs them against a real scope (for the YAML and for analysis); `codegen.ts` prints
 * the same statements as TypeScript. Names that the building blocks would derive twice in one namespace are made
 * explicit here (suffix `-2`, `-3`, ...), so the printed and the built code can never differ.
 */
import { Construct } from 'constructs';
import { derivedName } from '../allow';
import { AllowConnection } from '../allow-connection';
import { DnsAccess } from '../dns-access';
import { IsolatedNamespace } from '../isolated-namespace';
import { IPeer, Peer } from '../peer';
import { Port } from '../port';
import { Selector } from '../selector';
import { FlowProtocol } from './hubble';
import { FlowPlan, labelText, PlannedCidrAllow, PlannedConnection, PlannedPort, PlannedWorkload, ref } from './infer';

/** Label equality requirements (`matchLabels`). */
export type LabelMap = { [key: string]: string };

/** A peer argument: pods of a namespace (declared in the chart as `namespaceVariable`, or not), or a CIDR. */
export type PeerArg =
  | { readonly type: 'pods'; readonly namespaceName: string; readonly namespaceVariable?: string; readonly selector: LabelMap }
  | { readonly type: 'cidr'; readonly cidr: string };

/** A port argument. */
export interface PortArg {
  /** The protocol. */
  readonly protocol: FlowProtocol;
  /** The port. */
  readonly port: number;
}

/** One call on the building blocks. */
export type Statement =
  | { readonly op: 'namespace'; readonly comment: string[]; readonly id: string; readonly variable: string; readonly namespaceName: string; readonly allowDns: boolean; readonly dnsPods?: LabelMap }
  | { readonly op: 'connection'; readonly comment: string[]; readonly id: string; readonly source: PeerArg; readonly destination: PeerArg; readonly ports: PortArg[]; readonly egressPolicyName?: string; readonly ingressPolicyName?: string }
  | { readonly op: 'allowTo' | 'allowFrom'; readonly comment: string[]; readonly namespaceVariable: string; readonly pods: LabelMap; readonly peers: PeerArg[]; readonly ports: PortArg[]; readonly name?: string }
  | { readonly op: 'egressCidr'; readonly comment: string[]; readonly namespaceVariable: string; readonly pods: LabelMap; readonly cidrs: string[]; readonly ports: PortArg[]; readonly name?: string };

/** The statements of a plan: namespaces first, then workload connections, then external allows, in plan order. */
export function planStatements(plan: FlowPlan): Statement[] {
  const names = new Names();
  const variables = new Map<string, string>();
  const statements: Statement[] = [];
  for (const ns of plan.namespaces.filter(n => n.isolated)) {
    const variable = names.variable(ns.name);
    variables.set(ns.name, variable);
    names.reserve(ns.name, ['default-deny-all', 'allow-dns']);
    const dns = ns.dns;
    const comment = [`Namespace ${ns.name}: ${ns.workloads.length} observed workload${ns.workloads.length === 1 ? '' : 's'} (${ns.workloads.map(w => w.name).join(', ')}).`];
    if (dns) {
      const count = (n: number, what: string) => (n === 0 ? `no ${what} flow` : `${n} ${what} flow${n === 1 ? '' : 's'}`);
      comment.push(`DNS observed: ${count(dns.udpFlows, 'UDP 53')} and ${count(dns.tcpFlows, 'TCP 53')} to ${dns.dnsPods ? `kube-system pods ${labelText(dns.dnsPods)}` : 'several kube-system workloads, so any kube-system pod is allowed'}.`);
      if (dns.tcpFlows === 0) comment.push('TCP 53 was not observed but is allowed too: answers larger than a datagram are retried over TCP.');
    } else {
      comment.push('No DNS lookups observed, so DNS is not allowed.');
    }
    statements.push({ op: 'namespace', comment, id: names.chartId(ns.name), variable, namespaceName: ns.name, allowDns: dns !== undefined, dnsPods: dns?.dnsPods });
  }
  const peerOf = (w: PlannedWorkload): PeerArg => ({ type: 'pods', namespaceName: w.namespaceName, namespaceVariable: variables.get(w.namespaceName), selector: w.selector });

  for (const c of plan.connections) statements.push(connectionStatement(c, peerOf, variables, names));
  for (const a of plan.cidrAllows) statements.push(cidrStatement(a, variables, names));
  return statements;
}

function connectionStatement(c: PlannedConnection, peerOf: (w: PlannedWorkload) => PeerArg, variables: Map<string, string>, names: Names): Statement {
  const comment = [`${ref(c.source)} -> ${ref(c.destination)}: ${portsComment(c.ports)}.`];
  const ports = c.ports.map(portArg);
  const source = peerOf(c.source);
  const destination = peerOf(c.destination);
  const srcVar = variables.get(c.source.namespaceName);
  const dstVar = variables.get(c.destination.namespaceName);
  if (srcVar && dstVar) {
    const egress = names.policy(c.source.namespaceName, derivedName(Selector.labels(c.source.selector), 'allow-to', [peerValue(destination)]));
    const ingress = names.policy(c.destination.namespaceName, derivedName(Selector.labels(c.destination.selector), 'allow-from', [peerValue(source)]));
    const id = names.chartId(c.source.namespaceName === c.destination.namespaceName
      ? `${c.source.namespaceName}-${c.source.name}-to-${c.destination.name}`
      : `${c.source.namespaceName}-${c.source.name}-to-${c.destination.namespaceName}-${c.destination.name}`);
    return { op: 'connection', comment, id, source, destination, ports, egressPolicyName: egress.explicit, ingressPolicyName: ingress.explicit };
  }
  // One end is in an excluded namespace: write only the half on our side.
  if (srcVar) {
    comment.push(`Only the egress half: no policy is written in ${c.destination.namespaceName}.`);
    const name = names.policy(c.source.namespaceName, derivedName(Selector.labels(c.source.selector), 'allow-to', [peerValue(destination)]));
    return { op: 'allowTo', comment, namespaceVariable: srcVar, pods: c.source.selector, peers: [destination], ports, name: name.explicit };
  }
  comment.push(`Only the ingress half: no policy is written in ${c.source.namespaceName}.`);
  const name = names.policy(c.destination.namespaceName, derivedName(Selector.labels(c.destination.selector), 'allow-from', [peerValue(source)]));
  return { op: 'allowFrom', comment, namespaceVariable: dstVar!, pods: c.destination.selector, peers: [source], ports, name: name.explicit };
}

function cidrStatement(a: PlannedCidrAllow, variables: Map<string, string>, names: Names): Statement {
  const ns = a.workload.namespaceName;
  const variable = variables.get(ns)!;
  const addresses = `${a.addresses.join(', ')}${a.names.length > 0 ? ` (${a.names.join(', ')})` : ''}`;
  const ports = a.ports.map(portArg);
  const pods = Selector.labels(a.workload.selector);
  if (a.direction === 'egress') {
    const comment = [`${ref(a.workload)} -> ${addresses}: ${portsComment(a.ports)}.`];
    const cidrPeers = a.cidrs.map(c => peerValue({ type: 'cidr', cidr: c }));
    const defaultName = derivedName(pods, 'allow-egress', cidrPeers);
    const defaultId = `${pods.nameHint}-egress-${a.cidrs.join('-').replace(/[/:]/g, '_')}`;
    const name = defaultName.length > MAX_DERIVED_NAME ? names.explicit(ns, `${pods.nameHint}-allow-egress-external`) : names.policy(ns, defaultName, defaultId);
    return { op: 'egressCidr', comment, namespaceVariable: variable, pods: a.workload.selector, cidrs: a.cidrs, ports, name: name.explicit };
  }
  const comment = [`${addresses} -> ${ref(a.workload)}: ${portsComment(a.ports)}.`];
  const peers: PeerArg[] = a.cidrs.map(cidr => ({ type: 'cidr', cidr }));
  const defaultName = derivedName(pods, 'allow-from', peers.map(peerValue));
  const name = defaultName.length > MAX_DERIVED_NAME ? names.explicit(ns, `${pods.nameHint}-allow-from-external`) : names.policy(ns, defaultName);
  return { op: 'allowFrom', comment, namespaceVariable: variable, pods: a.workload.selector, peers, ports, name: name.explicit };
}

/** The checker rule that flags egress isolation without DNS, accepted where no lookup was observed. */
export const NO_DNS_RULE = 'NP004';
/** Why a namespace without observed DNS gets none (the suppression's reason). */
export const NO_DNS_REASON = 'no DNS lookup was observed from this namespace in the flow log';

/** Derived names listing CIDRs longer than this (a DNS label's length) are replaced by `<pods>-allow-egress-external`. */
const MAX_DERIVED_NAME = 63;

function portArg(p: PlannedPort): PortArg {
  return { protocol: p.protocol, port: p.port };
}

function portsComment(ports: PlannedPort[]): string {
  const flows = (n: number) => `${n} flow${n === 1 ? '' : 's'}`;
  if (ports.length === 1) return `${ports[0].protocol} ${ports[0].port}, ${flows(ports[0].flows)}`;
  const total = ports.reduce((n, p) => n + p.flows, 0);
  return `${ports.map(p => `${p.protocol} ${p.port} (${flows(p.flows)})`).join(', ')}; ${flows(total)} in all`;
}

/** Keeps policy names, construct ids and variable names unique. */
class Names {
  private readonly policies = new Map<string, Set<string>>();
  private readonly chartIds = new Set<string>();
  private readonly variables = new Set<string>(['scope', 'id', 'props']);

  /** Marks names as taken in a namespace. */
  public reserve(namespaceName: string, names: string[]): void {
    const set = this.policies.get(namespaceName) ?? new Set<string>();
    names.forEach(n => set.add(n));
    this.policies.set(namespaceName, set);
  }

  /**
   * The name a policy gets: the building block's default when free (`explicit` undefined), else the default with a
   * numeric suffix, given explicitly. `defaultId` is the construct id the default would use, when it differs.
   */
  public policy(namespaceName: string, defaultName: string, defaultId = defaultName): { name: string; explicit?: string } {
    const taken = this.policies.get(namespaceName) ?? new Set<string>();
    this.policies.set(namespaceName, taken);
    if (!taken.has(defaultName) && !taken.has(defaultId)) {
      taken.add(defaultName);
      taken.add(defaultId);
      return { name: defaultName };
    }
    let n = 2;
    while (taken.has(`${defaultName}-${n}`)) n++;
    const name = `${defaultName}-${n}`;
    taken.add(name);
    return { name, explicit: name };
  }

  /** An explicit policy name: `base` if free in the namespace, else `base-2`, `base-3`, ... */
  public explicit(namespaceName: string, base: string): { name: string; explicit: string } {
    const taken = this.policies.get(namespaceName) ?? new Set<string>();
    this.policies.set(namespaceName, taken);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return { name, explicit: name };
  }

  /** A unique construct id at chart level. */
  public chartId(wanted: string): string {
    let id = wanted;
    for (let n = 2; this.chartIds.has(id); n++) id = `${wanted}-${n}`;
    this.chartIds.add(id);
    return id;
  }

  /** A unique, non-reserved camelCase variable name for a namespace. */
  public variable(namespaceName: string): string {
    const camel = namespaceName.replace(/[-.]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    let base = /^[0-9]/.test(camel) ? `ns${camel}` : camel;
    if (RESERVED_WORDS.has(base)) base = `${base}Namespace`;
    let name = base;
    for (let n = 2; this.variables.has(name); n++) name = `${base}${n}`;
    this.variables.add(name);
    return name;
  }
}

const RESERVED_WORDS = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
  'function if implements import in instanceof interface let new null package private protected public return static super switch this ' +
  'throw true try typeof var void while with yield await any boolean number string symbol').split(' '));

/** The `Selector` value of labels. */
export function selectorValue(labels: LabelMap): Selector {
  return Selector.labels(labels);
}

/** The `IPeer` value of a peer argument. */
export function peerValue(peer: PeerArg): IPeer {
  if (peer.type === 'cidr') return peer.cidr.includes(':') ? Peer.ipv6(peer.cidr) : Peer.ipv4(peer.cidr);
  return Peer.podsInNamespace(peer.namespaceName, selectorValue(peer.selector));
}

/** The `Port` value of a port argument. */
export function portValue(port: PortArg): Port {
  switch (port.protocol) {
    case 'UDP': return Port.udp(port.port);
    case 'SCTP': return Port.sctp(port.port);
    default: return Port.tcp(port.port);
  }
}

/** Whether labels are exactly `DnsAccess.KUBE_DNS_PODS`'s. */
export function isKubeDnsPods(labels: LabelMap | undefined): boolean {
  return labels !== undefined && labelText(labels) === labelText(DnsAccess.KUBE_DNS_PODS.matchLabels);
}

/** Runs the statements in `scope` (a Chart): the same constructs the generated TypeScript creates. */
export function buildStatements(scope: Construct, statements: Statement[]): void {
  const namespaces = new Map<string, IsolatedNamespace>();
  const ns = (variable: string) => namespaces.get(variable)!;
  for (const s of statements) {
    switch (s.op) {
      case 'namespace': {
        const namespace = new IsolatedNamespace(scope, s.id, {
          namespaceName: s.namespaceName,
          ...(s.allowDns ? {} : { allowDns: false }),
          ...(s.dnsPods ? { dns: { dnsPods: isKubeDnsPods(s.dnsPods) ? DnsAccess.KUBE_DNS_PODS : selectorValue(s.dnsPods) } } : {}),
        });
        if (!s.allowDns) namespace.suppress(NO_DNS_RULE, NO_DNS_REASON);
        namespaces.set(s.variable, namespace);
        break;
      }
      case 'connection':
        new AllowConnection(scope, s.id, {
          source: peerValue(s.source),
          destination: peerValue(s.destination),
          ports: s.ports.map(portValue),
          ...(s.egressPolicyName ? { egressPolicyName: s.egressPolicyName } : {}),
          ...(s.ingressPolicyName ? { ingressPolicyName: s.ingressPolicyName } : {}),
        });
        break;
      case 'allowTo':
        ns(s.namespaceVariable).allowTo(selectorValue(s.pods), s.peers.map(peerValue), s.ports.map(portValue), s.name);
        break;
      case 'allowFrom':
        ns(s.namespaceVariable).allowFrom(selectorValue(s.pods), s.peers.map(peerValue), s.ports.map(portValue), s.name);
        break;
      case 'egressCidr':
        ns(s.namespaceVariable).allowEgressCidr(selectorValue(s.pods), s.cidrs, s.ports.map(portValue), s.name);
        break;
    }
  }
}
