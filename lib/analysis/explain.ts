/**
 * Explanations of single connections: which tier decided each end (an Admin tier rule of a cluster-scoped policy,
 * the NetworkPolicies, a Baseline tier rule, or nobody), which policies isolate each end, which rules allow the
 * connection, and for a denial which rules came close (matching peer, wrong port) so the fix is obvious.
 */
import { ClusterPolicyTier } from '../model/cluster-policy';
import { PolicyType, Protocol } from '../model/types';
import type { ResolvedEndpoint } from './analysis';
import { CompiledRule } from './compiled';
import { endpointShortName } from './endpoints';
import { Engine } from './engine';
import { clusterRuleLabel, CompiledClusterRule, TierAction, TierPeer } from './tiers';

/** Which tier decided one side of a connection. */
export enum DecidingTier {
  /** An Admin tier rule of a cluster-scoped policy allowed or denied it; NetworkPolicies were not consulted. */
  ADMIN = 'Admin',
  /** The NetworkPolicies that isolate the pod decided. */
  NETWORK_POLICY = 'NetworkPolicy',
  /** No NetworkPolicy isolates the pod, and a Baseline tier rule allowed, denied or passed it. */
  BASELINE = 'Baseline',
  /** Nothing decided: allowed, as Kubernetes allows by default. */
  DEFAULT = 'Default',
}

/** A rule of a cluster-scoped policy that matched the connection. */
export interface ClusterRuleVerdict {
  /** The policy's kind (`AdminNetworkPolicy`, `BaselineAdminNetworkPolicy`, `ClusterNetworkPolicy`). */
  readonly kind: string;
  /** The policy's apiVersion. */
  readonly apiVersion: string;
  /** The policy's name. */
  readonly policy: string;
  /** Its tier. */
  readonly tier: ClusterPolicyTier;
  /** Its priority (none for a BaselineAdminNetworkPolicy). */
  readonly priority?: number;
  /** Ingress or Egress. */
  readonly direction: PolicyType;
  /** The rule's index in `spec.ingress` / `spec.egress`. */
  readonly ruleIndex: number;
  /** The rule's name, if it has one. */
  readonly ruleName?: string;
  /** The action as written (`Allow`, `Accept`, `Deny`, `Pass`). */
  readonly action: string;
  /** The rule as text: `AdminNetworkPolicy pass-monitoring ingress rule 0 (priority 10): Pass`. */
  readonly text: string;
}

/** How one rule relates to the connection being explained. */
export interface RuleVerdict {
  /** The policy, `namespace/name`. */
  readonly policy: string;
  /** The policy name. */
  readonly policyName: string;
  /** Ingress or Egress. */
  readonly direction: PolicyType;
  /** The rule's index in `spec.ingress` / `spec.egress`. */
  readonly ruleIndex: number;
  /** Whether the rule's peers include the other end. */
  readonly peerMatches: boolean;
  /** Whether the rule's ports include the connection's port (named ports resolved against the destination). */
  readonly portMatches: boolean;
  /** The ports the rule allows towards the destination, as connlist text. */
  readonly ports: string;
}

/** The verdict of one side of a connection: egress at the source or ingress at the destination. */
export interface SideVerdict {
  /** Egress (evaluated at the source) or Ingress (evaluated at the destination). */
  readonly direction: PolicyType;
  /** The endpoint whose policies are evaluated. */
  readonly subject: string;
  /** Whether policies can apply at all (false for an address outside the cluster, or a host-network pod in NODE mode). */
  readonly enforced: boolean;
  /** Whether at least one policy selects the subject for this direction. */
  readonly isolated: boolean;
  /** The names of the policies that isolate the subject (`namespace/name`). */
  readonly isolatedBy: string[];
  /** Every rule of the isolating policies, in order, with how it relates to the connection. */
  readonly rules: RuleVerdict[];
  /** Whether this side lets the connection through. */
  readonly allowed: boolean;
  /** One sentence saying why. */
  readonly reason: string;
  /** Which tier decided (DEFAULT also for an end no policy can apply to). */
  readonly decidedBy: DecidingTier;
  /** The Admin tier rule that matched first (Allow/Accept, Deny or Pass), if a cluster-scoped policy has one. */
  readonly adminRule?: ClusterRuleVerdict;
  /** The Baseline tier rule that matched first, when the Baseline tier was consulted and has one. */
  readonly baselineRule?: ClusterRuleVerdict;
}

/** The explanation of one connection. */
export interface Explanation {
  /** The source, as given. */
  readonly from: string;
  /** The destination, as given. */
  readonly to: string;
  /** The protocol. */
  readonly protocol: Protocol;
  /** The port. */
  readonly port: number;
  /** Whether the connection is allowed (both sides allow it). */
  readonly allowed: boolean;
  /** Egress at the source. */
  readonly egress: SideVerdict;
  /** Ingress at the destination. */
  readonly ingress: SideVerdict;
  /** The explanation as text, e.g. `shop/web may not connect to shop/api on TCP 8080: egress of shop/web is isolated by default-deny-all; no egress rule allows shop/api TCP 8080`. */
  readonly text: string;
}

function ruleName(rule: CompiledRule): string {
  return `${rule.policy.model.name} ${rule.direction === PolicyType.INGRESS ? 'ingress' : 'egress'}[${rule.index}]`;
}

function clusterRuleVerdict(rule: CompiledClusterRule): ClusterRuleVerdict {
  const p = rule.policy.model;
  return {
    kind: p.kind, apiVersion: p.apiVersion, policy: p.name, tier: rule.policy.tier, ...(p.priority !== undefined ? { priority: p.priority } : {}),
    direction: rule.direction, ruleIndex: rule.index, ...(rule.model.name ? { ruleName: rule.model.name } : {}), action: rule.model.action,
    text: clusterRuleLabel(rule),
  };
}

/** The other end of a connection as the tiers' rules match it. */
function tierPeer(other: ResolvedEndpoint): TierPeer {
  return other.type === 'workload' ? { cls: other.cls } : { address: other.address.address, family: other.address.family };
}

/**
 * The verdict of one side. What it reads of two workload classes is listed by `Verdicts.signature`
 * (lib/flows/replay.ts), which shares verdicts between pairs of classes that read alike, and `sideAllows` decides
 * `allowed` alone: keep the three in step.
 */
function sideVerdict(engine: Engine, direction: PolicyType, subject: ResolvedEndpoint, other: ResolvedEndpoint,
  destination: ResolvedEndpoint, protocol: Protocol, port: number): SideVerdict {
  const dirWord = direction === PolicyType.INGRESS ? 'ingress' : 'egress';
  const subjectName = endpointShortName(subject.endpoint);
  const otherName = endpointShortName(other.endpoint);
  const base = { direction, subject: subjectName };
  if (subject.type === 'address') {
    return { ...base, enforced: false, isolated: false, isolatedBy: [], rules: [], allowed: true, decidedBy: DecidingTier.DEFAULT, reason: `${subjectName} is outside the cluster, so no NetworkPolicy applies to its ${dirWord}` };
  }
  if (engine.isUnpolicied(subject.cls)) {
    return { ...base, enforced: false, isolated: false, isolatedBy: [], rules: [], allowed: true, decidedBy: DecidingTier.DEFAULT, reason: `${subjectName} uses the host network, which NetworkPolicies do not isolate` };
  }
  const dstClass = destination.type === 'workload' ? destination.cls : undefined;
  const tiers = engine.tiers;
  const peer = tierPeer(other);
  const what = `${otherName} ${protocol} ${port}`;
  // The Admin tier first: a matching Allow/Accept or Deny decides; a Pass, or no match, leaves it to what follows.
  let adminRule: ClusterRuleVerdict | undefined;
  let before = '';
  const adminRules = tiers ? tiers.rulesFor(ClusterPolicyTier.ADMIN, direction, subject.cls) : [];
  if (tiers && adminRules.length > 0) {
    const rule = tiers.decidingRule(adminRules, peer, dstClass, protocol, port);
    adminRule = rule ? clusterRuleVerdict(rule) : undefined;
    if (rule && rule.action !== TierAction.PASS) {
      const allowed = rule.action === TierAction.ALLOW;
      return {
        ...base, enforced: true, isolated: engine.side(direction, subject.cls).isolated, isolatedBy: engine.side(direction, subject.cls).policies.map(p => p.id),
        rules: [], allowed, decidedBy: DecidingTier.ADMIN, adminRule,
        reason: `${dirWord} of ${subjectName} is ${allowed ? 'allowed' : 'denied'} by the Admin tier, before any NetworkPolicy: ${adminRule!.text} matches ${what}`,
      };
    }
    before = rule ? `${adminRule!.text} matches ${what} and passes it on; ` : `no Admin tier rule matches ${what}; `;
  }
  const side = engine.side(direction, subject.cls);
  if (!side.isolated) {
    const notIsolated = `${dirWord} of ${subjectName} is not isolated: no NetworkPolicy selects it for ${direction}`;
    const open = { ...base, enforced: true, isolated: false, isolatedBy: [], rules: [], ...(adminRule ? { adminRule } : {}) };
    const baselineRules = tiers ? tiers.rulesFor(ClusterPolicyTier.BASELINE, direction, subject.cls) : [];
    if (!tiers || baselineRules.length === 0) return { ...open, allowed: true, decidedBy: DecidingTier.DEFAULT, reason: `${before}${notIsolated}` };
    const rule = tiers.decidingRule(baselineRules, peer, dstClass, protocol, port);
    if (!rule) return { ...open, allowed: true, decidedBy: DecidingTier.DEFAULT, reason: `${before}${notIsolated}, and no Baseline tier rule matches ${what}` };
    const baselineRule = clusterRuleVerdict(rule);
    const allowed = rule.action !== TierAction.DENY;
    const verb = rule.action === TierAction.PASS ? 'passes it on, so it is allowed' : allowed ? 'allows it' : 'denies it';
    return { ...open, allowed, decidedBy: DecidingTier.BASELINE, baselineRule, reason: `${before}${notIsolated}, so the Baseline tier decides: ${baselineRule.text} matches ${what} and ${verb}` };
  }
  const rules: RuleVerdict[] = side.rules.map(rule => {
    const peerMatches = other.type === 'workload' ? engine.ruleMatchesOneClass(rule, other.cls) : engine.ruleMatchesAddress(rule, other.address);
    const ports = engine.rulePorts(rule, dstClass);
    return {
      policy: rule.policy.id, policyName: rule.policy.model.name, direction, ruleIndex: rule.index,
      peerMatches, portMatches: ports.contains(protocol, port), ports: ports.toString(),
    };
  });
  const isolatedBy = side.policies.map(p => p.id);
  const isolatedText = side.policies.map(p => p.model.name).join(', ');
  // `rules[i]` is the verdict of `side.rules[i]`, which names it. The rules whose peers include the other end
  // ("near"), and of those the ones that allow the port:
  const near: { name: string; ports: string }[] = [];
  const allowing: string[] = [];
  rules.forEach((r, i) => {
    if (!r.peerMatches) return;
    const name = ruleName(side.rules[i]);
    near.push({ name, ports: r.ports });
    if (r.portMatches) allowing.push(name);
  });
  // Spelled out rather than spread (`{ ...base, ..., ...(adminRule ? { adminRule } : {}) }`, the members in the same
  // order): this is the verdict of nearly every side, and spreading an optional member is slow.
  const decided = (allowed: boolean, reason: string): SideVerdict => (adminRule
    ? { direction, subject: subjectName, enforced: true, isolated: true, isolatedBy, rules, decidedBy: DecidingTier.NETWORK_POLICY, adminRule, allowed, reason }
    : { direction, subject: subjectName, enforced: true, isolated: true, isolatedBy, rules, decidedBy: DecidingTier.NETWORK_POLICY, allowed, reason });
  if (allowing.length > 0) {
    return decided(true, `${before}${dirWord} of ${subjectName} is isolated by ${isolatedText}; ${allowing.join(' and ')} ${allowing.length > 1 ? 'allow' : 'allows'} ${otherName} ${protocol} ${port}`);
  }
  const detail = near.length
    ? ` (${near.map(r => `${r.name} matches ${otherName} but ${r.ports === 'No Connections' ? 'allows none of its ports: the rule\'s named ports do not resolve on the destination' : `allows only ${r.ports}`}`).join('; ')})`
    : '';
  return decided(false, `${before}${dirWord} of ${subjectName} is isolated by ${isolatedText}; no ${dirWord} rule allows ${otherName} ${protocol} ${port}${detail}`);
}

/**
 * Whether one side lets the connection through: `sideVerdict(...).allowed`, decided the same way (keep the two in step)
 * without wording anything or judging every rule: the first rule that allows it is enough.
 */
function sideAllows(engine: Engine, direction: PolicyType, subject: ResolvedEndpoint, other: ResolvedEndpoint,
  destination: ResolvedEndpoint, protocol: Protocol, port: number): boolean {
  if (subject.type === 'address' || engine.isUnpolicied(subject.cls)) return true;
  const dstClass = destination.type === 'workload' ? destination.cls : undefined;
  const tiers = engine.tiers;
  if (tiers) {
    const adminRules = tiers.rulesFor(ClusterPolicyTier.ADMIN, direction, subject.cls);
    const rule = adminRules.length > 0 ? tiers.decidingRule(adminRules, tierPeer(other), dstClass, protocol, port) : undefined;
    if (rule && rule.action !== TierAction.PASS) return rule.action === TierAction.ALLOW;
  }
  const side = engine.side(direction, subject.cls);
  if (!side.isolated) {
    const baselineRules = tiers ? tiers.rulesFor(ClusterPolicyTier.BASELINE, direction, subject.cls) : [];
    if (!tiers || baselineRules.length === 0) return true;
    return tiers.decidingRule(baselineRules, tierPeer(other), dstClass, protocol, port)?.action !== TierAction.DENY;
  }
  for (const rule of side.rules) {
    const peerMatches = other.type === 'workload' ? engine.ruleMatchesOneClass(rule, other.cls) : engine.ruleMatchesAddress(rule, other.address);
    if (peerMatches && engine.rulePorts(rule, dstClass).contains(protocol, port)) return true;
  }
  return false;
}

/**
 * Whether the connection is allowed: `explainConnection(...).allowed`, without the explanation. For a caller that
 * judges many connections and words few of them (`replay` lists the denied ones).
 * @internal
 */
export function _connectionAllowed(engine: Engine, src: ResolvedEndpoint, dst: ResolvedEndpoint, protocol: Protocol, port: number): boolean {
  return sideAllows(engine, PolicyType.EGRESS, src, dst, dst, protocol, port) && sideAllows(engine, PolicyType.INGRESS, dst, src, dst, protocol, port);
}

/** Explains one connection between resolved endpoints (at least one a workload). */
export function explainConnection(engine: Engine, src: ResolvedEndpoint, dst: ResolvedEndpoint, protocol: Protocol, port: number): Explanation {
  const egress = sideVerdict(engine, PolicyType.EGRESS, src, dst, dst, protocol, port);
  const ingress = sideVerdict(engine, PolicyType.INGRESS, dst, src, dst, protocol, port);
  const allowed = egress.allowed && ingress.allowed;
  const from = endpointShortName(src.endpoint);
  const to = endpointShortName(dst.endpoint);
  const reasons = allowed ? [egress.reason, ingress.reason] : [egress, ingress].filter(s => !s.allowed).map(s => s.reason);
  const text = `${from} ${allowed ? 'may' : 'may not'} connect to ${to} on ${protocol} ${port}: ${reasons.join('; and ')}`;
  return { from, to, protocol, port, allowed, egress, ingress, text };
}
