/**
 * Loading Kubernetes manifests into the plain-data model: YAML or JSON text (multi-document, `kind: List` and
 * `*List` kinds with `items`), files and directories, or objects that are already parsed (cdk8s
 * `ApiObject.toJson()`).
 *
 * Nothing is dropped silently: every skipped document or object, every invalid NetworkPolicy and every assumption
 * (a namespace that is referenced but not declared) is reported as a diagnostic with file, document index and
 * field path.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, parseAllDocuments } from 'yaml';
import {
  ClusterModel, ContainerPortModel, IpBlockModel, LabelExpressionModel, LabelOperator, NamespaceModel, PeerModel,
  PolicyModel, PolicyType, PortModel, Protocol, RuleModel, SelectorModel, SourceModel, WorkloadModel,
} from './types';
import { checkPolicy, Problem } from './validation';

/** How serious a diagnostic is. */
export enum DiagnosticSeverity {
  /** Input that could not be used (malformed YAML, an invalid NetworkPolicy, a missing file). */
  ERROR = 'error',
  /** Input that was skipped or interpreted with an assumption the user should check (an unknown kind). */
  WARNING = 'warning',
  /** Input ignored on purpose (a Service, a ConfigMap) or a harmless assumption (an undeclared namespace). */
  INFO = 'info',
}

/** Stable codes of loader diagnostics. */
export enum DiagnosticCode {
  /** A path that does not exist or cannot be read. */
  MISSING_FILE = 'missing-file',
  /** A YAML or JSON document that does not parse. */
  MALFORMED_DOCUMENT = 'malformed-document',
  /** A document or list item that is not an object with a `kind`. */
  NOT_AN_OBJECT = 'not-an-object',
  /** A kind the analysis does not know; the object was skipped. */
  UNKNOWN_KIND = 'unknown-kind',
  /** A kind that does not affect connectivity (Service, ConfigMap, RBAC, ...); the object was skipped. */
  IGNORED_KIND = 'ignored-kind',
  /** A NetworkPolicy the API server would reject; it is excluded from the analysis. */
  INVALID_POLICY = 'invalid-policy',
  /** A NetworkPolicy problem that does not change its meaning (e.g. its name); the policy is analysed. */
  POLICY_WARNING = 'policy-warning',
  /** A workload field that could not be read (e.g. a container port without a number); that part was skipped. */
  INVALID_WORKLOAD = 'invalid-workload',
  /** Two objects with the same kind, namespace and name; how they were combined is in the message. */
  DUPLICATE = 'duplicate',
  /** Pods of one owner with different labels; the first pod's labels are used. */
  OWNER_LABELS_DIFFER = 'owner-labels-differ',
  /** A namespace used by a workload or policy but not declared; it is assumed to exist with only its name label. */
  UNDECLARED_NAMESPACE = 'undeclared-namespace',
}

/** A message about the input, with where it came from. */
export interface Diagnostic {
  /** How serious it is. */
  readonly severity: DiagnosticSeverity;
  /** A stable code. */
  readonly code: DiagnosticCode;
  /** The message. For invalid policies, the message of `checkPolicy` verbatim. */
  readonly message: string;
  /** The file, when loading from files (or the `source` given to `loadObjects`/`loadText`). */
  readonly file?: string;
  /** The zero-based index of the YAML document in the file (or of the object given to `loadObjects`). */
  readonly documentIndex?: number;
  /** The field path inside the document, e.g. `items[2].spec.ingress[0].from[1].ipBlock.cidr`. */
  readonly field?: string;
  /** The kind of the object concerned. */
  readonly kind?: string;
  /** `namespace/name` (or `name` for cluster-scoped objects) of the object concerned. */
  readonly name?: string;
}

/** The result of loading: the cluster model and everything worth telling about the input. */
export interface LoadResult {
  /** The namespaces, workloads and valid policies found, in input order. */
  readonly cluster: ClusterModel;
  /** Diagnostics, in input order (undeclared namespaces last). */
  readonly diagnostics: Diagnostic[];
}

/** Files in a directory that are not manifests: cdk8s synth writes construct-metadata.json beside them. */
export const NOT_MANIFESTS: readonly string[] = ['construct-metadata.json'];

/** The file extensions read when a directory is given. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** The workload kinds the loader understands, with where their pod template is. */
const TEMPLATE_KINDS: { [kind: string]: string[] } = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds that do not affect pod-to-pod connectivity under NetworkPolicies; skipped with an info diagnostic. */
const IGNORED_KINDS = new Set([
  'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
  'Endpoints', 'EndpointSlice', 'PersistentVolume', 'PersistentVolumeClaim', 'StorageClass', 'HorizontalPodAutoscaler',
  'PodDisruptionBudget', 'CustomResourceDefinition', 'LimitRange', 'ResourceQuota', 'PriorityClass', 'Event', 'Node',
  'ControllerRevision', 'Lease', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService',
  'CSIDriver', 'CSINode', 'VolumeAttachment', 'PodSecurityPolicy', 'VerticalPodAutoscaler', 'IngressClass',
  'StagedKubernetesNetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', // Calico: evaluated, never enforced
]);

interface Location {
  readonly file?: string;
  readonly documentIndex?: number;
  /** Field path prefix for objects inside a List (`items[3]`). */
  readonly prefix: string;
}

type Json = { [key: string]: unknown };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether an apiVersion names a CNI's own NetworkPolicy kind (Calico's projectcalico.org, Cilium's cilium.io). */
function isCniPolicy(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && /^(projectcalico\.org|crd\.projectcalico\.org|cilium\.io)\//.test(apiVersion);
}

function join(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

/** Accumulates objects into a cluster model. */
class ClusterBuilder {
  public readonly diagnostics: Diagnostic[] = [];
  private readonly namespaces = new Map<string, NamespaceModel>();
  private readonly workloads = new Map<string, WorkloadModel>();
  private readonly policies = new Map<string, PolicyModel>();

  public report(severity: DiagnosticSeverity, code: DiagnosticCode, message: string, at: Location,
    extra: { field?: string; kind?: string; name?: string } = {}): void {
    const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { severity, code, message };
    if (at.file !== undefined) d.file = at.file;
    if (at.documentIndex !== undefined) d.documentIndex = at.documentIndex;
    const field = extra.field !== undefined ? join(at.prefix, extra.field) : at.prefix || undefined;
    if (field) d.field = field;
    if (extra.kind) d.kind = extra.kind;
    if (extra.name) d.name = extra.name;
    this.diagnostics.push(d);
  }

  /** Adds one parsed document or list item. */
  public add(object: unknown, at: Location, itemKind?: string): void {
    if (object === null || object === undefined) return; // an empty document
    if (!isObject(object)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.NOT_AN_OBJECT, `expected a Kubernetes object, got ${Array.isArray(object) ? 'a list' : typeof object}; skipped`, at);
      return;
    }
    // Items of a typed list (`kubectl get pods -o yaml` gives a PodList) often carry no kind of their own.
    const kind = object.kind === undefined && itemKind ? itemKind : object.kind;
    if (typeof kind !== 'string' || kind === '') {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.NOT_AN_OBJECT, 'object has no kind; skipped', at);
      return;
    }
    if (Array.isArray(object.items) && (kind === 'List' || kind.endsWith('List'))) {
      const itemKind = kind !== 'List' ? kind.slice(0, -'List'.length) : undefined;
      object.items.forEach((item, i) => this.add(item, { ...at, prefix: join(at.prefix, `items[${i}]`) }, itemKind));
      return;
    }
    const metadata = isObject(object.metadata) ? object.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
    const source: SourceModel = { ...(at.file !== undefined ? { file: at.file } : {}), ...(at.documentIndex !== undefined ? { documentIndex: at.documentIndex } : {}) };
    if (kind === 'Namespace') this.addNamespace(name, metadata, source, at);
    else if (kind === 'NetworkPolicy' && isCniPolicy(object.apiVersion)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.UNKNOWN_KIND, `NetworkPolicy "${name}" of apiVersion ${String(object.apiVersion)} is a CNI-specific policy, not a Kubernetes NetworkPolicy; skipped: the analysis reads networking.k8s.io/v1 only`, at, { kind, name });
    } else if (kind === 'NetworkPolicy') this.addPolicy(object, name, namespace, metadata, source, at);
    else if (kind === 'Pod') this.addPod(object, name, namespace, metadata, source, at);
    else if (Object.prototype.hasOwnProperty.call(TEMPLATE_KINDS, kind)) this.addTemplateWorkload(object, kind, name, namespace, source, at);
    else if (IGNORED_KINDS.has(kind)) {
      this.report(DiagnosticSeverity.INFO, DiagnosticCode.IGNORED_KIND, `${kind} "${name}" does not affect NetworkPolicy connectivity; skipped`, at, { kind, name });
    } else {
      const why = kind === 'Ingress' || kind === 'Route'
        ? 'ingress-controller connections are not analysed'
        : 'the analysis does not know this kind';
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.UNKNOWN_KIND, `${kind} "${name}" (apiVersion ${String(object.apiVersion ?? 'unset')}) skipped: ${why}`, at, { kind, name });
    }
  }

  /** The model, with undeclared namespaces added. */
  public finish(): LoadResult {
    const used: string[] = [];
    for (const w of this.workloads.values()) used.push(w.namespaceName);
    for (const p of this.policies.values()) used.push(p.namespaceName ?? 'default');
    for (const ns of used) {
      if (this.namespaces.has(ns)) continue;
      this.namespaces.set(ns, { name: ns, labels: { 'kubernetes.io/metadata.name': ns } });
      this.report(DiagnosticSeverity.INFO, DiagnosticCode.UNDECLARED_NAMESPACE,
        `namespace "${ns}" is used but not declared; assumed to exist with only the label kubernetes.io/metadata.name=${ns}`,
        { prefix: '' }, { kind: 'Namespace', name: ns });
    }
    return {
      cluster: { namespaces: [...this.namespaces.values()], workloads: [...this.workloads.values()], policies: [...this.policies.values()] },
      diagnostics: this.diagnostics,
    };
  }

  private addNamespace(name: string, metadata: Json, source: SourceModel, at: Location): void {
    if (!name) {
      this.report(DiagnosticSeverity.ERROR, DiagnosticCode.NOT_AN_OBJECT, 'Namespace has no metadata.name; skipped', at, { kind: 'Namespace', field: 'metadata.name' });
      return;
    }
    const labels = this.stringMap(metadata.labels, 'metadata.labels', at, 'Namespace', name);
    const annotations = isObject(metadata.annotations) ? this.stringMap(metadata.annotations, 'metadata.annotations', at, 'Namespace', name) : undefined;
    if (this.namespaces.has(name)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.DUPLICATE, `Namespace "${name}" is declared more than once; the last declaration is used`, at, { kind: 'Namespace', name });
    }
    this.namespaces.set(name, { name, labels, ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}), source });
  }

  private addPolicy(object: Json, name: string, namespace: string, metadata: Json, source: SourceModel, at: Location): void {
    const id = `${namespace}/${name}`;
    const structural: Problem[] = [];
    const policy = parsePolicy(object, name, namespace, metadata, source, structural);
    const problems = [...structural, ...checkPolicy(policy)];
    // Problems in a present metadata.name do not change what the policy does, and the reference analyser evaluates
    // such policies, so they are warnings; every other problem (and a missing name) makes the API server reject the
    // policy: it is excluded.
    const fatal = problems.filter(p => p.field !== 'metadata.name' || name === '');
    for (const p of problems) {
      const isFatal = fatal.includes(p);
      this.report(isFatal ? DiagnosticSeverity.ERROR : DiagnosticSeverity.WARNING, isFatal ? DiagnosticCode.INVALID_POLICY : DiagnosticCode.POLICY_WARNING,
        p.message, at, { field: p.field, kind: 'NetworkPolicy', name: id });
    }
    if (fatal.length > 0) return;
    (policy.egress ?? []).forEach((rule, i) => {
      if ((rule.peers ?? []).some(peer => peer.ipBlock) && (rule.ports ?? []).some(port => port.portName !== undefined)) {
        this.report(DiagnosticSeverity.WARNING, DiagnosticCode.POLICY_WARNING,
          'a named port in an egress rule cannot resolve on an ipBlock destination (it has no container ports); it allows nothing there',
          at, { field: `spec.egress[${i}].ports`, kind: 'NetworkPolicy', name: id });
      }
    });
    if (this.policies.has(id)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.DUPLICATE, `NetworkPolicy "${id}" is defined more than once; the last definition is used, as kubectl apply would`, at, { kind: 'NetworkPolicy', name: id });
      this.policies.delete(id);
    }
    this.policies.set(id, policy);
  }

  private addPod(object: Json, name: string, namespace: string, metadata: Json, source: SourceModel, at: Location): void {
    let kind = 'Pod';
    let workloadName = name;
    const owners = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
    const controller = owners.find(o => isObject(o) && o.controller === true) as Json | undefined;
    // The controller owner names the workload; a Node owner (static pod) is ignored; an owner without kind keeps
    // the kind Pod but gives its name (as np-guard netpol-analyzer does).
    if (controller && controller.kind !== 'Node' && typeof controller.name === 'string' && controller.name !== '') {
      workloadName = controller.name;
      kind = typeof controller.kind === 'string' && controller.kind !== '' ? controller.kind : 'Pod';
    }
    if (!workloadName) {
      this.report(DiagnosticSeverity.ERROR, DiagnosticCode.NOT_AN_OBJECT, 'Pod has no metadata.name; skipped', at, { kind: 'Pod', field: 'metadata.name' });
      return;
    }
    const labels = this.stringMap(metadata.labels, 'metadata.labels', at, 'Pod', `${namespace}/${name}`);
    this.addWorkload({ kind, name: workloadName, namespaceName: namespace, podLabels: labels, ...this.podSpec(object.spec, 'spec', at, 'Pod', `${namespace}/${name}`), source }, at, name);
  }

  private addTemplateWorkload(object: Json, kind: string, name: string, namespace: string, source: SourceModel, at: Location): void {
    if (!name) {
      this.report(DiagnosticSeverity.ERROR, DiagnosticCode.NOT_AN_OBJECT, `${kind} has no metadata.name; skipped`, at, { kind, field: 'metadata.name' });
      return;
    }
    const steps = TEMPLATE_KINDS[kind];
    let template: unknown = object;
    for (const step of steps) template = isObject(template) ? template[step] : undefined;
    const field = steps.join('.');
    const id = `${namespace}/${name}`;
    if (!isObject(template)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.INVALID_WORKLOAD, `${kind} "${id}" has no pod template at ${field}; analysed as pods without labels or ports`, at, { kind, name: id, field });
    }
    const tpl = isObject(template) ? template : {};
    const tplMeta = isObject(tpl.metadata) ? tpl.metadata : {};
    const labels = this.stringMap(tplMeta.labels, `${field}.metadata.labels`, at, kind, id);
    this.addWorkload({ kind, name, namespaceName: namespace, podLabels: labels, ...this.podSpec(tpl.spec, `${field}.spec`, at, kind, id), source }, at);
  }

  private addWorkload(workload: WorkloadModel, at: Location, podName?: string): void {
    const key = `${workload.namespaceName}/${workload.kind}/${workload.name}`;
    const existing = this.workloads.get(key);
    if (!existing) {
      this.workloads.set(key, workload);
      return;
    }
    // Pods of one owner (or a workload manifest and its pods) merge into one workload.
    const sameLabels = JSON.stringify(sortedEntries(existing.podLabels)) === JSON.stringify(sortedEntries(workload.podLabels));
    if (!sameLabels) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.OWNER_LABELS_DIFFER,
        `${podName ? `Pod "${podName}"` : workload.kind} of ${workload.namespaceName}/${workload.name}[${workload.kind}] has labels ${JSON.stringify(workload.podLabels)}, unlike ${JSON.stringify(existing.podLabels)} of the first pod of the same owner; the first pod's labels are used`,
        at, { kind: workload.kind, name: `${workload.namespaceName}/${workload.name}` });
    } else if (!podName) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.DUPLICATE, `${workload.kind} "${workload.namespaceName}/${workload.name}" is defined more than once; the definitions are merged`, at, { kind: workload.kind, name: `${workload.namespaceName}/${workload.name}` });
    }
    const ports = [...(existing.ports ?? [])];
    for (const p of workload.ports ?? []) {
      if (!ports.some(q => q.name === p.name && q.containerPort === p.containerPort && q.protocol === p.protocol)) ports.push(p);
    }
    this.workloads.set(key, { ...existing, ports, hostNetwork: existing.hostNetwork || workload.hostNetwork });
  }

  private podSpec(spec: unknown, field: string, at: Location, kind: string, name: string): { ports: ContainerPortModel[]; hostNetwork: boolean } {
    const ports: ContainerPortModel[] = [];
    if (!isObject(spec)) return { ports, hostNetwork: false };
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    containers.forEach((container, c) => {
      if (!isObject(container) || !Array.isArray(container.ports)) return;
      container.ports.forEach((port, p) => {
        const at2 = `${field}.containers[${c}].ports[${p}]`;
        if (!isObject(port)) return;
        const number = port.containerPort;
        if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
          this.report(DiagnosticSeverity.WARNING, DiagnosticCode.INVALID_WORKLOAD,
            `container port ${JSON.stringify(port)} has no valid containerPort (an integer from 1 to 65535); skipped`, at, { kind, name, field: at2 });
          return;
        }
        const protocol = port.protocol === undefined ? Protocol.TCP : port.protocol;
        if (protocol !== Protocol.TCP && protocol !== Protocol.UDP && protocol !== Protocol.SCTP) {
          this.report(DiagnosticSeverity.WARNING, DiagnosticCode.INVALID_WORKLOAD, `container port protocol ${JSON.stringify(protocol)} is not one of TCP, UDP, SCTP; skipped`, at, { kind, name, field: `${at2}.protocol` });
          return;
        }
        ports.push({ ...(typeof port.name === 'string' && port.name !== '' ? { name: port.name } : {}), containerPort: number, protocol: protocol as Protocol });
      });
    });
    return { ports, hostNetwork: spec.hostNetwork === true };
  }

  private stringMap(value: unknown, field: string, at: Location, kind: string, name: string): { [key: string]: string } {
    const out: { [key: string]: string } = {};
    if (value === undefined || value === null) return out;
    if (!isObject(value)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.INVALID_WORKLOAD, `${field} is not a map; ignored`, at, { kind, name, field });
      return out;
    }
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string') out[k] = v;
      else {
        this.report(DiagnosticSeverity.WARNING, DiagnosticCode.INVALID_WORKLOAD, `label ${k}: ${JSON.stringify(v)} is not a string (quote it in YAML); read as "${String(v)}"`, at, { kind, name, field: `${field}.${k}` });
        out[k] = String(v);
      }
    }
    return out;
  }
}

function sortedEntries(labels: { [key: string]: string } | undefined): [string, string][] {
  return Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------------------
// NetworkPolicy manifest -> PolicyModel. Type errors the API server's decoder would reject are collected as
// problems (field paths as in the manifest); value rules are left to checkPolicy.

function parseSelector(value: unknown, field: string, problems: Problem[]): SelectorModel {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problems.push({ field, message: `a label selector must be a map with matchLabels and/or matchExpressions, got ${JSON.stringify(value)}` });
    return {};
  }
  const selector: { matchLabels?: { [key: string]: string }; matchExpressions?: LabelExpressionModel[] } = {};
  if (value.matchLabels !== undefined && value.matchLabels !== null) {
    if (!isObject(value.matchLabels)) {
      problems.push({ field: `${field}.matchLabels`, message: 'matchLabels must be a map of label keys to string values' });
    } else {
      const labels: { [key: string]: string } = {};
      for (const [k, v] of Object.entries(value.matchLabels)) {
        if (typeof v !== 'string') problems.push({ field: `${field}.matchLabels.${k}`, message: `label value ${JSON.stringify(v)} is not a string; quote it in YAML` });
        else labels[k] = v;
      }
      selector.matchLabels = labels;
    }
  }
  if (value.matchExpressions !== undefined && value.matchExpressions !== null) {
    if (!Array.isArray(value.matchExpressions)) {
      problems.push({ field: `${field}.matchExpressions`, message: 'matchExpressions must be a list' });
    } else {
      selector.matchExpressions = value.matchExpressions.map((e, i) => {
        const at = `${field}.matchExpressions[${i}]`;
        if (!isObject(e)) {
          problems.push({ field: at, message: 'a match expression must be a map with key, operator and values' });
          return { key: '', op: LabelOperator.EXISTS };
        }
        const values = e.values === undefined || e.values === null ? undefined : e.values;
        if (values !== undefined && (!Array.isArray(values) || values.some(v => typeof v !== 'string'))) {
          problems.push({ field: `${at}.values`, message: `values must be a list of strings, got ${JSON.stringify(values)}` });
        }
        const expr: LabelExpressionModel = {
          key: typeof e.key === 'string' ? e.key : String(e.key ?? ''),
          op: e.operator as LabelOperator,
          ...(Array.isArray(values) ? { values: values.map(String) } : {}),
        };
        return expr;
      });
    }
  }
  return selector;
}

function parsePeer(value: unknown, field: string, problems: Problem[]): PeerModel {
  if (!isObject(value)) {
    problems.push({ field, message: `a peer must be a map with podSelector, namespaceSelector or ipBlock, got ${JSON.stringify(value)}` });
    return {};
  }
  const peer: { podSelector?: SelectorModel; namespaceSelector?: SelectorModel; ipBlock?: IpBlockModel } = {};
  if (value.podSelector !== undefined && value.podSelector !== null) peer.podSelector = parseSelector(value.podSelector, `${field}.podSelector`, problems);
  if (value.namespaceSelector !== undefined && value.namespaceSelector !== null) peer.namespaceSelector = parseSelector(value.namespaceSelector, `${field}.namespaceSelector`, problems);
  if (value.ipBlock !== undefined && value.ipBlock !== null) {
    const block = value.ipBlock;
    if (!isObject(block) || typeof block.cidr !== 'string') {
      problems.push({ field: `${field}.ipBlock.cidr`, message: `ipBlock needs a cidr string, got ${JSON.stringify(block)}` });
    } else {
      const except = block.except;
      if (except !== undefined && except !== null && (!Array.isArray(except) || except.some(e => typeof e !== 'string'))) {
        problems.push({ field: `${field}.ipBlock.except`, message: `except must be a list of CIDR strings, got ${JSON.stringify(except)}` });
      }
      peer.ipBlock = { cidr: block.cidr, ...(Array.isArray(except) && except.length > 0 ? { exceptCidrs: except.map(String) } : {}) };
    }
  }
  return peer;
}

function parsePort(value: unknown, field: string, problems: Problem[]): PortModel {
  if (!isObject(value)) {
    problems.push({ field, message: `a port entry must be a map with protocol, port and endPort, got ${JSON.stringify(value)}` });
    return { protocol: Protocol.TCP };
  }
  const protocol = (value.protocol === undefined || value.protocol === null ? Protocol.TCP : value.protocol) as Protocol;
  const port: { protocol: Protocol; port?: number; endPort?: number; portName?: string } = { protocol };
  // IntOrString: a number is a port number, a string is a port name (even "80", which the API server rejects).
  if (typeof value.port === 'number') port.port = value.port;
  else if (typeof value.port === 'string') port.portName = value.port;
  else if (value.port !== undefined && value.port !== null) problems.push({ field: `${field}.port`, message: `port must be a number or a name, got ${JSON.stringify(value.port)}` });
  if (typeof value.endPort === 'number') port.endPort = value.endPort;
  else if (value.endPort !== undefined && value.endPort !== null) problems.push({ field: `${field}.endPort`, message: `endPort must be a number, got ${JSON.stringify(value.endPort)}` });
  return port;
}

function parseRules(value: unknown, direction: 'ingress' | 'egress', problems: Problem[]): RuleModel[] | undefined {
  if (value === undefined || value === null) return undefined;
  const field = `spec.${direction}`;
  if (!Array.isArray(value)) {
    problems.push({ field, message: `${direction} must be a list of rules` });
    return undefined;
  }
  const peersField = direction === 'ingress' ? 'from' : 'to';
  return value.map((rule, i) => {
    const at = `${field}[${i}]`;
    if (rule === null || rule === undefined) return {};
    if (!isObject(rule)) {
      problems.push({ field: at, message: `a rule must be a map with ${peersField} and ports` });
      return {};
    }
    const out: { peers?: PeerModel[]; ports?: PortModel[] } = {};
    const peers = rule[peersField];
    if (peers !== undefined && peers !== null) {
      if (!Array.isArray(peers)) problems.push({ field: `${at}.${peersField}`, message: `${peersField} must be a list of peers` });
      else out.peers = peers.map((p, j) => parsePeer(p, `${at}.${peersField}[${j}]`, problems));
    }
    if (rule.ports !== undefined && rule.ports !== null) {
      if (!Array.isArray(rule.ports)) problems.push({ field: `${at}.ports`, message: 'ports must be a list' });
      else out.ports = rule.ports.map((p, j) => parsePort(p, `${at}.ports[${j}]`, problems));
    }
    return out;
  });
}

function parsePolicy(object: Json, name: string, namespace: string, metadata: Json, source: SourceModel, problems: Problem[]): PolicyModel {
  const spec = isObject(object.spec) ? object.spec : {};
  if (!isObject(object.spec)) problems.push({ field: 'spec', message: 'a NetworkPolicy needs a spec map' });
  let policyTypes: PolicyType[] | undefined;
  if (spec.policyTypes !== undefined && spec.policyTypes !== null) {
    if (!Array.isArray(spec.policyTypes)) problems.push({ field: 'spec.policyTypes', message: 'policyTypes must be a list of Ingress and/or Egress' });
    else policyTypes = spec.policyTypes as PolicyType[];
  }
  const labels = isObject(metadata.labels) ? metadata.labels as { [key: string]: string } : undefined;
  const annotations = isObject(metadata.annotations) ? metadata.annotations as { [key: string]: string } : undefined;
  const ingress = parseRules(spec.ingress, 'ingress', problems);
  const egress = parseRules(spec.egress, 'egress', problems);
  return {
    name,
    namespaceName: namespace,
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
    podSelector: parseSelector(spec.podSelector, 'spec.podSelector', problems),
    ...(policyTypes ? { policyTypes } : {}),
    ...(ingress ? { ingress } : {}),
    ...(egress ? { egress } : {}),
    source,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points.

function addText(builder: ClusterBuilder, text: string, file: string | undefined): void {
  if (file !== undefined && file.toLowerCase().endsWith('.json')) {
    try {
      builder.add(JSON.parse(text), { file, documentIndex: 0, prefix: '' });
      return;
    } catch {
      // Not plain JSON (e.g. several concatenated objects): YAML parsing below reports the position of the error.
    }
  }
  let index = 0;
  for (const chunk of yamlChunks(text)) {
    const documents = parseAllDocuments(chunk.text);
    for (const doc of Array.isArray(documents) ? documents : []) addDocument(builder, doc, chunk.line, { file, documentIndex: index++, prefix: '' });
  }
}

/**
 * Splits YAML text at the `---` lines that start documents, so each document is parsed on its own and a large
 * file never holds more than one document's syntax tree in memory. Text before the first marker that holds only
 * directives or comments stays with the first document. Document indexes are unchanged: a chunk with only comments
 * yields no document.
 */
export function* yamlChunks(text: string): Generator<{ text: string; line: number }> {
  const marker = /^---(?=[ \t\r]|$)/gm;
  let start = 0;
  let line = 0;
  let match: RegExpExecArray | null;
  while ((match = marker.exec(text)) !== null) {
    if (match.index === 0) continue;
    const chunk = text.slice(start, match.index);
    if (start === 0 && /^\s*%/m.test(chunk) && !/^[^\s#%]/m.test(chunk)) continue; // directives belong to the next document
    yield { text: chunk, line };
    line += countLines(chunk);
    start = match.index;
  }
  yield { text: text.slice(start), line };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function addDocument(builder: ClusterBuilder, doc: Document, lineOffset: number, at: Location): void {
  {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e.linePos && e.linePos[0] ? ` (line ${e.linePos[0].line + lineOffset}, column ${e.linePos[0].col})` : '';
      builder.report(DiagnosticSeverity.ERROR, DiagnosticCode.MALFORMED_DOCUMENT, `malformed YAML${pos}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}; document skipped`, at);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      builder.report(DiagnosticSeverity.ERROR, DiagnosticCode.MALFORMED_DOCUMENT, `malformed YAML: ${(err as Error).message}; document skipped`, at);
      return;
    }
    builder.add(value, at);
  }
}

/**
 * Loads already-parsed manifest objects (for example cdk8s `ApiObject.toJson()` output). `documentIndex` of a
 * diagnostic is the object's index in `objects`.
 * @param source a name for diagnostics (e.g. the chart), reported as `file`
 */
export function loadObjects(objects: unknown[], source?: string): LoadResult {
  const builder = new ClusterBuilder();
  objects.forEach((object, i) => builder.add(object, { file: source, documentIndex: i, prefix: '' }));
  return builder.finish();
}

/** Loads YAML or JSON text (multi-document YAML, List kinds). */
export function loadText(text: string, source?: string): LoadResult {
  const builder = new ClusterBuilder();
  addText(builder, text, source);
  return builder.finish();
}

/**
 * The manifest files under a directory, recursively, sorted by path (code-unit order) for determinism; cdk8s's
 * construct-metadata.json is not a manifest and is left out.
 */
export function listManifestFiles(directory: string): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(directory, { withFileTypes: true }).map(e => e.name).sort();
  for (const name of entries) {
    const full = path.join(directory, name);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) out.push(...listManifestFiles(full));
    else if (stat.isFile() && MANIFEST_EXTENSIONS.includes(path.extname(name).toLowerCase()) && !NOT_MANIFESTS.includes(name)) out.push(full);
  }
  return out;
}

/**
 * Loads files and directories. A directory contributes its `*.yaml`, `*.yml` and `*.json` files, recursively and
 * sorted; a file named explicitly is read whatever its extension. Files are read and parsed one at a time.
 */
export function loadPaths(paths: string[]): LoadResult {
  const builder = new ClusterBuilder();
  for (const p of paths) {
    const stat = fs.statSync(p, { throwIfNoEntry: false });
    if (!stat) {
      builder.report(DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, `${p} does not exist`, { file: p, prefix: '' });
      continue;
    }
    const files = stat.isDirectory() ? listManifestFiles(p) : [p];
    if (stat.isDirectory() && files.length === 0) {
      builder.report(DiagnosticSeverity.WARNING, DiagnosticCode.MISSING_FILE, `directory ${p} holds no ${MANIFEST_EXTENSIONS.join(', ')} files`, { file: p, prefix: '' });
    }
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf-8');
      } catch (err) {
        builder.report(DiagnosticSeverity.ERROR, DiagnosticCode.MISSING_FILE, `${file} cannot be read: ${(err as Error).message}`, { file, prefix: '' });
        continue;
      }
      addText(builder, text, file);
    }
  }
  return builder.finish();
}

/** One line for a diagnostic: `file#doc field: severity: message [code]`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file, d.documentIndex !== undefined ? `#${d.documentIndex}` : undefined].filter(x => x !== undefined).join('');
  const subject = d.kind ? `${d.kind}${d.name ? ` ${d.name}` : ''}` : undefined;
  const location = [where || undefined, d.field].filter(Boolean).join(' ');
  return `${location ? `${location}: ` : ''}${d.severity}: ${subject ? `${subject}: ` : ''}${d.message} [${d.code}]`;
}
