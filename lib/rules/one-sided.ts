import { CompiledPolicy, ConnectionSet, isEmptySelector, WorkloadClass } from '../analysis';
import { PolicyType } from '../model/types';
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
  why: 'A connection needs both halves: egress allowed at the source and ingress allowed at the destination. When B\'s ingress '
    + 'names A but A is egress-isolated without a rule to B (or the reverse), the connection never works, although each policy '
    + 'looks right on its own. This is the field guide\'s frontend → api example under default-deny-all. Fix: add the missing '
    + 'half (cdk8s-netpol: AllowConnection writes both halves in one call), or remove the dead rule. Only peers with a '
    + 'non-empty selector count as explicit; when a namespace has no workloads in the input, the pods its policies name are '
    + 'checked (shown as namespace/{selector}).',
  suppressible: true,
  check(context) {
    const engine = context.imagined.engine;
    const selected = new Map<CompiledPolicy, WorkloadClass[]>();
    const subjects = (policy: CompiledPolicy) => {
      let list = selected.get(policy);
      if (!list) {
        list = context.imaginedClassesIn(policy.namespace).filter(c => engine.policySelects(policy, c));
        selected.set(policy, list);
      }
      return list;
    };
    const out: RuleFinding[] = [];
    for (const policy of engine.policies) {
      for (const rule of [...policy.ingress, ...policy.egress]) {
        const explicit = rule.selectorPeers.filter(p => (p.podSelector && !isEmptySelector(p.podSelector))
          || (p.namespaceSelector && !isEmptySelector(p.namespaceSelector)));
        if (explicit.length === 0) continue;
        const own = subjects(policy);
        if (own.length === 0) continue;
        const peerIndexes = new Set<number>();
        for (const p of explicit) for (const i of engine.peerClasses(policy, p).toArray()) peerIndexes.add(i);
        const blocked: { src: WorkloadClass; dst: WorkloadClass; conns: ConnectionSet; by: string[] }[] = [];
        for (const subject of own) {
          for (const i of peerIndexes) {
            const other = engine.classes[i];
            if (other === subject) continue;
            if (rule.direction === PolicyType.INGRESS) {
              const allowed = engine.rulePorts(rule, subject);
              if (allowed.isEmpty()) continue;
              const side = engine.side(PolicyType.EGRESS, other);
              if (!side.isolated || !engine.egressToClass(other, subject).intersect(allowed).isEmpty()) continue;
              blocked.push({ src: other, dst: subject, conns: allowed, by: side.policies.map(p => p.id) });
            } else {
              const allowed = engine.rulePorts(rule, other);
              if (allowed.isEmpty()) continue;
              const side = engine.side(PolicyType.INGRESS, other);
              if (!side.isolated || !engine.ingressFromClass(other, subject).intersect(allowed).isEmpty()) continue;
              blocked.push({ src: subject, dst: other, conns: allowed, by: side.policies.map(p => p.id) });
            }
          }
        }
        if (blocked.length === 0) continue;
        const first = blocked[0];
        const ingress = rule.direction === PolicyType.INGRESS;
        const otherEnd = ingress ? first.src : first.dst;
        const more = blocked.length > 1 ? ` (and ${blocked.length - 1} more pair${blocked.length > 2 ? 's' : ''})` : '';
        out.push(policyFinding(policy,
          `${ruleText(rule)} allows ${name(first.src)} → ${name(first.dst)} on ${connsText(first.conns)}, but ${ingress ? 'egress' : 'ingress'} of `
          + `${name(otherEnd)} (isolated by ${listText(first.by)}) allows none of it, so the connection is blocked at the ${ingress ? 'source' : 'destination'}${more}`,
          peersField(rule)));
      }
    }
    return out;
  },
};
