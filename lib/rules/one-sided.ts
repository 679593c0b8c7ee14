import { CompiledPolicy, CompiledRule, ConnectionSet, isEmptySelector, SelectorPeer, WorkloadClass } from '../analysis';
import { BitSet } from '../analysis/bitset';
import { PolicyType } from '../model/types';
import type { RuleContext } from './context';
import { Rule, RuleFinding, Severity } from './rule';
import { connsText, listText, peersField, policyFinding, ruleText } from './util';

function name(cls: WorkloadClass): string {
  const w = cls.workloads[0];
  return `${w.namespaceName}/${w.name}${cls.workloads.length > 1 ? ` (+${cls.workloads.length - 1})` : ''}`;
}

/** NP009: one side of a connection allows it explicitly, the other side denies all of it. */
export const ONE_SIDED_CONNECTION: Rule = {
  id: 'NP009',
  name: 'one-sided-connection',
  severity: Severity.WARNING,
  summary: 'A rule explicitly allows a connection (ingress at B from A, or egress at A to B) that the other end\'s isolation denies entirely.',
  why: 'A connection needs both halves: egress allowed at the source and ingress allowed at the destination. When B\'s '
    + 'ingress names A but A is egress-isolated without a rule to B (or the reverse), the connection never works, '
    + 'although each policy looks right on its own: typically an ingress rule on api from frontend in a namespace '
    + 'with default-deny-all, and no egress rule on frontend to api. Only peers with a non-empty selector count as explicit; when a namespace has no workloads in '
    + 'the input, the pods its policies name are checked (shown as namespace/{selector}).',
  fix: 'Add the missing half (cdk8s-netpol: AllowConnection writes both halves in one call), or remove the dead rule.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    for (const { policy, rule, pairs } of oneSidedConnections(context)) {
      const first = pairs[0];
      const ingress = rule.direction === PolicyType.INGRESS;
      const otherEnd = ingress ? first.src : first.dst;
      const more = pairs.length > 1 ? ` (and ${pairs.length - 1} more pair${pairs.length > 2 ? 's' : ''})` : '';
      out.push(policyFinding(policy,
        `${ruleText(rule)} allows ${name(first.src)} → ${name(first.dst)} on ${connsText(first.conns)}, but ${ingress ? 'egress' : 'ingress'} of `
        + `${name(otherEnd)} (isolated by ${listText(first.blockedBy)}) allows none of it, so the connection is blocked at the ${ingress ? 'source' : 'destination'}${more}`,
        peersField(rule)));
    }
    return out;
  },
};

/** One pair of workload classes a rule explicitly allows and the other end denies entirely. */
export interface OneSidedPair {
  /** The source class (in the imagined analysis of the rule context). */
  readonly src: WorkloadClass;
  /** The destination class. */
  readonly dst: WorkloadClass;
  /** The ports the rule allows for the pair, none of which the other end allows. */
  readonly conns: ConnectionSet;
  /** The ids of the policies isolating the other end. */
  readonly blockedBy: string[];
}

/** The one-sided pairs of one rule. */
export interface OneSidedRule {
  /** The policy of the rule. */
  readonly policy: CompiledPolicy;
  /** The rule that declares the connections. */
  readonly rule: CompiledRule;
  /** The blocked pairs, never empty. */
  readonly pairs: OneSidedPair[];
}

/**
 * The connections NP009 reports: for each rule with an explicit (non-empty selector) peer, the pairs of workload
 * classes it allows that the other end's isolation denies entirely. Classes come from the context's imagined
 * analysis (`context.isImagined` tells real workloads from imagined ones). Policy order, then rule order.
 */
export function oneSidedConnections(context: RuleContext): OneSidedRule[] {
  const engine = context.imagined.engine;
  // Per peer class set: whether one of its classes is isolated for ingress / for egress.
  const isolated = { [PolicyType.INGRESS]: new Map<BitSet, boolean>(), [PolicyType.EGRESS]: new Map<BitSet, boolean>() };
  const anyIsolated = (set: BitSet, direction: PolicyType): boolean => {
    let any = isolated[direction].get(set);
    if (any === undefined) {
      any = set.toArray().some(i => engine.side(direction, engine.classes[i]).isolated);
      isolated[direction].set(set, any);
    }
    return any;
  };
  const out: OneSidedRule[] = [];
  for (const policy of engine.policies) {
    let own: WorkloadClass[] | undefined;
    for (const rules of [policy.ingress, policy.egress]) {
      for (const rule of rules) {
        let explicit: SelectorPeer[] | undefined;
        for (const p of rule.selectorPeers) {
          if ((p.podSelector && !isEmptySelector(p.podSelector)) || (p.namespaceSelector && !isEmptySelector(p.namespaceSelector))) {
            (explicit ??= []).push(p);
          }
        }
        if (!explicit) continue;
        // The classes the explicit peers match, in peer order, then class order (each once).
        let peerIndexes: Iterable<number>;
        if (explicit.length === 1) {
          // No pair when no class the peer matches is isolated at the other end (e.g. DNS to kube-system): skip early.
          const set = engine.peerClasses(policy, explicit[0]);
          if (!anyIsolated(set, rule.direction === PolicyType.INGRESS ? PolicyType.EGRESS : PolicyType.INGRESS)) continue;
          peerIndexes = set.toArray();
        } else {
          const union = new Set<number>();
          for (const p of explicit) for (const i of engine.peerClasses(policy, p).toArray()) union.add(i);
          peerIndexes = union;
        }
        own ??= context.imaginedClassesIn(policy.namespace).filter(c => engine.policySelects(policy, c));
        if (own.length === 0) continue;
        const pairs: OneSidedPair[] = [];
        for (const subject of own) {
          if (rule.direction === PolicyType.INGRESS) {
            const allowed = engine.rulePorts(rule, subject);
            if (allowed.isEmpty()) continue;
            for (const i of peerIndexes) {
              const other = engine.classes[i];
              if (other === subject) continue;
              const side = engine.side(PolicyType.EGRESS, other);
              if (!side.isolated || !engine.egressToClass(other, subject).intersect(allowed).isEmpty()) continue;
              pairs.push({ src: other, dst: subject, conns: allowed, blockedBy: side.policies.map(p => p.id) });
            }
          } else {
            for (const i of peerIndexes) {
              const other = engine.classes[i];
              if (other === subject) continue;
              const allowed = engine.rulePorts(rule, other);
              if (allowed.isEmpty()) continue;
              const side = engine.side(PolicyType.INGRESS, other);
              if (!side.isolated || !engine.ingressFromClass(other, subject).intersect(allowed).isEmpty()) continue;
              pairs.push({ src: subject, dst: other, conns: allowed, blockedBy: side.policies.map(p => p.id) });
            }
          }
        }
        if (pairs.length > 0) out.push({ policy, rule, pairs });
      }
    }
  }
  return out;
}
