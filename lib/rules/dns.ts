/**
 * DNS reachability of egress-isolated pods, shared by NP004 (no DNS) and NP006 (UDP only). Evaluated on the
 * imagined analysis (see context.ts), so policy-only input is checked too. DNS counts as allowed when egress allows
 * the DNS port to the cluster DNS pods (`RuleContext.dns`: by default kube-system, k8s-app=kube-dns, port 53), by
 * whatever peer reaches them, or to any ipBlock (a node-local or external resolver).
 */
import { CompiledRule, ConnectionSet, isEmptySelector, WorkloadClass } from '../analysis';
import { PolicyType, Protocol } from '../model/types';
import { RuleContext } from './context';

/** The DNS status of one egress-isolated class. */
export interface DnsStatus {
  /** The class (of the imagined analysis). */
  readonly cls: WorkloadClass;
  /** Whether the DNS port is allowed over UDP to a DNS server. */
  readonly udp: boolean;
  /** Whether the DNS port is allowed over TCP to a DNS server. */
  readonly tcp: boolean;
  /** The rules that allow the DNS port over UDP to a DNS server. */
  readonly udpRules: CompiledRule[];
  /** The policy to blame for the isolation: the first default deny among the isolating policies, else the first. */
  readonly isolatedBy: CompiledRule['policy'];
}

const cache = new WeakMap<RuleContext, DnsStatus[]>();

/** The DNS status of every egress-isolated class that is not itself a DNS server. */
export function dnsStatuses(context: RuleContext): DnsStatus[] {
  let result = cache.get(context);
  if (result) return result;
  result = [];
  const engine = context.imagined.engine;
  const dns = context.dnsClasses;
  const port = context.dns.port;
  // What a rule allows towards DNS does not depend on the source: computed once per rule (bit 1: UDP, bit 2: TCP).
  const perRule = new Map<CompiledRule, number>();
  const ipBlockBits = (rule: CompiledRule): number => {
    const conns = engine.rulePorts(rule, undefined);
    return (conns.contains(Protocol.UDP, port) ? 1 : 0) | (conns.contains(Protocol.TCP, port) ? 2 : 0);
  };
  const toDns = (rule: CompiledRule): number => {
    let bits = perRule.get(rule);
    if (bits === undefined) {
      let conns = ConnectionSet.NONE;
      for (const d of dns) if (engine.ruleMatchesOneClass(rule, d)) conns = conns.union(engine.rulePorts(rule, d));
      if (rule.ipBlockPeers.length > 0) conns = conns.union(engine.rulePorts(rule, undefined));
      bits = (conns.contains(Protocol.UDP, port) ? 1 : 0) | (conns.contains(Protocol.TCP, port) ? 2 : 0);
      perRule.set(rule, bits);
    }
    return bits;
  };
  for (const cls of engine.classes) {
    if (dns.includes(cls)) continue;
    const side = engine.side(PolicyType.EGRESS, cls);
    if (!side.isolated) continue;
    // A port is in the union of the rules' connections when it is in one of them.
    let all = 0;
    const udpRules: CompiledRule[] = [];
    for (const rule of side.rules) {
      const bits = toDns(rule);
      if (bits & 1) udpRules.push(rule);
      all |= bits;
    }
    if (engine.tiers) {
      // Cluster-scoped policies decide around the NetworkPolicies (an Admin-tier Accept of DNS, a Deny): ask the
      // whole evaluation for the DNS pods; answers by ipBlock (a node-local cache) stand as the rules give them.
      let conns = ConnectionSet.NONE;
      for (const d of dns) conns = conns.union(engine.egressToClass(cls, d));
      all = (all & ~3) | (conns.contains(Protocol.UDP, port) ? 1 : 0) | (conns.contains(Protocol.TCP, port) ? 2 : 0)
        | side.rules.reduce((bits, rule) => bits | (rule.ipBlockPeers.length > 0 ? ipBlockBits(rule) : 0), 0);
    }
    const isolatedBy = side.policies.find(p => isEmptySelector(p.model.podSelector)) ?? side.policies[0];
    result.push({ cls, udp: (all & 1) !== 0, tcp: (all & 2) !== 0, udpRules, isolatedBy });
  }
  cache.set(context, result);
  return result;
}

/** The workloads of classes as text; imagined pods read `production/{app=api}`. */
export function classesText(classes: WorkloadClass[], max = 4): string {
  const names = classes.flatMap(c => c.workloads.map(w => `${w.namespaceName}/${w.name}`));
  const unique = [...new Set(names)];
  return unique.length <= max ? unique.join(', ') : `${unique.slice(0, max).join(', ')} (+${unique.length - max} more)`;
}

/** Where DNS must be allowed, as text: `(UDP/TCP 53) to kube-system`. */
export function dnsText(context: RuleContext): string {
  return `(UDP/TCP ${context.dns.port}) to ${context.dns.namespace}`;
}
