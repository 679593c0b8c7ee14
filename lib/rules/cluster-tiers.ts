/**
 * Questions about the tiers of cluster-scoped policies that several rules ask (NP002/NP003, NP022, NP023, NP024),
 * answered with the engine's own evaluation (`ClusterTiers.outcome`, first match per port) rather than a second
 * reading of the API: which rule of a tier takes which ports, and whether the Baseline tier denies a namespace by
 * default.
 */
import {
  ClusterTiers, CompiledClusterPolicy, CompiledClusterRule, ConnectionSet, formatIpv4Range, Ipv4Range, isEmptySelector,
  MAX_IPV4, matchesSelector, TierAction, TierOutcome, TierPeer, WorkloadClass,
} from '../analysis';
import type { Engine } from '../analysis/engine';
import { PolicyType } from '../model/types';

/** `spec.ingress[0]` / `spec.egress[1]` of a cluster-scoped policy. */
export function clusterRuleField(rule: CompiledClusterRule): string {
  return `spec.${rule.direction === PolicyType.INGRESS ? 'ingress' : 'egress'}[${rule.index}]`;
}

function taken(outcome: TierOutcome, action: TierAction): ConnectionSet {
  return action === TierAction.ALLOW ? outcome.allow : action === TierAction.DENY ? outcome.deny : outcome.pass;
}

/**
 * The rules of `rules` (one tier's rules for one pod and direction, in evaluation order) that decide some of `ports`
 * with `action` for the other end, each with the ports it decides: rule i decides what the first i+1 rules decide
 * with the action minus what the first i decide (the engine's first match per port, rule by rule).
 */
export function rulesDeciding(tiers: ClusterTiers, rules: readonly CompiledClusterRule[], other: TierPeer,
  destination: WorkloadClass | undefined, action: TierAction, ports: ConnectionSet): { rule: CompiledClusterRule; ports: ConnectionSet }[] {
  const out: { rule: CompiledClusterRule; ports: ConnectionSet }[] = [];
  let before = ConnectionSet.NONE;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.action !== action || !tiers.ruleMatches(rule, other)) continue;
    const upTo = taken(tiers.outcome(rules.slice(0, i + 1), other, destination), action);
    const own = upTo.subtract(before).intersect(ports);
    if (!own.isEmpty()) out.push({ rule, ports: own });
    before = upTo;
  }
  return out;
}

/** The ports one rule of `rules` decides for the other end (with its own action), first match per port. */
export function portsDecidedBy(tiers: ClusterTiers, rules: readonly CompiledClusterRule[], index: number, other: TierPeer,
  destination: WorkloadClass | undefined): ConnectionSet {
  const action = rules[index].action;
  if (!tiers.ruleMatches(rules[index], other)) return ConnectionSet.NONE;
  return taken(tiers.outcome(rules.slice(0, index + 1), other, destination), action)
    .subtract(taken(tiers.outcome(rules.slice(0, index), other, destination), action));
}

/** Whether a cluster policy's subject holds every pod of the namespace, present or future (its labels as given). */
export function subjectHoldsNamespace(policy: CompiledClusterPolicy, namespaceLabels: { readonly [key: string]: string }): boolean {
  const subject = policy.model.subject;
  if (subject.namespaces) return matchesSelector(subject.namespaces, namespaceLabels);
  if (subject.pods) return matchesSelector(subject.pods.namespaceSelector, namespaceLabels) && isEmptySelector(subject.pods.podSelector);
  return false;
}

/** Whether a rule's `networks` peers hold every IPv4 address. */
function holdsEveryIpv4(rule: CompiledClusterRule): boolean {
  const ranges = rule.networks.flatMap(n => n.ipv4Ranges()).sort((a, b) => a.first - b.first);
  let next = 0;
  for (const r of ranges) {
    if (r.first > next) return false;
    next = Math.max(next, r.last + 1);
  }
  return next > MAX_IPV4;
}

/**
 * Whether a cluster-policy rule is a catch-all for the direction: every port, and every pod of every namespace of
 * the input (a `namespaces` peer, or a `pods` peer with an empty pod selector), and, for egress, every IPv4 address
 * (a `networks` peer holding 0.0.0.0/0: the API matches networks against pod addresses too, so that alone holds
 * every pod as well).
 */
export function isCatchAll(engine: Engine, rule: CompiledClusterRule): boolean {
  if (!rule.ports.all && !rule.ports.numeric.isAll()) return false;
  const everyAddress = rule.direction === PolicyType.EGRESS && holdsEveryIpv4(rule);
  if (everyAddress) return true;
  const everyPod = rule.selectorPeers.some(p => (!p.podSelector || isEmptySelector(p.podSelector))
    && [...engine.namespaces.values()].every(ns => matchesSelector(p.namespaceSelector, ns.labels)));
  return everyPod && (rule.direction === PolicyType.INGRESS || everyAddress);
}

/** The Baseline tier's default deny of a namespace for one direction, as `baselineDefaultDeny` finds it. */
export interface BaselineDefaultDeny {
  /** The catch-all Deny rule, or undefined when the Baseline tier does not deny the namespace by default. */
  readonly rule?: CompiledClusterRule;
  /** The Baseline-tier policies whose subject holds every pod of the namespace and that have rules for the direction. */
  readonly policies: readonly CompiledClusterPolicy[];
}

/**
 * Whether the Baseline tier denies every pod of a namespace (present or future) by default in a direction: among
 * the Baseline-tier policies whose subject holds every pod of the namespace, in evaluation order, a catch-all
 * (`isCatchAll`) Deny rule that no earlier catch-all Allow/Accept/Pass rule voids. Earlier narrower rules are the
 * exceptions a default deny has (an Accept of DNS), as a namespace's allow rules are beside its default-deny policy.
 * Pods with `hostNetwork: true` are never subjects of cluster policies and are left out, as the API says.
 */
export function baselineDefaultDeny(engine: Engine, namespace: string, direction: PolicyType): BaselineDefaultDeny {
  const tiers = engine.tiers;
  const view = engine.namespaces.get(namespace);
  if (!tiers || !view) return { policies: [] };
  const policies = tiers.compiled.baseline.filter(p => (direction === PolicyType.INGRESS ? p.ingress : p.egress).length > 0
    && subjectHoldsNamespace(p, view.labels));
  for (const policy of policies) {
    for (const rule of direction === PolicyType.INGRESS ? policy.ingress : policy.egress) {
      if (!isCatchAll(engine, rule)) continue;
      return rule.action === TierAction.DENY ? { rule, policies } : { policies };
    }
  }
  return { policies };
}

/** An IPv4 range for messages: as a CIDR when it is one (`10.1.0.0/16`), else as the connlist writes it (`first-last`). */
export function rangeText(range: Ipv4Range): string {
  const text = formatIpv4Range(range);
  const size = range.last - range.first + 1;
  const bits = Math.log2(size);
  if (!Number.isInteger(bits) || range.first % size !== 0) return text;
  return `${text.split('-')[0]}/${32 - bits}`;
}
