/**
 * The governance layer, from the same cdk8s app: Kyverno ClusterPolicies that keep every namespace closed by
 * default, whoever creates it and however.
 *
 * - `KyvernoNamespaceDefaults` generates a default deny and a DNS allow in every new namespace;
 * - `KyvernoRequireDefaultDeny` rejects (or audits) workloads created in a namespace without a default deny.
 *
 * The Kyverno schema is written by hand here, for the subset used, and kept private to this module: the public API
 * is the constructs and their props. The generated NetworkPolicies are the manifests `DefaultDeny` and `DnsAccess`
 * synthesize (built by those constructs, rendered by the one renderer), so the two cannot drift apart.
 *
 * @see https://kyverno.io/docs/writing-policies/
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DefaultDeny } from '../default-deny';
import { DnsAccess, DnsAccessOptions } from '../dns-access';
import { ErrorCode, NetpolError, fail } from '../errors';
import { renderPolicy } from '../model/render';
import { PolicyModel, PolicyType } from '../model/types';
import { checkNamespaceName, checkObjectName, checkPolicy } from '../model/validation';
import { NetworkPolicy, restorePrototypeInstanceof } from '../network-policy';

/**
 * What Kyverno does with a request that a validate rule rejects.
 * @see https://kyverno.io/docs/writing-policies/validate/
 */
export enum KyvernoFailureAction {
  /** Reject the request; the API server returns the rule's message to the client. */
  ENFORCE = 'Enforce',
  /** Admit the request, and record the violation in a PolicyReport and an event. */
  AUDIT = 'Audit',
}

/** Props of `KyvernoNamespaceDefaults`. */
export interface KyvernoNamespaceDefaultsProps {
  /**
   * The ClusterPolicy's `metadata.name`.
   * @default 'netpol-namespace-defaults'
   */
  readonly name?: string;
  /**
   * Namespaces that get no generated policies, in addition to kube-system, kube-public and kube-node-lease (always
   * left alone) and the DNS namespace. Exact names: Kyverno wildcards are not accepted.
   * @default - only the system namespaces and the DNS namespace
   */
  readonly excludedNamespaces?: string[];
  /**
   * Whether every new namespace also gets the DNS allow (`allow-dns`, as `DnsAccess` writes it).
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * Where DNS answers come from, as for `DnsAccess`.
   * @default - any pod of kube-system (selected by `kubernetes.io/metadata.name`), UDP and TCP 53
   */
  readonly dns?: DnsAccessOptions;
  /**
   * Whether Kyverno keeps the generated policies as written: it restores them when they are changed or deleted,
   * and deletes them when this ClusterPolicy is deleted.
   * @default true
   */
  readonly synchronize?: boolean;
}

/**
 * A Kyverno `ClusterPolicy` that generates, in every namespace created from now on, a default deny of ingress and
 * egress for every pod (`default-deny-all`) and a DNS allow (`allow-dns`: UDP and TCP 53 to kube-system, selected
 * by `kubernetes.io/metadata.name`), except in an exclusion list.
 *
 * The generated policies are exactly what `new DefaultDeny(chart, id)` and `new DnsAccess(chart, id, dns)` write,
 * so a namespace governed by this policy and one declared with `IsolatedNamespace` start the same.
 *
 * Unlike the upstream samples, the DNS allow selects kube-system by the label Kubernetes sets on every namespace
 * (`kubernetes.io/metadata.name`, not `name`), and allows TCP as well as UDP (answers larger than a datagram are
 * retried over TCP). Namespaces that already exist are not touched.
 *
 * Kyverno needs permission to create NetworkPolicies (its background controller's ClusterRole).
 *
 * @example new KyvernoNamespaceDefaults(chart, 'namespace-defaults', { excludedNamespaces: ['kyverno', 'ingress-nginx'] })
 * @see https://kyverno.io/docs/writing-policies/generate/
 */
export class KyvernoNamespaceDefaults extends ApiObject {
  /** Every namespace the policy leaves alone, system namespaces first. */
  public readonly excludedNamespaces: string[];

  constructor(scope: Construct, id: string, props: KyvernoNamespaceDefaultsProps = {}) {
    const api = apiOf('KyvernoNamespaceDefaults', id);
    const name = props.name ?? 'netpol-namespace-defaults';
    checkPolicyName(api, name, scope, id);
    const allowDns = props.allowDns ?? true;
    const dnsNamespace = props.dns?.dnsNamespace ?? 'kube-system';
    const excluded = exclusionList(api, props.excludedNamespaces, allowDns ? [dnsNamespace] : []);
    const synchronize = props.synchronize ?? true;

    const templates = namespaceDefaultTemplates(api, allowDns, props.dns ?? {});
    const rules = templates.map(template => generateRule(template, excluded, synchronize));
    super(scope, id, clusterPolicyProps({
      name,
      annotations: {
        'policies.kyverno.io/title': 'NetworkPolicy defaults for new namespaces',
        'policies.kyverno.io/subject': 'Namespace, NetworkPolicy',
        'policies.kyverno.io/description': `Generates ${templates.map(t => t.name).join(' and ')} in every new namespace except ${excluded.join(', ')}. Written by cdk8s-netpol.`,
      },
      spec: { background: true, rules },
    }));
    makeClusterScoped(this);
    this.excludedNamespaces = excluded;
  }
}

restorePrototypeInstanceof(KyvernoNamespaceDefaults);

/** Props of `KyvernoRequireDefaultDeny`. */
export interface KyvernoRequireDefaultDenyProps {
  /**
   * The ClusterPolicy's `metadata.name`.
   * @default 'netpol-require-default-deny'
   */
  readonly name?: string;
  /**
   * Namespaces where workloads are admitted without a default deny, in addition to kube-system, kube-public and
   * kube-node-lease (always exempt). Exact names: Kyverno wildcards are not accepted.
   * @default - only the system namespaces
   */
  readonly excludedNamespaces?: string[];
  /**
   * Whether a workload in a namespace without a default deny is rejected or only reported.
   * @default KyvernoFailureAction.ENFORCE
   */
  readonly failureAction?: KyvernoFailureAction;
  /**
   * The directions the namespace must deny by default. Each needs a policy that selects every pod, lists the
   * direction in `policyTypes` and has no rule for it; one policy may cover both.
   * @default [PolicyType.INGRESS, PolicyType.EGRESS]
   */
  readonly requiredPolicyTypes?: PolicyType[];
}

/**
 * A Kyverno `ClusterPolicy` that rejects Pods, Deployments, StatefulSets, DaemonSets, Jobs and CronJobs created in
 * a namespace that has no default deny NetworkPolicy (or, with `KyvernoFailureAction.AUDIT`, reports them).
 *
 * At admission, the rule lists the NetworkPolicies of the request's namespace (a Kyverno `apiCall` to
 * `/apis/networking.k8s.io/v1/namespaces/{{request.namespace}}/networkpolicies`) and counts, per required
 * direction, the policies that deny it by default: those whose `podSelector` has neither `matchLabels` nor
 * `matchExpressions`, whose `policyTypes` list the direction, and that have no rule for it. For both directions
 * the JMESPath is (one line):
 *
 * ```
 * {ingress: length(items[?!(spec.podSelector.matchLabels) && !(spec.podSelector.matchExpressions)
 *   && contains(spec.policyTypes || `[]`, 'Ingress') && !(spec.ingress)]),
 *  egress: length(items[?!(spec.podSelector.matchLabels) && !(spec.podSelector.matchExpressions)
 *   && contains(spec.policyTypes || `[]`, 'Egress') && !(spec.egress)])}
 * ```
 *
 * and the request is denied if any count is 0. Only CREATE requests are checked (deleting or updating a
 * workload is never blocked), at admission only (`background: false`: the request namespace exists only there).
 * Kyverno's automatic rules for Pod controllers are turned off, since the controllers are matched explicitly.
 *
 * Pair it with `KyvernoNamespaceDefaults` (new namespaces get their default deny generated) or `IsolatedNamespace`.
 *
 * @example new KyvernoRequireDefaultDeny(chart, 'require-default-deny', { failureAction: KyvernoFailureAction.AUDIT })
 * @see https://kyverno.io/docs/writing-policies/external-data-sources/#variables-from-kubernetes-api-server-calls
 */
export class KyvernoRequireDefaultDeny extends ApiObject {
  /** The kinds the policy checks (frozen). */
  public static readonly WORKLOAD_KINDS: string[] = Object.freeze(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']) as string[];

  /** Every namespace the policy exempts, system namespaces first. */
  public readonly excludedNamespaces: string[];
  /** Whether violations are rejected or reported. */
  public readonly failureAction: KyvernoFailureAction;

  constructor(scope: Construct, id: string, props: KyvernoRequireDefaultDenyProps = {}) {
    const api = apiOf('KyvernoRequireDefaultDeny', id);
    const name = props.name ?? 'netpol-require-default-deny';
    checkPolicyName(api, name, scope, id);
    const excluded = exclusionList(api, props.excludedNamespaces);
    const failureAction = props.failureAction ?? KyvernoFailureAction.ENFORCE;
    if (!Object.values(KyvernoFailureAction).includes(failureAction)) {
      fail(ErrorCode.INVALID_POLICY, api, `failureAction ${JSON.stringify(failureAction)} is not one of ${Object.values(KyvernoFailureAction).join(', ')}. Use KyvernoFailureAction.ENFORCE or KyvernoFailureAction.AUDIT.`);
    }
    const directions = requiredDirections(api, props.requiredPolicyTypes);

    super(scope, id, clusterPolicyProps({
      name,
      annotations: {
        'policies.kyverno.io/title': 'Require a default deny NetworkPolicy',
        'policies.kyverno.io/subject': KyvernoRequireDefaultDeny.WORKLOAD_KINDS.join(', '),
        'policies.kyverno.io/description': `${failureAction === KyvernoFailureAction.ENFORCE ? 'Rejects' : 'Reports'} workloads created in a namespace without a default deny of ${directions.map(d => d.type).join(' and ')} for every pod, except in ${excluded.join(', ')}. Written by cdk8s-netpol.`,
        // The controllers are matched explicitly; Kyverno must not add rules of its own for them.
        'pod-policies.kyverno.io/autogen-controllers': 'none',
      },
      spec: {
        // Kyverno before 1.13 reads the policy-level field and drops the rule-level one; 1.13 and later prefer the
        // rule-level one. Writing both keeps an Enforce policy enforcing on either.
        validationFailureAction: failureAction,
        background: false,
        rules: [requireDefaultDenyRule(directions, excluded, failureAction)],
      },
    }));
    makeClusterScoped(this);
    this.excludedNamespaces = excluded;
    this.failureAction = failureAction;
  }
}

restorePrototypeInstanceof(KyvernoRequireDefaultDeny);

// ---------------------------------------------------------------------------------------------------------------
// The subset of the kyverno.io/v1 ClusterPolicy schema written here (module-private).

interface KyvernoResourceFilter {
  readonly kinds?: string[];
  readonly names?: string[];
  readonly namespaces?: string[];
}

/** `match` / `exclude`: any of the filters. */
interface KyvernoMatch {
  readonly any: { readonly resources: KyvernoResourceFilter }[];
}

/** One condition of `preconditions` or `validate.deny.conditions`. */
interface KyvernoCondition {
  readonly key: string;
  readonly operator: string;
  readonly value: string | number | string[];
}

/** A rule `context` entry that calls the Kubernetes API; `jmesPath` is applied to the response. */
interface KyvernoApiCallContext {
  readonly name: string;
  readonly apiCall: { readonly urlPath: string; readonly jmesPath: string };
}

/** `generate` of one object, with its body in `data`. */
interface KyvernoGenerate {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly synchronize: boolean;
  readonly data: { readonly metadata?: { readonly labels?: any; readonly annotations?: any }; readonly spec: any };
}

/** `validate` with a `deny` block. */
interface KyvernoValidate {
  readonly failureAction: KyvernoFailureAction;
  readonly message: string;
  readonly deny: { readonly conditions: { readonly any: KyvernoCondition[] } };
}

/** One entry of `spec.rules`. */
interface KyvernoRule {
  readonly name: string;
  readonly match: KyvernoMatch;
  readonly exclude: KyvernoMatch;
  readonly context?: KyvernoApiCallContext[];
  readonly preconditions?: { readonly all: KyvernoCondition[] };
  readonly generate?: KyvernoGenerate;
  readonly validate?: KyvernoValidate;
}

interface KyvernoClusterPolicySpec {
  readonly validationFailureAction?: KyvernoFailureAction;
  readonly background: boolean;
  readonly rules: KyvernoRule[];
}

interface KyvernoClusterPolicy {
  readonly name: string;
  readonly annotations: { [key: string]: string };
  readonly spec: KyvernoClusterPolicySpec;
}

/** The namespaces Kubernetes creates for itself, never governed by these policies. */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/** The Kyverno variable holding the name of the Namespace being created. */
const NEW_NAMESPACE = '{{request.object.metadata.name}}';

function clusterPolicyProps(policy: KyvernoClusterPolicy): { apiVersion: string; kind: string; metadata: any; spec: any } {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: policy.name, annotations: policy.annotations },
    spec: policy.spec,
  };
}

/** A ClusterPolicy is cluster-scoped: drop the namespace cdk8s copies from the chart. */
function makeClusterScoped(object: ApiObject): void {
  if (object.metadata.namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

function apiOf(construct: string, id: string): string {
  return `new ${construct}(${JSON.stringify(id)})`;
}

/** The ClusterPolicy names taken in each construct tree (ClusterPolicies are cluster-scoped), with the taker's path. */
const takenNames = new WeakMap<IConstruct, Map<string, string>>();

/** Checks a ClusterPolicy name: valid, and not yet taken by another ClusterPolicy of the same app. */
function checkPolicyName(api: string, name: string, scope: Construct, id: string): void {
  const problem = checkObjectName(name);
  if (problem) fail(ErrorCode.INVALID_NAME, api, `${problem}. Pass a valid \`name\`.`);
  const root = scope.node.root;
  const names = takenNames.get(root) ?? new Map<string, string>();
  takenNames.set(root, names);
  const path = scope.node.path ? `${scope.node.path}/${id}` : id;
  const existing = names.get(name);
  if (existing !== undefined) {
    fail(ErrorCode.DUPLICATE_NAME, api, `a ClusterPolicy named "${name}" already exists in this app, defined at ${existing}; this one is at ${path}. ClusterPolicy names are cluster-wide: pass a different \`name\`.`);
  }
  names.set(name, path);
}

/**
 * The namespaces a policy leaves alone: the system namespaces, then `extra` (already checked), then the user's
 * `given` ones (checked here), each once, in that order.
 */
function exclusionList(api: string, given: string[] | undefined, extra: string[] = []): string[] {
  (given ?? []).forEach((namespaceName, i) => {
    const problem = checkNamespaceName(namespaceName);
    if (problem) {
      fail(ErrorCode.INVALID_NAME, api, `excludedNamespaces[${i}]: ${problem}. List namespaces by their exact names (Kyverno wildcards are not accepted here).`);
    }
  });
  const all: string[] = [];
  for (const namespaceName of [...SYSTEM_NAMESPACES, ...extra, ...(given ?? [])]) {
    if (!all.includes(namespaceName)) all.push(namespaceName);
  }
  return all;
}

// ---------------------------------------------------------------------------------------------------------------
// KyvernoNamespaceDefaults

/**
 * The policies every new namespace gets, built by `DefaultDeny` and `DnsAccess` themselves in a private construct
 * tree that is never synthesized, and rendered by the one renderer. They are built without a namespace: Kyverno
 * fills it in (`generate.namespace`).
 */
function namespaceDefaultTemplates(api: string, allowDns: boolean, dns: DnsAccessOptions): PolicyModel[] {
  const chart = new Chart(new Construct(undefined as any, ''), 'template');
  const policies: NetworkPolicy[] = [new DefaultDeny(chart, 'DefaultDeny')];
  if (allowDns) {
    try {
      policies.push(new DnsAccess(chart, 'Dns', dns));
    } catch (e) {
      // Say which API the user called; keep the code and DnsAccess' own explanation.
      if (e instanceof NetpolError) throw new NetpolError(e.code, `${api}: dns: ${e.message}`);
      throw e;
    }
  }
  return policies.map(policy => {
    const model = policy.toModel();
    const problems = checkPolicy(model);
    if (problems.length > 0) {
      fail(ErrorCode.INVALID_POLICY, api, `the generated NetworkPolicy "${model.name}" would be rejected: ${problems.map(p => `${p.field}: ${p.message}`).join('; ')}`);
    }
    return model;
  });
}

function generateRule(template: PolicyModel, excluded: string[], synchronize: boolean): KyvernoRule {
  const manifest = renderPolicy(template);
  const { name, ...metadata } = manifest.metadata;
  return {
    name: `generate-${name}`,
    match: { any: [{ resources: { kinds: ['Namespace'] } }] },
    // A Namespace is matched by its own name.
    exclude: { any: [{ resources: { kinds: ['Namespace'], names: [...excluded] } }] },
    generate: {
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      name,
      namespace: NEW_NAMESPACE,
      synchronize,
      data: Object.keys(metadata).length > 0 ? { metadata, spec: manifest.spec } : { spec: manifest.spec },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// KyvernoRequireDefaultDeny

interface Direction {
  readonly type: PolicyType;
  /** The field of the counts object, and of the NetworkPolicy spec holding the direction's rules. */
  readonly field: 'ingress' | 'egress';
}

function requiredDirections(api: string, types: PolicyType[] | undefined): Direction[] {
  const required = types ?? [PolicyType.INGRESS, PolicyType.EGRESS];
  const known = [PolicyType.INGRESS, PolicyType.EGRESS];
  if (required.length === 0 || new Set(required).size !== required.length || required.some(t => !known.includes(t))) {
    fail(ErrorCode.INVALID_POLICY_TYPES, api, `requiredPolicyTypes ${JSON.stringify(required)} must list Ingress, Egress or both, once each; leave it out to require both.`);
  }
  return known.filter(t => required.includes(t)).map(type => ({ type, field: type === PolicyType.INGRESS ? 'ingress' : 'egress' }));
}

/** The JMESPath filter selecting the NetworkPolicies that deny `direction` to every pod by default. */
function defaultDenyFilter(direction: Direction): string {
  // Parenthesized: in JMESPath `!` binds tighter than `.`, so `!spec.ingress` would mean `(!spec).ingress`.
  return `items[?!(spec.podSelector.matchLabels) && !(spec.podSelector.matchExpressions) && contains(spec.policyTypes || \`[]\`, '${direction.type}') && !(spec.${direction.field})]`;
}

/** The JMESPath applied to the NetworkPolicyList of the namespace: the number of default denies per direction. */
function defaultDenyCountsJmesPath(directions: Direction[]): string {
  return `{${directions.map(d => `${d.field}: length(${defaultDenyFilter(d)})`).join(', ')}}`;
}

function requireDefaultDenyRule(directions: Direction[], excluded: string[], failureAction: KyvernoFailureAction): KyvernoRule {
  const which = directions.map(d => d.type).join(' and ');
  return {
    name: 'require-default-deny',
    match: { any: [{ resources: { kinds: [...KyvernoRequireDefaultDeny.WORKLOAD_KINDS] } }] },
    exclude: { any: [{ resources: { namespaces: [...excluded] } }] },
    context: [{
      name: 'defaultDenies',
      apiCall: {
        urlPath: '/apis/networking.k8s.io/v1/namespaces/{{request.namespace}}/networkpolicies',
        jmesPath: defaultDenyCountsJmesPath(directions),
      },
    }],
    preconditions: { all: [{ key: "{{ request.operation || 'BACKGROUND' }}", operator: 'Equals', value: 'CREATE' }] },
    validate: {
      failureAction,
      message: `Namespace {{request.namespace}} has no default deny NetworkPolicy for ${which} (podSelector: {}, policyTypes listing the direction, no rules for it). Create one before workloads, e.g. with cdk8s-netpol's DefaultDeny or IsolatedNamespace.`,
      deny: {
        conditions: {
          any: directions.map(d => ({ key: `{{ defaultDenies.${d.field} }}`, operator: 'Equals', value: 0 })),
        },
      },
    },
  };
}
