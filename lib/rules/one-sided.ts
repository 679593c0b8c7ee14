import { CompiledPolicy, CompiledRule, ConnectionSet, isEmptySelector, SelectorPeer, WorkloadClass } from '../analysis';
import { BitSet } from '../analysis/bitset';
import type { Engine } from '../analysis/engine';
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
    for (const { policy, rule, first, count } of oneSidedSummaries(context)) {
      const ingress = rule.direction === PolicyType.INGRESS;
      const otherEnd = ingress ? first.src : first.dst;
      const more = count > 1 ? ` (and ${count - 1} more pair${count > 2 ? 's' : ''})` : '';
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

/** The one-sided pairs of one rule, counted: the first pair and how many there are. */
export interface OneSidedSummary {
  /** The policy of the rule. */
  readonly policy: CompiledPolicy;
  /** The rule that declares the connections. */
  readonly rule: CompiledRule;
  /** The first blocked pair (in the order `oneSidedConnections` lists them). */
  readonly first: OneSidedPair;
  /** How many pairs are blocked, at least 1. */
  readonly count: number;
}

/**
 * The connections NP009 reports: for each rule with an explicit (non-empty selector) peer, the pairs of workload
 * classes it allows that the other end's isolation denies entirely. Classes come from the context's imagined
 * analysis (`context.isImagined` tells real workloads from imagined ones). Policy order, then rule order; within a
 * rule, subject class order, then peer class order.
 */
export function oneSidedConnections(context: RuleContext): OneSidedRule[] {
  const engine = context.imagined.engine;
  const out: OneSidedRule[] = [];
  let pairs: OneSidedPair[] = [];
  scanOneSided(context, {
    listing: true,
    blocked: (rule, src, dst) => {
      pairs.push(pairOf(engine, rule, src, dst));
    },
    endRule: (policy, rule) => {
      if (pairs.length > 0) out.push({ policy, rule, pairs });
      pairs = [];
    },
  });
  return out;
}

/**
 * `oneSidedConnections`, each rule's pairs counted rather than listed: what NP009 reports. The pairs are counted per
 * group of peer classes the other end treats alike (see `scanOneSided`), so a rule whose peers span many namespaces
 * costs about their groups, not their classes, and no pair is held.
 */
export function oneSidedSummaries(context: RuleContext): OneSidedSummary[] {
  const engine = context.imagined.engine;
  const out: OneSidedSummary[] = [];
  let first: OneSidedPair | undefined;
  let count = 0;
  scanOneSided(context, {
    listing: false,
    blocked: (rule, src, dst, pairs) => {
      if (count === 0) first = pairOf(engine, rule, src, dst);
      count += pairs;
    },
    endRule: (policy, rule) => {
      if (count > 0) out.push({ policy, rule, first: first!, count });
      count = 0;
    },
  });
  return out;
}

/** A blocked pair of a rule: the ports the rule allows towards the destination, the policies isolating the other end. */
function pairOf(engine: Engine, rule: CompiledRule, src: WorkloadClass, dst: WorkloadClass): OneSidedPair {
  const side = rule.direction === PolicyType.INGRESS ? engine.side(PolicyType.EGRESS, src) : engine.side(PolicyType.INGRESS, dst);
  return { src, dst, conns: engine.rulePorts(rule, dst), blockedBy: side.policies.map(p => p.id) };
}

/** What `scanOneSided` reports to. */
interface OneSidedVisitor {
  /**
   * Whether every blocked pair is reported on its own. Otherwise `blocked` may report, for each subject, its blocked
   * pairs at once: the first of them (in peer order) and how many.
   */
  readonly listing: boolean;
  /** `pairs` blocked pairs of the rule (1 when listing), the first being src → dst; in the order of the listing. */
  blocked(rule: CompiledRule, src: WorkloadClass, dst: WorkloadClass, pairs: number): void;
  /** The end of a rule with explicit peers and subjects (after its pairs, if any). */
  endRule(policy: CompiledPolicy, rule: CompiledRule): void;
}

/** A class's group before it is known (see `scanOneSided`). */
const UNKNOWN = -2;
/** The group of a class not isolated in the direction (no pair is blocked there). */
const OPEN = -1;

/** A node of the tree of groups: the group of the path to it, if any, and the next nodes by named ports or policy. */
interface GroupNode {
  id?: number;
  readonly next: Map<unknown, GroupNode>;
}

/** The peer classes of a rule that are isolated at the other end, by group, each group once in order of appearance. */
interface PeerGroups {
  /** The group ids. */
  readonly ids: number[];
  /** Per group, its classes' positions in the peer list (ascending). */
  readonly positions: number[][];
}

/**
 * Walks the one-sided pairs (see `oneSidedConnections`).
 *
 * Many peer classes share the other end's verdict: without cluster-scoped policies, what a class's egress allows
 * towards a destination depends only on the policies isolating it for egress (their rules), and what its ingress
 * allows from a source only on the policies isolating it for ingress and on its named ports. Peer classes are grouped
 * by that, and the verdict for a rule and subject is computed once per group: when listing, as the pairs are walked;
 * when counting, group by group without walking the pairs. Cluster-scoped policies decide per class, so with them
 * every pair is evaluated.
 */
function scanOneSided(context: RuleContext, visitor: OneSidedVisitor): void {
  const engine = context.imagined.engine;
  const classes = engine.classes;
  // Per peer class set: whether one of its classes is isolated for ingress / for egress.
  const isolated = { [PolicyType.INGRESS]: new Map<BitSet, boolean>(), [PolicyType.EGRESS]: new Map<BitSet, boolean>() };
  const anyIsolated = (set: BitSet, direction: PolicyType): boolean => {
    let any = isolated[direction].get(set);
    if (any === undefined) {
      any = set.toArray().some(i => engine.side(direction, classes[i]).isolated);
      isolated[direction].set(set, any);
    }
    return any;
  };

  // The group of each class as the source of an ingress rule's pair (by its egress side) and as the destination of an
  // egress rule's pair (by its ingress side and named ports); OPEN when not isolated there. Every class is a group of
  // its own with cluster-scoped policies. Groups are looked up in a tree keyed by the named ports (destinations
  // only), then policy by policy.
  const perClass = !!engine.tiers;
  const groups: GroupNode = { next: new Map() };
  let groupCount = 0;
  const child = (node: GroupNode, key: unknown): GroupNode => {
    let next = node.next.get(key);
    if (!next) {
      next = { next: new Map() };
      node.next.set(key, next);
    }
    return next;
  };
  // Per group (without cluster-scoped policies): the rules of its side, with the classes each matches (undefined:
  // every class), so that a verdict is a few bit tests.
  const groupRules: { readonly rules: readonly CompiledRule[]; readonly classes: (BitSet | undefined)[] }[] = [];
  const groupOf = (direction: PolicyType, cls: WorkloadClass): number => {
    const side = engine.side(direction, cls);
    if (!side.isolated) return OPEN;
    if (perClass) return cls.index;
    let node = child(groups, direction === PolicyType.INGRESS ? cls.portsKey : undefined);
    for (const p of side.policies) node = child(node, p);
    if (node.id === undefined) {
      node.id = groupCount++;
      groupRules[node.id] = { rules: side.rules, classes: side.rules.map(r => (r.allPeers ? undefined : engine.ruleClasses(r))) };
    }
    return node.id;
  };
  const sourceGroups = new Int32Array(classes.length).fill(UNKNOWN);
  const destinationGroups = new Int32Array(classes.length).fill(UNKNOWN);
  /** The group of class `i` as the other end of a pair of an ingress rule (as its source) or an egress rule. */
  const groupAt = (ingress: boolean, i: number): number => {
    const known = ingress ? sourceGroups : destinationGroups;
    if (known[i] === UNKNOWN) known[i] = groupOf(ingress ? PolicyType.EGRESS : PolicyType.INGRESS, classes[i]);
    return known[i];
  };
  // The peer groups of the peer lists of single-peer rules, per direction (lists of equal selectors are shared).
  const peerGroupsCache = { [PolicyType.INGRESS]: new Map<BitSet, PeerGroups>(), [PolicyType.EGRESS]: new Map<BitSet, PeerGroups>() };
  const peerGroupsOf = (ingress: boolean, peerIndexes: number[]): PeerGroups => {
    const ids: number[] = [];
    const positions: number[][] = [];
    const slot = new Map<number, number>();
    for (let k = 0; k < peerIndexes.length; k++) {
      const group = groupAt(ingress, peerIndexes[k]);
      if (group === OPEN) continue;
      const at = slot.get(group);
      if (at === undefined) {
        slot.set(group, ids.length);
        ids.push(group);
        positions.push([k]);
      } else {
        positions[at].push(k);
      }
    }
    return { ids, positions };
  };

  // Whether two port sets share a connection. The sets are the rules' own (one per rule and set of named ports), so
  // few: the answers are kept.
  const overlapCache = new Map<ConnectionSet, Map<ConnectionSet, boolean>>();
  const overlaps = (a: ConnectionSet, b: ConnectionSet): boolean => {
    let byOther = overlapCache.get(a);
    if (!byOther) {
      byOther = new Map();
      overlapCache.set(a, byOther);
    }
    let overlap = byOther.get(b);
    if (overlap === undefined) {
      overlap = !a.intersect(b).isEmpty();
      byOther.set(b, overlap);
    }
    return overlap;
  };
  // Whether the other end of a pair (of group `group`, isolated) allows some of `ports` from / towards the subject.
  // Without cluster-scoped policies, that is whether one rule of its side matches the subject and allows one of the
  // ports (what `Engine.networkPolicyEgressToClass` / `networkPolicyIngressFromClass` unite, without the union).
  const allowsSome = (group: number, subject: WorkloadClass, destination: WorkloadClass, ports: ConnectionSet): boolean => {
    const { rules, classes: matched } = groupRules[group];
    for (let r = 0; r < rules.length; r++) {
      const set = matched[r];
      if ((set === undefined || set.has(subject.index)) && overlaps(engine.rulePorts(rules[r], destination), ports)) return true;
    }
    return false;
  };
  /** Whether the pair of `rule`, between its subject and the peer class `other` (of `group`), is blocked at the other end. */
  const isBlocked = (rule: CompiledRule, ingress: boolean, subject: WorkloadClass, other: WorkloadClass, group: number, allowed: ConnectionSet): boolean => {
    if (ingress) {
      if (perClass) return engine.egressToClass(other, subject).intersect(allowed).isEmpty();
      return !allowsSome(group, subject, subject, allowed);
    }
    const towards = engine.rulePorts(rule, other);
    if (towards.isEmpty()) return false;
    if (perClass) return engine.ingressFromClass(other, subject).intersect(towards).isEmpty();
    return !allowsSome(group, subject, other, towards);
  };

  // Listing: the verdict per group for the current rule and subject, valid when its stamp is the current one.
  const stamps: number[] = [];
  const verdicts: boolean[] = [];
  let stamp = 0;

  for (const policy of engine.policies) {
    let own: WorkloadClass[] | undefined;
    for (let direction = 0; direction < 2; direction++) {
      const ingress = direction === 0;
      const rules = ingress ? policy.ingress : policy.egress;
      for (const rule of rules) {
        let explicit: SelectorPeer[] | undefined;
        for (const p of rule.selectorPeers) {
          if ((p.podSelector && !isEmptySelector(p.podSelector)) || (p.namespaceSelector && !isEmptySelector(p.namespaceSelector))) {
            (explicit ??= []).push(p);
          }
        }
        if (!explicit) continue;
        // The classes the explicit peers match, in peer order, then class order (each once).
        let peerIndexes: number[];
        let single: BitSet | undefined;
        if (explicit.length === 1) {
          // No pair when no class the peer matches is isolated at the other end (e.g. DNS to kube-system): skip early.
          single = engine.peerClasses(policy, explicit[0]);
          if (!anyIsolated(single, ingress ? PolicyType.EGRESS : PolicyType.INGRESS)) continue;
          peerIndexes = single.toArray();
        } else {
          const union = new Set<number>();
          for (const p of explicit) for (const i of engine.peerClasses(policy, p).toArray()) union.add(i);
          peerIndexes = [...union];
        }
        own ??= context.imaginedClassesIn(policy.namespace).filter(c => engine.policySelects(policy, c));
        if (own.length === 0) continue;

        if (!visitor.listing && !perClass) {
          // Counting: group by group. A subject among the peers is no pair with itself.
          let peerGroups: PeerGroups;
          if (single) {
            const cache = peerGroupsCache[ingress ? PolicyType.INGRESS : PolicyType.EGRESS];
            peerGroups = cache.get(single) ?? peerGroupsOf(ingress, peerIndexes);
            cache.set(single, peerGroups);
          } else {
            peerGroups = peerGroupsOf(ingress, peerIndexes);
          }
          const { ids, positions } = peerGroups;
          const peers = single ?? new Set(peerIndexes);
          for (let s = 0; s < own.length; s++) {
            const subject = own[s];
            const allowed = ingress ? engine.rulePorts(rule, subject) : ConnectionSet.NONE;
            if (ingress && allowed.isEmpty()) continue;
            // The subject's own group among the peers, if it is a peer.
            const subjectGroup = peers.has(subject.index) ? groupAt(ingress, subject.index) : UNKNOWN;
            let count = 0;
            let first = -1;
            for (let g = 0; g < ids.length; g++) {
              const at = positions[g];
              const withSubject = ids[g] === subjectGroup;
              // The group's first class other than the subject.
              const k = withSubject && peerIndexes[at[0]] === subject.index ? (at.length > 1 ? at[1] : -1) : at[0];
              if (k < 0 || !isBlocked(rule, ingress, subject, classes[peerIndexes[k]], ids[g], allowed)) continue;
              count += withSubject ? at.length - 1 : at.length;
              if (first < 0 || k < first) first = k;
            }
            if (count === 0) continue;
            const other = classes[peerIndexes[first]];
            if (ingress) visitor.blocked(rule, other, subject, count);
            else visitor.blocked(rule, subject, other, count);
          }
          visitor.endRule(policy, rule);
          continue;
        }

        // Listing (or cluster-scoped policies): pair by pair, the verdict kept per group for the subject.
        for (let s = 0; s < own.length; s++) {
          const subject = own[s];
          stamp++;
          const allowed = ingress ? engine.rulePorts(rule, subject) : ConnectionSet.NONE;
          if (ingress && allowed.isEmpty()) continue;
          for (let k = 0; k < peerIndexes.length; k++) {
            const i = peerIndexes[k];
            if (i === subject.index) continue;
            const group = groupAt(ingress, i);
            if (group === OPEN) continue;
            let blocked: boolean;
            if (stamps[group] === stamp) {
              blocked = verdicts[group];
            } else {
              blocked = isBlocked(rule, ingress, subject, classes[i], group, allowed);
              stamps[group] = stamp;
              verdicts[group] = blocked;
            }
            if (!blocked) continue;
            if (ingress) visitor.blocked(rule, classes[i], subject, 1);
            else visitor.blocked(rule, subject, classes[i], 1);
          }
        }
        visitor.endRule(policy, rule);
      }
    }
  }
}
