import { CompiledRule, IpBlockPeer, matchesSelector, selectorKey, SelectorPeer } from '../analysis';
import { LabelExpressionModel, SelectorModel } from '../model/types';
import { RuleContext } from './context';
import { Rule, RuleFinding, Severity } from './rule';
import { policyFinding, ruleField, ruleText } from './util';

function exprKey(e: LabelExpressionModel): string {
  return `${e.key} ${e.op} ${[...(e.values ?? [])].sort().join(',')}`;
}

/** Whether everything `narrow` matches is matched by `wide` (a sound, syntactic test). */
export function selectorImplies(narrow: SelectorModel, wide: SelectorModel): boolean {
  const labels = narrow.matchLabels ?? {};
  for (const [k, v] of Object.entries(wide.matchLabels ?? {})) {
    const inExpr = (narrow.matchExpressions ?? []).some(e => e.key === k && e.op === 'In' && e.values?.length === 1 && e.values[0] === v);
    if (labels[k] !== v && !inExpr) return false;
  }
  const narrowExprs = new Set((narrow.matchExpressions ?? []).map(exprKey));
  for (const e of wide.matchExpressions ?? []) {
    if (narrowExprs.has(exprKey(e))) continue;
    if (e.op === 'Exists' && (e.key in labels || (narrow.matchExpressions ?? []).some(n => n.key === e.key && (n.op === 'In' || n.op === 'Exists')))) continue;
    if (e.op === 'In' && e.key in labels && (e.values ?? []).includes(labels[e.key])) continue;
    return false;
  }
  return true;
}

function selectorPeerCovered(context: RuleContext, namespace: string, p: SelectorPeer, q: SelectorPeer): boolean {
  if (q.namespaceSelector) {
    if (p.namespaceSelector) {
      if (!selectorImplies(p.namespaceSelector, q.namespaceSelector)) return false;
    } else {
      const view = context.analysis.engine.namespaces.get(namespace);
      if (!view || !matchesSelector(q.namespaceSelector, view.labels)) return false;
    }
  } else if (p.namespaceSelector) {
    return false;
  }
  if (!q.podSelector) return true;
  if (!p.podSelector) return Object.keys(q.podSelector.matchLabels ?? {}).length === 0 && (q.podSelector.matchExpressions ?? []).length === 0;
  return selectorImplies(p.podSelector, q.podSelector);
}

function ipBlockCovered(p: IpBlockPeer, q: IpBlockPeer): boolean {
  if (p.block.model.cidr.includes(':') || q.block.model.cidr.includes(':')) {
    return p.block.model.cidr === q.block.model.cidr && (q.block.model.exceptCidrs ?? []).every(e => (p.block.model.exceptCidrs ?? []).includes(e));
  }
  const wide = q.block.ipv4Ranges();
  return p.block.ipv4Ranges().every(r => wide.some(w => w.first <= r.first && r.last <= w.last));
}

function portsCovered(r: CompiledRule, by: CompiledRule): boolean {
  if (by.ports.all) return true;
  if (r.ports.all) return false;
  return r.ports.numeric.subtract(by.ports.numeric).isEmpty()
    && r.ports.named.every(n => by.ports.named.some(m => m.name === n.name && m.protocol === n.protocol));
}

/** Whether every peer of `r` is covered by a peer of `by` (ports not considered). */
function peersCovered(context: RuleContext, r: CompiledRule, by: CompiledRule): boolean {
  if (by.allPeers) return true;
  if (r.allPeers) return false;
  return r.selectorPeers.every(p => by.selectorPeers.some(q => selectorPeerCovered(context, r.policy.namespace, p, q)))
    && r.ipBlockPeers.every(p => by.ipBlockPeers.some(q => ipBlockCovered(p, q)));
}

/** NP014: a rule whose peers and ports are all allowed by other rules for the same pods. */
export const SHADOWED_RULE: Rule = {
  id: 'NP014',
  name: 'shadowed-rule',
  severity: Severity.INFO,
  summary: 'A rule allows nothing that another rule for the same pods (same policy, or a policy with the same podSelector in the same namespace) does not already allow.',
  why: 'A fully shadowed rule has no effect: it is dead configuration, and often a sign that one of the two rules was '
    + 'meant to be narrower or wider (a port range typed too wide, a peer duplicated when another was meant). Coverage '
    + 'is checked per peer (a rule shadowed by several rules together counts) with a sound, syntactic test of selectors '
    + 'and CIDRs.',
  fix: 'Delete the shadowed rule, or correct the rule that shadows it.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const groups = new Map<string, CompiledRule[]>();
    for (const policy of context.policies) {
      for (const rule of [...policy.ingress, ...policy.egress]) {
        const key = `${policy.namespace}\u0000${selectorKey(policy.model.podSelector)}\u0000${rule.direction}`;
        const list = groups.get(key) ?? [];
        list.push(rule);
        groups.set(key, list);
      }
    }
    for (const rules of groups.values()) {
      if (rules.length < 2) continue;
      rules.forEach((r, ri) => {
        // Rules that may shadow r: cover its ports, and are not merely equivalent to it while coming later.
        const candidates = rules.filter((by, bi) => by !== r && portsCovered(r, by)
          && !(bi > ri && portsCovered(by, r) && peersCovered(context, by, r) && peersCovered(context, r, by)));
        if (candidates.length === 0) return;
        const shadowers = new Set<CompiledRule>();
        let covered: boolean;
        if (r.allPeers) {
          const by = candidates.find(c => c.allPeers);
          covered = !!by;
          if (by) shadowers.add(by);
        } else {
          covered = r.selectorPeers.every(p => {
            const by = candidates.find(c => c.allPeers || c.selectorPeers.some(q => selectorPeerCovered(context, r.policy.namespace, p, q)));
            if (by) shadowers.add(by);
            return !!by;
          }) && r.ipBlockPeers.every(p => {
            const by = candidates.find(c => c.allPeers || c.ipBlockPeers.some(q => ipBlockCovered(p, q)));
            if (by) shadowers.add(by);
            return !!by;
          });
        }
        if (!covered) return;
        out.push(policyFinding(r.policy,
          `${ruleText(r)} is fully shadowed by ${[...shadowers].map(ruleText).join(' and ')}: every peer and port it allows is already allowed`,
          ruleField(r)));
      });
    }
    return out;
  },
};
