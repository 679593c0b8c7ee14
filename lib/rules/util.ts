/**
 * Small helpers shared by the rules: object references, field paths and readable text for selectors, peers,
 * ports and workload classes.
 */
import { CompiledPolicy, CompiledRule, ConnectionSet, selectorKey, WorkloadClass } from '../analysis';
import { PeerModel, PolicyModel, PolicyType, PortModel, RuleModel, WorkloadModel } from '../model/types';
import { FindingObject, RuleFinding } from './rule';

/** The finding object of a policy. */
export function policyObject(policy: CompiledPolicy): FindingObject {
  return { kind: 'NetworkPolicy', namespace: policy.namespace, name: policy.model.name };
}

/** A finding about a policy, with its source. */
export function policyFinding(policy: CompiledPolicy, message: string, field?: string): RuleFinding {
  return { object: policyObject(policy), message, source: policy.model.source ?? {}, ...(field !== undefined ? { field } : {}) };
}

/** The compiled rules of a policy, ingress first (no copy when the policy has rules in one direction only). */
export function rulesOf(policy: CompiledPolicy): readonly CompiledRule[] {
  if (policy.egress.length === 0) return policy.ingress;
  if (policy.ingress.length === 0) return policy.egress;
  return [...policy.ingress, ...policy.egress];
}

/** `spec.ingress[0]` / `spec.egress[1]`. */
export function ruleField(rule: CompiledRule): string {
  return `spec.${rule.direction === PolicyType.INGRESS ? 'ingress' : 'egress'}[${rule.index}]`;
}

/** `spec.ingress[0].from` / `spec.egress[1].to`. */
export function peersField(rule: CompiledRule): string {
  return `${ruleField(rule)}.${rule.direction === PolicyType.INGRESS ? 'from' : 'to'}`;
}

/** `production/api-ingress ingress[0]`. */
export function ruleText(rule: CompiledRule): string {
  return `${rule.policy.id} ${rule.direction === PolicyType.INGRESS ? 'ingress' : 'egress'}[${rule.index}]`;
}

/** `ingress` / `egress`. */
export function directionWord(direction: PolicyType): string {
  return direction === PolicyType.INGRESS ? 'ingress' : 'egress';
}

/** A peer as YAML-like text: `namespaceSelector {purpose=monitoring} + podSelector {app=prometheus}`. */
export function peerText(peer: PeerModel): string {
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.exceptCidrs?.length ? ` except ${peer.ipBlock.exceptCidrs.join(', ')}` : ''}`;
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaceSelector ${selectorKey(peer.namespaceSelector)}`);
  if (peer.podSelector) parts.push(`podSelector ${selectorKey(peer.podSelector)}`);
  return parts.join(' + ') || '{}';
}

/** The ports a rule lists, as text: `all ports`, or `TCP 443,UDP 53` plus named ports (`TCP metrics`). */
export function rulePortsText(rule: CompiledRule): string {
  if (rule.ports.all) return 'all ports';
  const parts: string[] = [];
  if (!rule.ports.numeric.isEmpty()) parts.push(rule.ports.numeric.toString());
  for (const named of rule.ports.named) parts.push(`${named.protocol} ${named.name}`);
  return parts.join(',');
}

/** The raw ports of a rule model as text (`TCP 8080`, `all ports`). */
export function portModelsText(ports: PortModel[] | undefined): string {
  if (!ports || ports.length === 0) return 'all ports';
  return ports.map(p => `${p.protocol} ${p.portName ?? (p.port === undefined ? 'all' : p.endPort !== undefined ? `${p.port}-${p.endPort}` : p.port)}`).join(',');
}

/** A connection set as text for messages (`TCP 8080`, `all ports`). */
export function connsText(conns: ConnectionSet): string {
  return conns.isAll() ? 'all ports' : conns.toString();
}

/** `ns/name` of a workload. */
export function workloadName(w: WorkloadModel): string {
  return `${w.namespaceName}/${w.name}`;
}

/** The workloads of a class as text, at most `max` names: `production/api, production/api-2`. */
export function classText(cls: WorkloadClass, max = 3): string {
  return listText(cls.workloads.map(workloadName), max);
}

/** A list of names, cut at `max` with `(+N more)`. */
export function listText(names: string[], max = 3): string {
  const unique = [...new Set(names)];
  return unique.length <= max ? unique.join(', ') : `${unique.slice(0, max).join(', ')} (+${unique.length - max} more)`;
}

/** Plural helper: `1 workload`, `2 workloads`. */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Calls `visit` for every raw rule of a policy model (ingress first), with the direction word (`ingress`/`egress`),
 * the peers field name (`from`/`to`) and the rule's index: for rules about how a manifest is written.
 */
export function forEachModelRule(policy: PolicyModel, visit: (rule: RuleModel, word: 'ingress' | 'egress', list: 'from' | 'to', index: number) => void): void {
  const ingress = policy.ingress;
  if (ingress) for (let i = 0; i < ingress.length; i++) visit(ingress[i], 'ingress', 'from', i);
  const egress = policy.egress;
  if (egress) for (let i = 0; i < egress.length; i++) visit(egress[i], 'egress', 'to', i);
}
