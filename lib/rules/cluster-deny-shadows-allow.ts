import {
  clusterRuleLabel, CompiledClusterRule, CompiledPolicy, CompiledPorts, CompiledRule, compilePolicy,
  ConnectionSet, resolvePorts, TierAction, TierPeer, WorkloadClass,
} from '../analysis';
import { ClusterPolicyTier } from '../model/cluster-policy';
import { PeerModel, PolicyType, PortModel } from '../model/types';
import { rangeText, rulesDeciding } from './cluster-tiers';
import { Rule, RuleFinding, Severity } from './rule';
import { connsText, listText, peersField, peerText, policyFinding, portModelsText, ruleField, ruleText } from './util';

/** One `from`/`to` entry of a rule (or, for a rule without peers, every peer), with what it matches. */
interface Item {
  /** The entry's index, or undefined for a rule without peers. */
  readonly index?: number;
  /** The entry. */
  readonly peer?: PeerModel;
  /** The classes it matches. */
  readonly classes: readonly WorkloadClass[];
  /** The egress address ranges it matches (indexes into the engine's egress partition). */
  readonly ranges: readonly number[];
  /**
   * Whether it matches addresses the Admin tier is not checked against: ingress sources outside the cluster (no
   * cluster-policy ingress peer names an address) and IPv6 egress destinations (not in the analysis' ranges).
   */
  readonly unchecked: boolean;
}

/** One `ports` entry of a rule (or, for a rule without ports, every port). */
interface PortEntry {
  /** The entry's index, or undefined for a rule without ports. */
  readonly index?: number;
  /** The entry. */
  readonly port?: PortModel;
  /** The entry compiled, to resolve against each destination. */
  readonly ports: CompiledPorts;
}

/** A pair the rule allows: the pod it selects, the other end, and what the rule allows between them on one entry. */
interface Pair {
  readonly subject: WorkloadClass;
  readonly other: TierPeer;
  readonly destination: WorkloadClass | undefined;
  readonly ports: ConnectionSet;
}

/** One peer entry × port entry of a rule: the pairs it allows, and whether the Admin tier denies all of them. */
interface Cell {
  /** Whether a pair of the cell has ports the Admin tier does not deny. */
  alive: boolean;
  /** The pairs, while the cell is not alive (every one denied by the Admin tier). */
  readonly pairs: Pair[];
}

function compileEntry(port: PortModel): CompiledPorts {
  // The engine's own port compilation, for one entry.
  return compilePolicy({ name: 'entry', podSelector: {}, policyTypes: [PolicyType.INGRESS], ingress: [{ ports: [port] }] }).ingress[0].ports;
}

function className(cls: WorkloadClass): string {
  const w = cls.workloads[0];
  return `${w.namespaceName}/${w.name}${cls.workloads.length > 1 ? ` (+${cls.workloads.length - 1})` : ''}`;
}

/**
 * NP022: an Admin-tier Deny decides, before any NetworkPolicy, all of what a NetworkPolicy rule allows, or all of one
 * of its peer entries, port entries, or peer entry on a port entry.
 *
 * Definition. For a NetworkPolicy rule R of a policy P, the pairs R allows are: each pod S that P selects (for the
 * direction of R), each other end X that a peer entry of R matches (a pod, or for egress an address range; every
 * pod and address when R has no peers), and the ports a port entry of R names towards the destination (named ports
 * resolved there; every port when R has no ports). A cell is one peer entry × one port entry. The Admin tier of the
 * API decides first for S (egress: S is the source, ingress: S is the destination); a cell is dead when, for every
 * pair of the cell, the Admin tier's first-match evaluation (`ClusterTiers.outcome`) denies every allowed port. The
 * rule reports R when at least one cell is dead: all of R (every cell with a pair is dead), or the dead peer entries,
 * port entries and cells. A cell without pairs (a peer that matches no pod of the input) never counts. Ingress from
 * addresses is never dead (cluster-policy ingress peers name pods only), nor is egress to IPv6 addresses (the
 * analysis splits IPv4 only), so a rule without peers never is either. Pods come from the imagined analysis (see
 * context.ts), so a policy-only input is checked against the pods its selectors describe.
 */
export const CLUSTER_DENY_SHADOWS_ALLOW: Rule = {
  id: 'NP022',
  name: 'cluster-deny-shadows-allow',
  severity: Severity.WARNING,
  summary: 'An Admin-tier Deny of a cluster-scoped policy denies, before any NetworkPolicy is consulted, all of what a NetworkPolicy '
    + 'rule allows, or all of one of its peers or ports: that part of the rule is dead.',
  why: 'Admin-tier rules (AdminNetworkPolicy, ClusterNetworkPolicy with tier Admin) decide before NetworkPolicies, and a Deny is '
    + 'final: a namespace\'s rule that allows the same traffic never takes effect, and the team that wrote it relies on a '
    + 'connection that does not exist. The admin may mean it (a tenant boundary, the cloud metadata address), but the '
    + 'namespace rule is dead code and hides the real state. The rule looks at each peer entry (`from`/`to` item) and port '
    + 'entry of the rule: it reports the whole rule, or the entries (or entry on a port) of which the Admin tier denies every '
    + 'pair of pods (or address range) and every port; a wide entry of which the Admin tier denies only a part (an ipBlock '
    + '0.0.0.0/0 beside a denied metadata address, namespaceSelector {} beside a denied tenant) is not reported. When a '
    + 'namespace has no workloads in the input, the pods its policies name are checked (shown as namespace/{selector}).',
  fix: 'If the Admin-tier Deny is meant, remove the dead part of the NetworkPolicy rule (or suppress with the reason); if the '
    + 'connection is needed, ask the cluster admin to accept or pass it in an Admin-tier rule evaluated before the Deny '
    + '(a lower priority, or an earlier rule of the same policy).',
  suppressible: true,
  check(context) {
    const engine = context.imagined.engine;
    const tiers = engine.tiers;
    const out: RuleFinding[] = [];
    if (!tiers || !tiers.compiled.admin.some(p => [...p.ingress, ...p.egress].some(r => r.action === TierAction.DENY))) return out;
    const ranges = engine.egressRanges;
    const allRanges = ranges.map((_, i) => i);
    const denied = new Map<string, ConnectionSet>();
    const adminDeny = (direction: PolicyType, subject: WorkloadClass, other: TierPeer, key: string, destination: WorkloadClass | undefined): ConnectionSet => {
      const at = `${direction}|${subject.index}|${key}`;
      let set = denied.get(at);
      if (!set) {
        set = tiers.outcome(tiers.rulesFor(ClusterPolicyTier.ADMIN, direction, subject), other, destination).deny;
        denied.set(at, set);
      }
      return set;
    };

    const check = (policy: CompiledPolicy, rule: CompiledRule, own: readonly WorkloadClass[]): RuleFinding | undefined => {
      const ingress = rule.direction === PolicyType.INGRESS;
      const items: Item[] = rule.allPeers
        ? [{ classes: engine.classes, ranges: ingress ? [] : allRanges, unchecked: true }]
        : [
          ...rule.selectorPeers.map(p => ({ index: p.index, peer: rule.model.peers![p.index], classes: engine.peerClasses(policy, p).toArray().map(i => engine.classes[i]), ranges: [], unchecked: false })),
          ...rule.ipBlockPeers.map(p => ({
            index: p.index, peer: rule.model.peers![p.index], classes: [],
            ranges: ingress ? [] : allRanges.filter(i => p.block.containsAddress(BigInt(ranges[i].first), 4)),
            unchecked: ingress || p.block.ipv4Ranges().length === 0,
          })),
        ].sort((a, b) => a.index - b.index);
      const entries: PortEntry[] = rule.ports.all ? [{ ports: rule.ports }] : (rule.model.ports ?? []).map((port, index) => ({ index, port, ports: compileEntry(port) }));
      const cells: Cell[][] = items.map(() => entries.map(() => ({ alive: false, pairs: [] })));
      let open = items.length * entries.length;
      const visit = (row: Cell[], subject: WorkloadClass, other: TierPeer, key: string, destination: WorkloadClass | undefined) => {
        const deny = adminDeny(rule.direction, subject, other, key, destination);
        entries.forEach((entry, j) => {
          const cell = row[j];
          if (cell.alive) return;
          const ports = resolvePorts(entry.ports, destination?.namedPorts);
          if (ports.isEmpty()) return;
          if (ports.subtract(deny).isEmpty()) {
            cell.pairs.push({ subject, other, destination, ports });
          } else {
            cell.alive = true;
            cell.pairs.length = 0;
            open--;
          }
        });
      };
      for (const subject of own) {
        for (let i = 0; i < items.length && open > 0; i++) {
          const item = items[i];
          const row = cells[i];
          const rowOpen = () => row.some(c => !c.alive);
          if (item.unchecked && rowOpen()) {
            // Addresses the Admin tier is not checked against: never counted as denied.
            entries.forEach((entry, j) => {
              if (!row[j].alive && !resolvePorts(entry.ports, ingress ? subject.namedPorts : undefined).isEmpty()) {
                row[j].alive = true;
                row[j].pairs.length = 0;
                open--;
              }
            });
          }
          for (const cls of item.classes) {
            if (!rowOpen()) break;
            visit(row, subject, { cls }, `c${cls.index}`, ingress ? subject : cls);
          }
          for (const r of item.ranges) {
            if (!rowOpen()) break;
            visit(row, subject, { rangeIndex: r }, `r${r}`, undefined);
          }
        }
        if (open === 0) return undefined;
      }
      const dead = (c: Cell) => !c.alive && c.pairs.length > 0;
      const deadOrEmpty = (c: Cell) => !c.alive;
      const all = cells.flat();
      if (!all.some(dead)) return undefined;

      // The Admin-tier rules that deny the dead cells' pairs, in evaluation order.
      const rules = new Set<CompiledClusterRule>();
      for (const cell of all.filter(dead)) {
        for (const pair of cell.pairs) {
          const admin = tiers.rulesFor(ClusterPolicyTier.ADMIN, rule.direction, pair.subject);
          for (const { rule: r } of rulesDeciding(tiers, admin, pair.other, pair.destination, TierAction.DENY, pair.ports)) rules.add(r);
        }
      }
      const denyText = listText([...rules].sort((a, b) => a.policy.order - b.policy.order || a.index - b.index).map(clusterRuleLabel), 2);
      const first = all.find(dead)!.pairs[0];
      const otherText = 'cls' in first.other ? className(first.other.cls) : 'rangeIndex' in first.other ? rangeText(ranges[first.other.rangeIndex]) : '';
      const example = ingress ? `${otherText} → ${className(first.subject)}` : `${className(first.subject)} → ${otherText}`;
      const list = ingress ? 'from' : 'to';
      const itemText = (item: Item) => (item.peer ? `${peerText(item.peer)} (${list}[${item.index}])` : 'every peer');
      const entryText = (entry: PortEntry) => (entry.port ? `${portModelsText([entry.port])} (ports[${entry.index}])` : 'all ports');
      const allows = `${ruleText(rule)} allows ${ingress ? 'ingress from' : 'egress to'} ${items.map(item => (item.peer ? peerText(item.peer) : 'every peer')).join(', ')} on ${entries.map(e => (e.port ? portModelsText([e.port]) : 'all ports')).join(',')}`;
      const how = `the Admin tier decides before NetworkPolicies: ${denyText} denies`;

      if (all.every(deadOrEmpty)) {
        return policyFinding(policy, `${allows}, but ${how} all of it (e.g. ${example} on ${connsText(first.ports)}): the rule is dead`, ruleField(rule));
      }
      // The dead part: whole port entries, whole peer entries, then the other dead cells.
      const deadColumns = entries.map((_, j) => cells.every(row => deadOrEmpty(row[j])) && cells.some(row => dead(row[j])));
      const deadRows = cells.map(row => row.every(deadOrEmpty) && row.some(dead));
      const parts: string[] = [];
      const fields: string[] = [];
      entries.forEach((entry, j) => {
        if (!deadColumns[j]) return;
        parts.push(`on ${entryText(entry)}`);
        fields.push(`${ruleField(rule)}.ports[${entry.index}]`);
      });
      items.forEach((item, i) => {
        if (!deadRows[i]) return;
        parts.push(`${list} ${itemText(item)}`);
        fields.push(`${peersField(rule)}[${item.index}]`);
      });
      items.forEach((item, i) => entries.forEach((entry, j) => {
        if (deadRows[i] || deadColumns[j] || !dead(cells[i][j])) return;
        parts.push(`${list} ${itemText(item)} on ${entryText(entry)}`);
        fields.push(ruleField(rule));
      }));
      return policyFinding(policy,
        `${allows}, but ${how} all of its traffic ${parts.join(' and all of its traffic ')} (e.g. ${example} on ${connsText(first.ports)}): that part of the rule is dead, the rest still applies`,
        fields.length === 1 ? fields[0] : ruleField(rule));
    };

    for (const policy of engine.policies) {
      if (policy.ingress.length === 0 && policy.egress.length === 0) continue;
      const own = context.imaginedClassesIn(policy.namespace).filter(c => engine.policySelects(policy, c));
      if (own.length === 0) continue;
      for (const rule of [...policy.ingress, ...policy.egress]) {
        const finding = check(policy, rule, own);
        if (finding) out.push(finding);
      }
    }
    return out;
  },
};
