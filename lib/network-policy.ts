import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Checker } from './checker';
import { NETWORK_POLICY } from './markers';
import { ErrorCode, fail, NetpolError, requireArray, requireObject, requireValue } from './errors';
import { DiagnosticSeverity, loadObjects } from './model/load';
import { renderPolicySpec } from './model/render';
import { PolicyModel, PolicyType, RuleModel } from './model/types';
import { checkLabelKey, checkLabelValue, checkNamespaceName, checkObjectName, checkPolicy } from './model/validation';
import { IPeer, isFixedPeer, isPeer, Peer } from './peer';
import { Port, portsToModel } from './port';
import { rolloutTransform } from './rollout/transform';
import { Selector, dnsWord } from './selector';
import { addSuppression, SUPPRESS_ANNOTATION } from './suppress';

/**
 * Makes `x instanceof cls` (and of its subclasses) follow the prototype chain, overriding an inherited
 * `Symbol.hasInstance`.
 * @internal
 */
export function restorePrototypeInstanceof(cls: Function): void {
  Object.defineProperty(cls, Symbol.hasInstance, {
    value: function (this: Function, x: unknown): boolean {
      return Function.prototype[Symbol.hasInstance].call(this, x);
    },
  });
}

/** Options every NetworkPolicy building block takes. */
export interface NetworkPolicyOptions {
  /**
   * `metadata.name`: a DNS-1123 subdomain, unique within the namespace.
   * @default - derived from what the policy does, e.g. `api-allow-from-frontend`
   */
  readonly name?: string;
  /**
   * The namespace the policy is written into.
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * `metadata.labels`.
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * `metadata.annotations`.
   * @default - no annotations
   */
  readonly annotations?: { [key: string]: string };
}

/** One ingress or egress rule: traffic from (or to) any of the peers, on any of the ports. */
export interface NetworkPolicyRule {
  /** The peers, any of which may connect (OR). Say `[Peer.anyone()]` for everyone. */
  readonly peers: IPeer[];
  /** The ports, any of which may be used. Say `[Port.allTraffic()]` for every port of every protocol. */
  readonly ports: Port[];
}

/** Props of the low-level `NetworkPolicy`. */
export interface NetworkPolicyProps extends NetworkPolicyOptions {
  /** The pods of the namespace the policy applies to; say `Selector.all()` for every pod. */
  readonly pods: Selector;
  /**
   * The directions the policy isolates.
   * @default - the directions that have rules (a policy with no rules must say what it isolates)
   */
  readonly policyTypes?: PolicyType[];
  /**
   * Ingress rules; more can be added with `addIngressRule()`.
   * @default - none
   */
  readonly ingress?: NetworkPolicyRule[];
  /**
   * Egress rules; more can be added with `addEgressRule()`.
   * @default - none
   */
  readonly egress?: NetworkPolicyRule[];
}

interface StoredRule {
  readonly key: string;
  readonly peers: IPeer[];
  readonly ports: Port[];
}

/**
 * A `networking.k8s.io/v1` NetworkPolicy: the escape hatch under every building block.
 *
 * Rules can be added after construction; the spec is rendered at synth, and `policyTypes` is always written out.
 * The construct is the manifest object itself (it extends `ApiObject`, so `ApiObject.of(policy)` is the policy and
 * `addJsonPatch(...)` reaches the manifest): one construct per policy keeps synthesis as cheap as raw objects.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class NetworkPolicy extends ApiObject {
  /** Whether `x` is a NetworkPolicy of this library (any building block). */
  public static isNetworkPolicy(x: any): x is NetworkPolicy {
    return x !== null && typeof x === 'object' && NETWORK_POLICY in x;
  }

  /** The namespace the policy is written into; undefined when the chart has no namespace. */
  public readonly namespaceName?: string;
  /** The pods the policy applies to. */
  public readonly pods: Selector;

  private readonly explicitPolicyTypes?: PolicyType[];
  private readonly ingressRules: StoredRule[] = [];
  private readonly labels?: { [key: string]: string };
  private readonly annotations: { [key: string]: string };
  private cachedModel?: PolicyModel;
  private readonly egressRules: StoredRule[] = [];

  constructor(scope: Construct, id: string, props: NetworkPolicyProps) {
    const self: { policy?: NetworkPolicy } = {};
    checkPolicyProps(`new ${new.target.name}(${JSON.stringify(id)})`, props);
    super(scope, id, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: props.name ?? dnsWord(id), namespace: props.namespaceName, labels: props.labels, annotations: props.annotations },
      // Checked as it renders, once per synth: a construct validation would run once per chart of the app.
      spec: Lazy.any({ produce: () => renderPolicySpec(self.policy!.checkedModel()) }),
    });
    self.policy = this;
    Object.defineProperty(this, NETWORK_POLICY, { value: true });
    const api = `new ${this.constructor.name}(${JSON.stringify(id)})`;

    this.namespaceName = this.metadata.namespace;
    if (this.namespaceName !== undefined) {
      const problem = checkNamespaceName(this.namespaceName);
      if (problem) fail(ErrorCode.INVALID_NAME, api, `namespaceName: ${problem}.`);
    }
    const nameProblem = checkObjectName(this.name);
    if (nameProblem) fail(ErrorCode.INVALID_NAME, api, `${nameProblem}. Pass a valid \`name\`.`);
    checkMetadata(api, props.labels, props.annotations);
    this.labels = props.labels;
    this.annotations = { ...props.annotations };

    this.pods = props.pods;
    const workloadNamespace = props.pods.workloadNamespace;
    if (props.pods.workload && workloadNamespace !== this.namespaceName) {
      fail(ErrorCode.INVALID_WORKLOAD, api, `pods selects the workload ${props.pods.workload.node.path} in namespace ${describeNamespace(workloadNamespace)}, but the policy is in namespace ${describeNamespace(this.namespaceName)}. A policy only applies to pods of its own namespace: set namespaceName to ${describeNamespace(workloadNamespace)}.`);
    }

    if (props.policyTypes !== undefined) {
      const types = props.policyTypes;
      const unknown = types.filter(t => t !== PolicyType.INGRESS && t !== PolicyType.EGRESS);
      if (unknown.length > 0) {
        fail(ErrorCode.INVALID_POLICY_TYPES, api, `policyTypes ${JSON.stringify(types)} holds ${unknown.map(t => JSON.stringify(t)).join(', ')}, which is not a policy type; use PolicyType.INGRESS ("Ingress") and/or PolicyType.EGRESS ("Egress").`);
      }
      if (types.length === 0 || new Set(types).size !== types.length) {
        fail(ErrorCode.INVALID_POLICY_TYPES, api, `policyTypes ${JSON.stringify(types)} must list Ingress, Egress or both, once each; leave it out to derive it from the rules.`);
      }
      this.explicitPolicyTypes = [PolicyType.INGRESS, PolicyType.EGRESS].filter(t => types.includes(t));
    }
    registerName(this, api);

    for (const rule of props.ingress ?? []) this.addRule(PolicyType.INGRESS, rule.peers, rule.ports, api);
    for (const rule of props.egress ?? []) this.addRule(PolicyType.EGRESS, rule.peers, rule.ports, api);
    Checker._register(this);
  }

  /**
   * Allows traffic into the selected pods from any of `peers` on any of `ports`.
   * @param peers who may connect; `[Peer.anyone()]` for everyone
   * @param ports on which ports; `[Port.allTraffic()]` for every port
   */
  public addIngressRule(peers: IPeer[], ports: Port[]): void {
    this.addRule(PolicyType.INGRESS, peers, ports, `${this.constructor.name}(${JSON.stringify(this.node.id)}).addIngressRule()`);
  }

  /**
   * Allows traffic from the selected pods to any of `peers` on any of `ports`.
   * @param peers where to; `[Peer.anyone()]` for everywhere
   * @param ports on which ports; `[Port.allTraffic()]` for every port
   */
  public addEgressRule(peers: IPeer[], ports: Port[]): void {
    this.addRule(PolicyType.EGRESS, peers, ports, `${this.constructor.name}(${JSON.stringify(this.node.id)}).addEgressRule()`);
  }

  /**
   * Applies RFC-6902 JSON patches to the synthesized manifest, as `ApiObject.addJsonPatch()` does. The checker,
   * `analyze()` and the matchers then read the patched manifest, not `toModel()`, and synthesis fails at this
   * construct if the patched manifest is one the API server would reject.
   * @param ops the JSON-Patch operations
   */
  public addJsonPatch(...ops: JsonPatch[]): void {
    super.addJsonPatch(...ops);
    // The model's own errors first, as the NetpolError they are (cdk8s would wrap them in its serialization error).
    notePatched(this, 'NetworkPolicy', () => {
      this.checkedModel();
      return super.toJson();
    });
  }

  /**
   * Accepts the findings of checker rule `ruleId` (see RULES.md) on this policy, for a reason of at least 10
   * characters. Written as the `cdk8s-netpol.io/suppress` annotation, so synth, the cdk8s.yaml plugin and the CLI
   * all honour it; the findings are still reported, as suppressed.
   * @example policy.suppress('NP001', 'monitoring namespaces OR local prometheus, on purpose')
   */
  public suppress(ruleId: string, reason: string): void {
    const api = `${this.constructor.name}(${JSON.stringify(this.node.id)}).suppress()`;
    this.annotations[SUPPRESS_ANNOTATION] = addSuppression(api, this, this.annotations[SUPPRESS_ANNOTATION], ruleId, reason);
    this.cachedModel = undefined;
    Checker._touch(this);
  }

  /** The directions the policy isolates: the explicit `policyTypes`, else the directions that have rules. */
  public get policyTypes(): PolicyType[] {
    if (this.explicitPolicyTypes) return [...this.explicitPolicyTypes];
    const types: PolicyType[] = [];
    if (this.ingressRules.length > 0) types.push(PolicyType.INGRESS);
    if (this.egressRules.length > 0) types.push(PolicyType.EGRESS);
    return types;
  }

  /** The policy as plain data, as the analysis engine and the rules read it. */
  public toModel(): PolicyModel {
    if (this.cachedModel) return this.cachedModel;
    const model = this.buildModel();
    // Synthesis reads the model twice (render and checker); keep it while nothing in it can change by itself.
    const fixed = this.pods.workload === undefined
      && [...this.ingressRules, ...this.egressRules].every(rule => rule.peers.every(isFixedPeer));
    if (fixed) this.cachedModel = model;
    return model;
  }

  private buildModel(): PolicyModel {
    const toRule = (rule: StoredRule): RuleModel => {
      const peers = rule.peers.map(p => p.toPeerModel(this.namespaceName)).filter(p => p !== undefined);
      const ports = portsToModel('toModel()', rule.ports);
      const model: { peers?: any; ports?: any } = {};
      if (peers.length > 0) model.peers = peers;
      if (ports) model.ports = ports;
      return model;
    };
    return {
      name: this.name,
      namespaceName: this.namespaceName,
      labels: this.labels,
      annotations: Object.keys(this.annotations).length > 0 ? { ...this.annotations } : undefined,
      podSelector: this.pods.toModel(),
      policyTypes: this.policyTypes,
      ingress: this.ingressRules.length > 0 ? this.ingressRules.map(toRule) : undefined,
      egress: this.egressRules.length > 0 ? this.egressRules.map(toRule) : undefined,
      source: { constructPath: this.node.path },
    };
  }

  private addRule(direction: PolicyType, peers: IPeer[], ports: Port[], api: string): void {
    if (this.explicitPolicyTypes && !this.explicitPolicyTypes.includes(direction)) {
      const field = direction === PolicyType.INGRESS ? 'an ingress' : 'an egress';
      fail(ErrorCode.INVALID_POLICY_TYPES, api, `${field} rule was added to a policy whose policyTypes are ${JSON.stringify(this.explicitPolicyTypes)}; Kubernetes would ignore it. Add ${direction} to policyTypes, or put the rule in another policy.`);
    }
    requireArray(api, 'peers', peers, isPeer, 'Peer.pods(Selector.labels({ app: "frontend" }))');
    requireArray(api, 'ports', ports, p => p instanceof Port, 'Port.tcp(8080)');
    checkPeers(api, peers);
    portsToModel(api, ports);
    const named = ports.filter(p => p.portName !== undefined);
    const block = direction === PolicyType.EGRESS && named.length > 0
      ? peers.find(p => p.toPodSet() === undefined && p.toPeerModel(this.namespaceName)?.ipBlock !== undefined)
      : undefined;
    if (block) {
      fail(ErrorCode.INVALID_PORTS, api, `named port ${named[0]} is resolved against the destination pod's container ports, but ${block} is outside the cluster and has none, so the rule would allow nothing there. Use the port number (e.g. Port.tcp(443)).`);
    }
    const key = `${peers.map(p => p.toString()).join('|')} @ ${ports.map(p => p.uniqueId).join('|')}`;
    const rules = direction === PolicyType.INGRESS ? this.ingressRules : this.egressRules;
    if (rules.some(r => r.key === key)) return;
    rules.push({ key, peers: [...peers], ports: [...ports] });
    this.cachedModel = undefined;
    Checker._touch(this);
  }

  /**
   * The manifest, in the rollout mode that applies to this policy (`Rollout.audit()` / `Rollout.enforce()`): a
   * NetworkPolicy when enforced, the chosen CNI's audit form otherwise.
   */
  public toJson(): any {
    return rolloutTransform(this, super.toJson());
  }

  /** The model, after the checks only the whole policy allows; throws what the API server would reject. */
  private checkedModel(): PolicyModel {
    const subject = `NetworkPolicy "${this.name}" (${this.node.path})`;
    if (this.policyTypes.length === 0) {
      fail(ErrorCode.INVALID_POLICY_TYPES, subject, 'it has no rules and no policyTypes, so it is unclear what it isolates. Add a rule, or set policyTypes (a policy with policyTypes and no rules denies that direction).');
    }
    const model = this.toModel();
    const problems = checkPolicy(model);
    if (problems.length > 0) {
      fail(ErrorCode.INVALID_POLICY, subject, problems.map(p => `${p.field}: ${p.message}`).join('; '));
    }
    return model;
  }
}

/** A manifest object of this library whose user added JSON patches, and how to read its patched manifest. */
interface Patched {
  /** The kind, for messages. */
  readonly kind: string;
  /** The patched manifest as the analysis reads it (a NetworkPolicy before any audit-mode form). */
  readonly manifest: () => unknown;
  /** The validation's answer in the current synthesis (cdk8s validates once per chart). */
  problems?: string[];
}

/** This library's manifest objects that carry JSON patches of their users. */
const patchedObjects = new WeakMap<IConstruct, Patched>();

/**
 * Records that `object` (a NetworkPolicy or an IsolatedNamespace) carries a user's JSON patch: from now on the
 * analysis reads `manifest()` through the manifest loader instead of the object's model, and a validation of the
 * object fails synthesis when the patched manifest is one the API server would reject.
 * @internal
 */
export function notePatched(object: ApiObject, kind: string, manifest: () => unknown): void {
  Checker._touch(object);
  const known = patchedObjects.get(object);
  if (known) {
    known.problems = undefined;
    return;
  }
  const patched: Patched = { kind, manifest };
  patchedObjects.set(object, patched);
  object.node.addValidation({
    validate: () => {
      if (!patched.problems) {
        patched.problems = patchProblems(patched);
        queueMicrotask(() => { patched.problems = undefined; });
      }
      return patched.problems;
    },
  });
}

/**
 * The patched manifest of one of this library's objects that carries JSON patches; undefined for any other
 * construct (the analysis reads those through their model). Throws what reading the manifest throws.
 * @internal
 */
export function patchedManifest(construct: IConstruct): { readonly manifest: unknown } | undefined {
  const patched = patchedObjects.get(construct);
  return patched ? { manifest: patched.manifest() } : undefined;
}

/**
 * The message of an error thrown while a patched manifest was read (cdk8s wraps it in "Failed serializing ...").
 * @internal
 */
export function patchErrorText(e: unknown): string {
  return String((e as Error)?.message ?? e).replace(/^Failed serializing construct at path '.*?' with name '.*?': (?:\w*Error: )?/, '');
}

/** What the API server would reject in a patched manifest, one message per problem. */
function patchProblems(patched: Patched): string[] {
  let manifest: unknown;
  try {
    manifest = patched.manifest();
  } catch (e) {
    if (e instanceof NetpolError) throw e;
    return [`[${ErrorCode.INVALID_PATCH}] its JSON patches cannot be applied: ${patchErrorText(e)}. Fix the patch's path (addJsonPatch).`];
  }
  return loadObjects([manifest]).diagnostics
    .filter(d => d.severity === DiagnosticSeverity.ERROR)
    .map(d => patchProblemText(patched.kind, d.field, d.message));
}

/**
 * How an invalid field of a patched manifest reads: the field, what is wrong with its value, and the fix.
 * @internal
 */
export function patchProblemText(kind: string, field: string | undefined, message: string): string {
  return `[${ErrorCode.INVALID_PATCH}] after its JSON patches, the ${kind} is one the API server would reject: ${field ? `${field}: ` : ''}${message}. Fix the patch (addJsonPatch).`;
}

// cdk8s' ApiObject answers `instanceof` for every ApiObject; give NetworkPolicy and its subclasses ordinary
// prototype-chain semantics back, so `x instanceof DefaultDeny` means what it says.
restorePrototypeInstanceof(NetworkPolicy);

/**
 * Checks the required props of a policy for untyped callers: the props object and `pods` (a Selector).
 * @internal
 */
export function checkPolicyProps(api: string, props: { readonly pods: Selector }): void {
  requireObject(api, 'the props', props, '{ pods: Selector.labels({ app: "api" }), ... }');
  requireValue(api, 'pods', props.pods, p => p instanceof Selector, 'a Selector, e.g. Selector.labels({ app: "api" }) or Selector.all()');
}

/**
 * Checks a rule's peers: not empty, and `Peer.anyone()` alone.
 * @internal
 */
export function checkPeers(api: string, peers: IPeer[]): void {
  if (peers.length === 0) {
    fail(ErrorCode.INVALID_PEERS, api, 'peers is empty. List who may connect (e.g. [Peer.pods(Selector.labels({ app: "frontend" }))]), or say [Peer.anyone()] to allow every pod and address.');
  }
  if (peers.length > 1 && peers.includes(Peer.anyone())) {
    fail(ErrorCode.INVALID_PEERS, api, `Peer.anyone() already includes every peer, but other peers were listed too (${peers.map(p => p.toString()).join('; ')}). Keep Peer.anyone() alone, or list only the peers.`);
  }
}

/**
 * Checks `metadata.labels` and `metadata.annotations` as the API server does (keys, values, the annotations' total size).
 * @internal
 */
export function checkMetadata(api: string, labels?: { [key: string]: string }, annotations?: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const keyProblem = checkLabelKey(key);
    if (keyProblem) fail(ErrorCode.INVALID_LABEL_KEY, api, `labels: ${keyProblem}.`);
    const valueProblem = checkLabelValue(value);
    if (valueProblem) fail(ErrorCode.INVALID_LABEL_VALUE, api, `labels: ${valueProblem}.`);
  }
  let size = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    // The API server checks annotation keys lowercased (prefix "Example.COM/" is accepted), unlike label keys.
    const keyProblem = checkLabelKey(key.toLowerCase())?.split(`"${key.toLowerCase()}"`).join(`"${key}"`);
    if (keyProblem) fail(ErrorCode.INVALID_LABEL_KEY, api, `annotations: ${keyProblem.replace('label key', 'annotation key')}.`);
    if (typeof value !== 'string') {
      fail(ErrorCode.INVALID_LABEL_VALUE, api, `annotations: the value of "${key}" is ${JSON.stringify(value)}, not a string; annotation values are strings (e.g. ${JSON.stringify(String(value))}).`);
    }
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > ANNOTATIONS_SIZE_LIMIT) {
    fail(ErrorCode.INVALID_LABEL_VALUE, api, `annotations: keys and values add up to ${size} bytes; the API server accepts at most ${ANNOTATIONS_SIZE_LIMIT} (256 KiB). Keep large data out of annotations (e.g. in a ConfigMap).`);
  }
}

/** The most bytes the API server accepts in all of an object's annotation keys and values together. */
const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

function describeNamespace(namespaceName: string | undefined): string {
  return namespaceName === undefined ? '(the chart has none)' : `"${namespaceName}"`;
}

/** Policies by "namespace/name", per construct tree, to reject a second policy with a taken name at once. */
const namesByRoot = new WeakMap<IConstruct, Map<string, string>>();

function registerName(policy: NetworkPolicy, api: string): void {
  const root = policy.node.root;
  let names = namesByRoot.get(root);
  if (!names) {
    names = new Map();
    namesByRoot.set(root, names);
  }
  // A policy without a namespace lands in the namespace kubectl applies it to, "default" unless told otherwise.
  const key = `${policy.namespaceName ?? 'default'}/${policy.name}`;
  const existing = names.get(key);
  if (existing !== undefined) {
    fail(ErrorCode.DUPLICATE_NAME, api, `a NetworkPolicy named "${policy.name}" already exists in namespace ${describeNamespace(policy.namespaceName ?? 'default')}${policy.namespaceName === undefined ? ' (this one has no namespace, and kubectl applies it to "default" unless told otherwise)' : ''}, defined at ${existing}; this one is at ${policy.node.path}. Names must be unique within a namespace: pass a different \`name\`.`);
  }
  names.set(key, policy.node.path);
}
