// The public surface of cdk8s-netpol. Internal helpers stay in their modules.
export { ErrorCode, Errors } from './errors';
export {
  Protocol, PolicyType, LabelOperator,
  LabelExpressionModel, SelectorModel, IpBlockModel, PeerModel, PortModel, RuleModel, SourceModel,
  PolicyModel, NamespaceModel, ContainerPortModel, WorkloadModel, ClusterModel,
} from './model/types';
export {
  ClusterPolicyKind, ClusterPolicyTier, ClusterPolicyAction,
  ClusterPolicyPodsModel, ClusterPolicySubjectModel, ClusterPolicyPeerModel, ClusterPolicyPortModel, ClusterPolicyRuleModel,
  ClusterPolicyModel,
} from './model/cluster-policy';
export { Port } from './port';
export { LabelExpression, Selector, SelectorOptions } from './selector';
export { IPeer, Peer, PodSet } from './peer';
export { IWorkload } from './workload';
export { NetworkPolicy, NetworkPolicyOptions, NetworkPolicyProps, NetworkPolicyRule } from './network-policy';
export { DefaultDeny, DefaultDenyProps } from './default-deny';
export { DnsAccess, DnsAccessOptions, DnsAccessProps } from './dns-access';
export { ClusterDns, ClusterDnsProps } from './cluster-dns';
export { AllowFrom, AllowFromProps, AllowTo, AllowToProps, AllowEgressCidr, AllowEgressCidrProps } from './allow';
export { AllowConnection, AllowConnectionProps } from './allow-connection';
export { IsolatedNamespace, IsolatedNamespaceProps } from './isolated-namespace';
export { ClusterPeer, ClusterSubject } from './cluster-peer';
export {
  ClusterNetworkPolicy, ClusterNetworkPolicyProps, ClusterNetworkPolicyRule, ClusterPolicyApi, ClusterPolicyOptions,
} from './cluster-network-policy';
export {
  ClusterBaseline, ClusterBaselineProps, ClusterGuardrails, ClusterGuardrailsProps, GuardrailScopeOptions,
  MonitoringScrapeOptions, TenantIsolation, TenantIsolationProps,
} from './guardrails';
export { Checker, CheckerOptions, CheckLevel } from './checker';
export { NetpolValidation, NetpolValidationProps } from './validation-plugin';
export {
  KyvernoFailureAction, KyvernoNamespaceDefaults, KyvernoNamespaceDefaultsProps,
  KyvernoRequireDefaultDeny, KyvernoRequireDefaultDenyProps,
} from './governance/kyverno';
export { CniEnforcementProbe, CniEnforcementProbeProps } from './probe/construct';
export { Cni, RolloutMode } from './rollout/transform';
export { Rollout, RolloutAuditOptions } from './rollout/rollout';
