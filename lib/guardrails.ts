/**
 * Building blocks for the platform: cluster-wide policies that hold in every namespace, whatever its own
 * NetworkPolicies say (Admin tier) or wherever it has none (Baseline tier).
 */
import { Construct } from 'constructs';
import { ClusterDns } from './cluster-dns';
import { ClusterNetworkPolicy, ClusterNetworkPolicyRule, ClusterPolicyApi, ClusterPolicyOptions } from './cluster-network-policy';
import { ClusterPeer, ClusterSubject } from './cluster-peer';
import { ErrorCode, fail, requireArray, requireObject, requireValue } from './errors';
import { ClusterPolicyAction, ClusterPolicyTier } from './model/cluster-policy';
import { checkLabelValue, checkNamespaceName } from './model/validation';
import { NAMESPACE_NAME_LABEL } from './peer';
import { Port } from './port';
import { dnsWord, LabelExpression, Selector } from './selector';

/** The namespaces Kubernetes itself runs in, which the guardrails leave alone by default. */
const SYSTEM_NAMESPACES = ['kube-node-lease', 'kube-public', 'kube-system'];

/** Which namespaces a platform guardrail applies to, and where the cluster DNS runs. */
export interface GuardrailScopeOptions {
  /**
   * The namespaces the guardrail applies to (`spec.subject.namespaces`).
   * @default - every namespace except kube-system, kube-public, kube-node-lease, the DNS namespace and
   * `exemptNamespaces` (a `kubernetes.io/metadata.name NotIn (...)` selector)
   */
  readonly namespaces?: Selector;
  /**
   * Namespaces to leave out besides the system ones, when `namespaces` is not given: those whose pods must keep
   * talking without NetworkPolicies of their own (an ingress controller's, a CNI's, ...).
   * @default - none
   */
  readonly exemptNamespaces?: string[];
  /**
   * Where the cluster DNS runs (namespace, pod labels, port), as for `Checker.configure()`.
   * @default ClusterDns.KUBERNETES - pods k8s-app=kube-dns in kube-system, port 53
   */
  readonly dns?: ClusterDns;
}

/** Props of `ClusterBaseline`. */
export interface ClusterBaselineProps extends ClusterPolicyOptions, GuardrailScopeOptions {
  /**
   * The priority within the Baseline tier (v1alpha2 only; a v1alpha1 BaselineAdminNetworkPolicy has none).
   * @default 1000 - after every other Baseline policy, so they can make exceptions
   */
  readonly priority?: number;
}

/**
 * The cluster's default deny, kept by the platform instead of remembered by every namespace: in the Baseline tier,
 * pods that no NetworkPolicy isolates may resolve names through the cluster DNS (UDP and TCP) and nothing else, in
 * or out. A namespace's own NetworkPolicies replace it for the pods they isolate, direction by direction, as a
 * per-namespace default deny would be replaced.
 *
 * Rules: egress `allow-dns` (Accept to the DNS pods on their port), then `default-deny` (Deny to every pod and
 * every address); ingress `default-deny` (Deny from every pod). Connections from outside the cluster cannot be
 * named by a cluster policy's ingress peers (pods only), so they are left to NetworkPolicies.
 *
 * Default name: `cluster-baseline` (v1alpha1: `default`, the cluster's one BaselineAdminNetworkPolicy).
 *
 * @example new ClusterBaseline(chart, 'baseline', { exemptNamespaces: ['ingress-nginx'] })
 */
export class ClusterBaseline extends ClusterNetworkPolicy {
  constructor(scope: Construct, id: string, props: ClusterBaselineProps = {}) {
    const api = `new ClusterBaseline(${JSON.stringify(id)})`;
    requireObject(api, 'the props', props, "{ exemptNamespaces: ['ingress-nginx'] }, or nothing");
    const dns = dnsOf(api, props.dns);
    const v1 = props.apiVersion === ClusterPolicyApi.V1ALPHA1;
    super(scope, id, {
      name: props.name ?? (v1 ? undefined : 'cluster-baseline'),
      apiVersion: props.apiVersion,
      labels: props.labels,
      annotations: props.annotations,
      tier: ClusterPolicyTier.BASELINE,
      priority: props.priority ?? 1000,
      subject: ClusterSubject.namespaces(scopeNamespaces(api, props, dns)),
      egress: [
        dnsRule(dns),
        { name: 'default-deny', action: ClusterPolicyAction.DENY, peers: [ClusterPeer.namespaces(Selector.all()), ClusterPeer.allNetworks()], ports: [Port.allTraffic()] },
      ],
      ingress: [
        { name: 'default-deny', action: ClusterPolicyAction.DENY, peers: [ClusterPeer.namespaces(Selector.all())], ports: [Port.allTraffic()] },
      ],
    });
  }
}

/** Scrapes that must always reach the guarded namespaces, for `ClusterGuardrails`. */
export interface MonitoringScrapeOptions {
  /** The namespace the scrapers run in. */
  readonly namespaceName: string;
  /**
   * The scraper pods of that namespace.
   * @default - every pod of the namespace
   */
  readonly pods?: Selector;
  /** The ports they scrape, e.g. `[Port.tcp(9090)]`. */
  readonly ports: Port[];
}

/** Props of `ClusterGuardrails`. */
export interface ClusterGuardrailsProps extends ClusterPolicyOptions, GuardrailScopeOptions {
  /**
   * The priority within the Admin tier; the monitoring policy takes the next one. Lower than the other Admin
   * policies' (e.g. `TenantIsolation`'s), so nothing can deny what the guardrails accept.
   * @default 10
   */
  readonly priority?: number;
  /**
   * Whether every pod may always reach the cluster DNS (UDP and TCP), whatever NetworkPolicies say.
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * Scrapes that are always allowed, both halves: into every guarded pod, and out of the scrapers.
   * @default - none
   */
  readonly monitoring?: MonitoringScrapeOptions;
  /**
   * Address ranges no guarded pod may ever reach, whatever NetworkPolicies say; `[]` for none. Add the IPv6
   * metadata address of your cloud if pods have IPv6 (AWS: `fd00:ec2::254/128`).
   * @default ClusterGuardrails.CLOUD_METADATA - the cloud metadata address 169.254.169.254/32
   */
  readonly denyEgressCidrs?: string[];
}

/**
 * What must never break and what must never happen, in the Admin tier, where no NetworkPolicy can override it:
 * every guarded pod may reach the cluster DNS; scrapers of a monitoring namespace may reach every guarded pod on
 * their ports; no guarded pod may reach the cloud metadata address (169.254.169.254, which hands out the node's
 * cloud credentials).
 *
 * Two policies: `cluster-guardrails` (egress `deny-addresses`, then `allow-dns`; ingress `allow-monitoring`) and,
 * with `monitoring`, `cluster-guardrails-monitoring` (the scrapers' egress, at the next priority).
 *
 * @example
 * new ClusterGuardrails(chart, 'guardrails', {
 *   monitoring: { namespaceName: 'monitoring', pods: Selector.labels({ app: 'prometheus' }), ports: [Port.tcp(9090)] },
 * });
 */
export class ClusterGuardrails extends Construct {
  /** The cloud metadata address of AWS, GCP, Azure and most other clouds (IPv4). */
  public static readonly CLOUD_METADATA = ['169.254.169.254/32'];

  /** The policy of the guarded namespaces. */
  public readonly policy: ClusterNetworkPolicy;
  /** The scrapers' egress policy, with `monitoring`. */
  public readonly monitoringPolicy?: ClusterNetworkPolicy;

  constructor(scope: Construct, id: string, props: ClusterGuardrailsProps = {}) {
    super(scope, id);
    const api = `new ClusterGuardrails(${JSON.stringify(id)})`;
    requireObject(api, 'the props', props, "{ monitoring: { namespaceName: 'monitoring', ports: [Port.tcp(9090)] } }, or nothing");
    const dns = dnsOf(api, props.dns);
    const guarded = scopeNamespaces(api, props, dns);
    const priority = props.priority ?? 10;
    checkPriorities(api, priority, props.monitoring === undefined ? 1 : 2, props.monitoring === undefined ? 'the guarded namespaces\'' : 'the guarded namespaces\' and the scrapers\'');
    const name = props.name ?? 'cluster-guardrails';
    const options: ClusterPolicyOptions = { apiVersion: props.apiVersion, labels: props.labels, annotations: props.annotations };

    const cidrs = props.denyEgressCidrs ?? ClusterGuardrails.CLOUD_METADATA;
    requireArray(api, 'denyEgressCidrs', cidrs, c => typeof c === 'string', '"169.254.169.254/32"');
    const egress: ClusterNetworkPolicyRule[] = [];
    if (cidrs.length > 0) egress.push({ name: 'deny-addresses', action: ClusterPolicyAction.DENY, peers: [ClusterPeer.networks(cidrs)], ports: [Port.allTraffic()] });
    if (props.allowDns ?? true) egress.push(dnsRule(dns));

    const ingress: ClusterNetworkPolicyRule[] = [];
    const monitoring = props.monitoring;
    if (monitoring !== undefined) {
      requireObject(api, 'monitoring', monitoring, "{ namespaceName: 'monitoring', ports: [Port.tcp(9090)] }");
      const problem = checkNamespaceName(monitoring.namespaceName);
      if (problem) fail(ErrorCode.INVALID_NAME, api, `monitoring.namespaceName: ${problem}.`);
      const scrapers = monitoring.pods === undefined
        ? ClusterPeer.namespaceNamed(monitoring.namespaceName)
        : ClusterPeer.podsInNamespace(monitoring.namespaceName, monitoring.pods);
      ingress.push({ name: 'allow-monitoring', action: ClusterPolicyAction.ACCEPT, peers: [scrapers], ports: monitoring.ports });
    }
    if (egress.length === 0 && ingress.length === 0) {
      fail(ErrorCode.INVALID_VALUE, api, 'allowDns is false, denyEgressCidrs is empty and monitoring is not given, so there is nothing to guard. Leave the defaults, or give monitoring.');
    }
    this.policy = new ClusterNetworkPolicy(this, 'Guardrails', {
      ...options, name, tier: ClusterPolicyTier.ADMIN, priority, subject: ClusterSubject.namespaces(guarded), egress, ingress,
    });

    if (monitoring !== undefined) {
      const subject = monitoring.pods === undefined
        ? ClusterSubject.namespaceNamed(monitoring.namespaceName)
        : ClusterSubject.pods(Selector.labels({ [NAMESPACE_NAME_LABEL]: monitoring.namespaceName }), monitoring.pods);
      this.monitoringPolicy = new ClusterNetworkPolicy(this, 'Monitoring', {
        ...options,
        name: `${name}-monitoring`,
        tier: ClusterPolicyTier.ADMIN,
        priority: priority + 1,
        subject,
        egress: [{ name: 'allow-monitoring', action: ClusterPolicyAction.ACCEPT, peers: [ClusterPeer.namespaces(guarded)], ports: monitoring.ports }],
      });
    }
  }
}

/** Props of `TenantIsolation`. */
export interface TenantIsolationProps {
  /** The namespace label whose value names a namespace's tenant, e.g. `tenant` or `team`. */
  readonly tenantLabel: string;
  /** The tenants (values of `tenantLabel`) to isolate: one policy each. */
  readonly tenants: string[];
  /**
   * The Admin-tier priority of the first tenant's policy; the next tenants take the following numbers (each
   * policy its own priority, as implementations expect). Higher than the guardrails', so DNS and monitoring stay
   * allowed.
   * @default 20
   */
  readonly priority?: number;
  /**
   * The policies' names are `<namePrefix>-<tenant>`.
   * @default 'tenant-isolation'
   */
  readonly namePrefix?: string;
  /**
   * The API version to write.
   * @default ClusterPolicyApi.V1ALPHA2
   */
  readonly apiVersion?: ClusterPolicyApi;
}

/**
 * Tenants that cannot reach each other: for each listed tenant, an Admin-tier policy whose subject is the
 * namespaces labelled `<tenantLabel>=<tenant>` denies ingress from, and egress to, every namespace whose tenant
 * label has another value. Within a tenant, and to or from namespaces without the label (the platform's: DNS,
 * monitoring, ingress), NetworkPolicies and the Baseline tier decide as before.
 *
 * One policy per tenant, because the API cannot say "namespaces with the same label value as the subject's":
 * v1alpha1's experimental `sameLabels`/`notSameLabels` were removed before v0.1.7 (network-policy-api #196), and
 * v1alpha2 has no replacement yet (tenancy is network-policy-api issue #122). A tenant missing from the list is
 * still kept away from every listed tenant (their egress and ingress rules), but not from other unlisted tenants.
 *
 * @example new TenantIsolation(chart, 'tenants', { tenantLabel: 'tenant', tenants: ['shop', 'billing'] })
 */
export class TenantIsolation extends Construct {
  /** The policies, one per tenant, in the order of `tenants`. */
  public readonly policies: ClusterNetworkPolicy[];

  constructor(scope: Construct, id: string, props: TenantIsolationProps) {
    super(scope, id);
    const api = `new TenantIsolation(${JSON.stringify(id)})`;
    requireObject(api, 'the props', props, "{ tenantLabel: 'tenant', tenants: ['shop', 'billing'] }");
    requireValue(api, 'tenantLabel', props.tenantLabel, l => typeof l === 'string', "a namespace label key, e.g. 'tenant'");
    requireArray(api, 'tenants', props.tenants, t => typeof t === 'string', "'shop'");
    if (props.tenants.length === 0) fail(ErrorCode.INVALID_VALUE, api, 'tenants is empty; list the values of the tenant label to isolate, e.g. [\'shop\', \'billing\'].');
    const label = props.tenantLabel;
    const prefix = props.namePrefix ?? 'tenant-isolation';
    const priority = props.priority ?? 20;
    checkPriorities(api, priority, props.tenants.length, 'one per tenant');
    const names = new Map<string, string>();
    this.policies = props.tenants.map((tenant, i) => {
      const problem = tenant === '' ? 'the value is empty, which no namespace can be told apart by' : checkLabelValue(tenant);
      if (problem) fail(ErrorCode.INVALID_LABEL_VALUE, api, `tenants[${i}] ${JSON.stringify(tenant)}: ${problem}.`);
      const name = `${prefix}-${dnsWord(tenant)}`;
      const clash = names.get(name);
      if (clash !== undefined) {
        fail(ErrorCode.DUPLICATE_NAME, api, `tenants[${i}] ${JSON.stringify(tenant)} ${clash === tenant ? 'is listed twice' : `gives the policy name "${name}", as ${JSON.stringify(clash)} does`}. List each tenant once${clash === tenant ? '' : ', with values that differ in their DNS form'}.`);
      }
      names.set(name, tenant);
      const others = ClusterPeer.namespaces(Selector.expressions([LabelExpression.exists(label), LabelExpression.isNotIn(label, [tenant])]));
      const deny = { name: 'deny-other-tenants', action: ClusterPolicyAction.DENY, peers: [others], ports: [Port.allTraffic()] };
      return new ClusterNetworkPolicy(this, dnsWord(tenant), {
        name,
        apiVersion: props.apiVersion,
        tier: ClusterPolicyTier.ADMIN,
        priority: priority + i,
        subject: ClusterSubject.namespaces(Selector.labels({ [label]: tenant })),
        ingress: [deny],
        egress: [deny],
      });
    });
  }
}

/** Checks that `count` policies from `priority` on have priorities the API accepts (0 to 1000). */
function checkPriorities(api: string, priority: number, count: number, which: string): void {
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority + count - 1 > 1000) {
    const range = count > 1 ? `${priority} to ${priority + count - 1}` : `${priority}`;
    fail(ErrorCode.INVALID_VALUE, api, `priority ${JSON.stringify(priority)} gives ${count} polic${count === 1 ? 'y' : 'ies'} (${which}) the priorities ${range}; priorities are integers from 0 to 1000.`);
  }
}

function dnsOf(api: string, dns: ClusterDns | undefined): ClusterDns {
  return dns === undefined ? ClusterDns.KUBERNETES : requireValue(api, 'dns', dns, d => d instanceof ClusterDns, 'ClusterDns.KUBERNETES, ClusterDns.OPENSHIFT or ClusterDns.of({ ... })');
}

/** Egress to the cluster DNS pods on their port, UDP and TCP. */
function dnsRule(dns: ClusterDns): ClusterNetworkPolicyRule {
  return {
    name: 'allow-dns',
    action: ClusterPolicyAction.ACCEPT,
    peers: [ClusterPeer.podsInNamespace(dns.namespaceName, Selector.labels(dns.podLabels))],
    ports: [Port.udp(dns.port), Port.tcp(dns.port)],
  };
}

/** The namespaces a guardrail applies to: `namespaces`, else every namespace but the system's, the DNS one and the exempt. */
function scopeNamespaces(api: string, options: GuardrailScopeOptions, dns: ClusterDns): Selector {
  if (options.namespaces !== undefined) {
    if (options.exemptNamespaces !== undefined) {
      fail(ErrorCode.INVALID_VALUE, api, 'namespaces and exemptNamespaces were both given; exemptNamespaces only narrows the default. Put the exemptions into the namespaces selector, or give exemptNamespaces alone.');
    }
    return requireValue(api, 'namespaces', options.namespaces, s => s instanceof Selector, 'a Selector, e.g. Selector.labels({ guarded: "true" })');
  }
  const exempt = options.exemptNamespaces ?? [];
  requireArray(api, 'exemptNamespaces', exempt, n => typeof n === 'string', '"ingress-nginx"');
  exempt.forEach((namespaceName, i) => {
    const problem = checkNamespaceName(namespaceName);
    if (problem) fail(ErrorCode.INVALID_NAME, api, `exemptNamespaces[${i}]: ${problem}.`);
  });
  return Selector.expressions([LabelExpression.isNotIn(NAMESPACE_NAME_LABEL, [...SYSTEM_NAMESPACES, dns.namespaceName, ...exempt])]);
}
