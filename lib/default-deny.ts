import { Construct } from 'constructs';
import { requireObject } from './errors';
import { PolicyType } from './model/types';
import { NetworkPolicy, NetworkPolicyOptions } from './network-policy';
import { Selector } from './selector';

/** Props of `DefaultDeny`. */
export interface DefaultDenyProps extends NetworkPolicyOptions {
  /**
   * The directions to deny.
   * @default [PolicyType.INGRESS, PolicyType.EGRESS]
   */
  readonly policyTypes?: PolicyType[];
}

/**
 * Denies all ingress, all egress, or both for every pod of a namespace (`podSelector: {}` with no rules), so that
 * only what other policies allow gets through.
 *
 * Denying egress also stops DNS: pair it with `DnsAccess`, or use `IsolatedNamespace`, which does both.
 *
 * Default name: `default-deny-all`, `default-deny-ingress` or `default-deny-egress`.
 *
 * @example new DefaultDeny(chart, 'deny', { namespaceName: 'production' })
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
export class DefaultDeny extends NetworkPolicy {
  constructor(scope: Construct, id: string, props: DefaultDenyProps = {}) {
    requireObject(`new DefaultDeny(${JSON.stringify(id)})`, 'the props', props, '{ policyTypes: [PolicyType.INGRESS] }, or nothing');
    const policyTypes = props.policyTypes ?? [PolicyType.INGRESS, PolicyType.EGRESS];
    super(scope, id, {
      ...props,
      name: props.name ?? defaultDenyName(policyTypes),
      pods: Selector.all(),
      policyTypes,
    });
  }
}

function defaultDenyName(policyTypes: PolicyType[]): string {
  const ingress = policyTypes.includes(PolicyType.INGRESS);
  const egress = policyTypes.includes(PolicyType.EGRESS);
  if (ingress && egress) return 'default-deny-all';
  return egress ? 'default-deny-egress' : 'default-deny-ingress';
}
