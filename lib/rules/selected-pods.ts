/**
 * The pods a policy selects, for rules that ask whether something holds for every one of them (NP017, NP019).
 *
 * A policy's pods are those of its namespace that its podSelector matches: the workloads of the input when the
 * namespace has any, else the imagined pods (see context.ts), plus one would-be pod carrying only the labels the
 * podSelector requires. The would-be pod stands for pods added later, so that "every pod it selects" is not
 * satisfied merely because today's workloads happen to be few.
 */
import { CompiledPolicy, Labels, matchesSelector, selectorKey, WorkloadClass } from '../analysis';
import { PolicyType } from '../model/types';
import { representativeLabels, RuleContext } from './context';
import { listText, workloadName } from './util';

/** One pod a policy selects: a workload class of the (real or imagined) analysis, or the would-be pod. */
export interface SelectedPod {
  /** The pod labels. */
  readonly labels: Labels;
  /** The workload class, absent for the would-be pod. */
  readonly cls?: WorkloadClass;
}

/** The pods of a namespace a selector could select: its classes (real, or imagined without workloads). */
function namespacePods(context: RuleContext, namespace: string): SelectedPod[] {
  const real = context.hasWorkloads(namespace);
  const engine = real ? context.analysis.engine : context.imagined.engine;
  const classes = real ? context.classesIn(namespace) : context.imaginedClassesIn(namespace);
  return classes.filter(c => !engine.isUnpolicied(c)).map(cls => ({ labels: cls.podLabels, cls }));
}

/**
 * The pods a policy selects (see the module doc): the selected workload classes of its namespace, then the would-be
 * pod of its podSelector (left out only when the selector can match no labels at all).
 */
export function podsSelectedBy(context: RuleContext, policy: CompiledPolicy): SelectedPod[] {
  const selector = policy.model.podSelector;
  const pods = namespacePods(context, policy.namespace).filter(p => matchesSelector(selector, p.labels));
  const wouldBe = representativeLabels(selector);
  if (matchesSelector(selector, wouldBe)) pods.push({ labels: wouldBe });
  return pods;
}

/** Whether a policy selects a pod (policies select pods of their own namespace only; the pods given are). */
export function selects(policy: CompiledPolicy, pod: SelectedPod): boolean {
  return matchesSelector(policy.model.podSelector, pod.labels);
}

/** Whether a policy isolates its pods in a direction (its effective policyTypes include it). */
export function affects(policy: CompiledPolicy, direction: PolicyType): boolean {
  return direction === PolicyType.INGRESS ? policy.affectsIngress : policy.affectsEgress;
}

/**
 * Pods as text: `pods {app=api} of production (production/api, production/api-v2)`, the workloads named when some
 * are in the input or imagined; the would-be pod is covered by the selector text.
 */
export function podsText(policy: CompiledPolicy, pods: readonly SelectedPod[]): string {
  const names = pods.flatMap(p => (p.cls ? p.cls.workloads.map(workloadName) : []));
  return `pods ${selectorKey(policy.model.podSelector)} of ${policy.namespace}${names.length > 0 ? ` (${listText(names)})` : ''}`;
}
