import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { AllowEgressCidr, AllowFrom, AllowTo, derivedName } from './allow';
import { DefaultDeny } from './default-deny';
import { DnsAccess, DnsAccessOptions } from './dns-access';
import { Checker } from './checker';
import { ErrorCode, fail, requireObject } from './errors';
import { renderNamespace } from './model/render';
import { ISOLATED_NAMESPACE } from './markers';
import { NamespaceModel } from './model/types';
import { checkNamespaceName } from './model/validation';
import { checkMetadata, notePatched, restorePrototypeInstanceof } from './network-policy';
import { IPeer, Peer } from './peer';
import { Port } from './port';
import { Selector } from './selector';
import { addSuppression, SUPPRESS_ANNOTATION } from './suppress';

/** Props of `IsolatedNamespace`. */
export interface IsolatedNamespaceProps {
  /** The namespace's name (a DNS-1123 label). */
  readonly namespaceName: string;
  /**
   * Labels of the Namespace object (Kubernetes adds `kubernetes.io/metadata.name` itself).
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the Namespace object.
   * @default - no annotations
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Whether every pod may resolve names through the cluster DNS.
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * Where DNS answers come from.
   * @default - any pod of kube-system, UDP and TCP 53
   */
  readonly dns?: DnsAccessOptions;
}

/**
 * A namespace that starts closed: the Namespace object, a default deny of ingress and egress for every pod, and
 * DNS to kube-system, in one line. Open it up with `allowFrom()`, `allowTo()`, `allowEgressCidr()`, or
 * `AllowConnection`.
 *
 * The construct is the Namespace manifest object itself (it extends `ApiObject`); its policies are its children.
 *
 * @example
 * const production = new IsolatedNamespace(chart, 'production', { namespaceName: 'production' });
 * production.allowFrom(Selector.labels({ app: 'api' }), [production.pods(Selector.labels({ app: 'frontend' }))], [Port.tcp(8080)]);
 */
export class IsolatedNamespace extends ApiObject {
  /** The namespace's name. */
  public readonly namespaceName: string;
  /** The labels of the Namespace object, plus `kubernetes.io/metadata.name`, which Kubernetes sets. */
  public readonly labels: { [key: string]: string };
  /** The default deny policy (`default-deny-all`). */
  public readonly defaultDeny: DefaultDeny;
  /** The DNS policy (`allow-dns`), unless `allowDns` is false. */
  public readonly dnsAccess?: DnsAccess;
  private readonly givenLabels?: { [key: string]: string };
  private readonly annotations: { [key: string]: string };

  constructor(scope: Construct, id: string, props: IsolatedNamespaceProps) {
    requireObject(`new IsolatedNamespace(${JSON.stringify(id)})`, 'the props', props, '{ namespaceName: "shop" }');
    super(scope, id, renderNamespace({ name: props.namespaceName, labels: props.labels, annotations: props.annotations }));
    const api = `new IsolatedNamespace(${JSON.stringify(id)})`;
    // A Namespace is cluster-scoped; cdk8s would give it the chart's namespace. (Not a user's patch: the model
    // already says so.)
    if (this.metadata.namespace !== undefined) super.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    const problem = checkNamespaceName(props.namespaceName);
    if (problem) fail(ErrorCode.INVALID_NAME, api, `namespaceName: ${problem}.`);
    checkMetadata(api, props.labels, props.annotations);
    this.namespaceName = props.namespaceName;
    Object.defineProperty(this, ISOLATED_NAMESPACE, { value: true });
    this.givenLabels = props.labels;
    this.annotations = { ...props.annotations };
    this.labels = { ...props.labels, 'kubernetes.io/metadata.name': props.namespaceName };

    this.defaultDeny = new DefaultDeny(this, 'DefaultDeny', { namespaceName: this.namespaceName });
    if (props.allowDns ?? true) {
      this.dnsAccess = new DnsAccess(this, 'Dns', { ...props.dns, namespaceName: this.namespaceName });
    }
  }

  /** The Namespace as plain data, as the analysis engine and the checker read it. */
  public toModel(): NamespaceModel {
    return {
      name: this.namespaceName,
      labels: this.givenLabels ? { ...this.givenLabels } : undefined,
      annotations: Object.keys(this.annotations).length > 0 ? { ...this.annotations } : undefined,
      source: { constructPath: this.node.path },
    };
  }

  /**
   * Applies RFC-6902 JSON patches to the synthesized Namespace, as `ApiObject.addJsonPatch()` does. The checker,
   * `analyze()` and the matchers then read the patched Namespace, not `toModel()`, and synthesis fails at this
   * construct if it is one the API server would reject. The policies are their own objects: patch them directly.
   * @param ops the JSON-Patch operations
   */
  public addJsonPatch(...ops: JsonPatch[]): void {
    super.addJsonPatch(...ops);
    notePatched(this, 'Namespace', () => this.toJson());
  }

  /** Pods of this namespace matching `pods`, as a peer usable from any namespace. */
  public pods(pods: Selector): IPeer {
    return Peer.podsInNamespace(this.namespaceName, pods);
  }

  /** Every pod of this namespace, as a peer. */
  public get allPods(): IPeer {
    return Peer.namespaceNamed(this.namespaceName);
  }

  /**
   * Allows ingress to `pods` of this namespace from any of `peers` on any of `ports` (an `AllowFrom`).
   * @param name the policy's name; also its construct id
   * @default name `<pods>-allow-from-<peers>`
   */
  public allowFrom(pods: Selector, peers: IPeer[], ports: Port[], name?: string): AllowFrom {
    const policyName = name ?? derivedName(pods, 'allow-from', peers);
    this.checkFreeName('allowFrom', policyName);
    return new AllowFrom(this, policyName, { namespaceName: this.namespaceName, name: policyName, pods, peers, ports });
  }

  /**
   * Allows egress from `pods` of this namespace to any of `peers` on any of `ports` (an `AllowTo`).
   * @default name `<pods>-allow-to-<peers>`
   */
  public allowTo(pods: Selector, peers: IPeer[], ports: Port[], name?: string): AllowTo {
    const policyName = name ?? derivedName(pods, 'allow-to', peers);
    this.checkFreeName('allowTo', policyName);
    return new AllowTo(this, policyName, { namespaceName: this.namespaceName, name: policyName, pods, peers, ports });
  }

  /**
   * Allows egress from `pods` of this namespace to explicit address ranges on explicit ports (an
   * `AllowEgressCidr`).
   */
  public allowEgressCidr(pods: Selector, cidrs: string[], ports: Port[], name?: string): AllowEgressCidr {
    const id = name ?? `${pods.nameHint}-egress-${cidrs.join('-').replace(/[/:]/g, '_')}`;
    this.checkFreeName('allowEgressCidr', id);
    return new AllowEgressCidr(this, id, { namespaceName: this.namespaceName, name, pods, cidrs, ports });
  }

  /**
   * Accepts the findings of checker rule `ruleId` (see RULES.md) about this namespace and every object in it, for
   * a reason of at least 10 characters (the Namespace's `cdk8s-netpol.io/suppress` annotation).
   */
  public suppress(ruleId: string, reason: string): void {
    const api = `IsolatedNamespace(${JSON.stringify(this.node.id)}).suppress()`;
    this.annotations[SUPPRESS_ANNOTATION] = addSuppression(api, this, this.annotations[SUPPRESS_ANNOTATION], ruleId, reason);
    Checker._touch(this);
  }

  private checkFreeName(method: string, name: string): void {
    const existing = this.node.tryFindChild(name);
    if (existing) {
      fail(ErrorCode.DUPLICATE_NAME, `IsolatedNamespace(${JSON.stringify(this.node.id)}).${method}()`, `a policy named "${name}" already exists in namespace "${this.namespaceName}" (${existing.node.path}). Pass a different \`name\`, or add the rule to the existing policy with addIngressRule()/addEgressRule().`);
    }
  }
}

restorePrototypeInstanceof(IsolatedNamespace);
