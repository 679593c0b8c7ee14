/**
 * Objects -> the cluster model: dispatches each object by kind (List items included), checks it as the API server
 * would, and accumulates namespaces, workloads and valid policies, with a diagnostic for everything left out.
 */
import { checkClusterPolicy, ClusterPolicyKind, ClusterPolicyModel, clusterPolicyWarnings } from '../cluster-policy';
import { ClusterModel, NamespaceModel, PolicyModel, SourceModel, WorkloadModel } from '../types';
import { checkPolicy, Problem } from '../validation';
import { clusterPolicyKindOf, parseClusterPolicy } from './cluster-policy';
import { diagnostic, Diagnostic, DiagnosticCode, DiagnosticSeverity, join, Location } from './diagnostics';
import { IGNORED_KINDS, isAnalysedField, isCniPolicy, isObject, isTemplateKind, isUnmodelledPolicy, Json, listItemKind, TEMPLATE_KINDS } from './kinds';
import { metadataTypeProblems, nameProblems, namespaceProblems, readLabels, readPodSpec } from './objects';
import { parsePolicy } from './policy';
import { YamlReading } from './yaml';

/** The result of loading: the cluster model and everything worth telling about the input. */
export interface LoadResult {
  /** The namespaces, workloads and valid policies found, in input order. */
  readonly cluster: ClusterModel;
  /** Diagnostics, in input order (undeclared namespaces last). */
  readonly diagnostics: Diagnostic[];
  /**
   * Per file read (`loadPaths`) or named text (`loadText`), the 1-based line where each document's content starts, by
   * document index: where a diagnostic's or a model object's `documentIndex` points in the file (SARIF locations).
   */
  readonly documentLines: ReadonlyMap<string, readonly number[]>;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`;
}

/** Where an object was read, for the model: the file and document index that are known. */
function sourceOf(at: Location): SourceModel {
  if (at.file !== undefined) return at.documentIndex !== undefined ? { file: at.file, documentIndex: at.documentIndex } : { file: at.file };
  return at.documentIndex !== undefined ? { documentIndex: at.documentIndex } : {};
}

function sortedEntries(labels: { [key: string]: string } | undefined): [string, string][] {
  return Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The readings of a document without any: shared, never written. */
const NO_READINGS: ReadonlyMap<string, YamlReading> = new Map();

/** Accumulates objects into a cluster model. */
export class ClusterBuilder {
  public readonly diagnostics: Diagnostic[] = [];
  /** Per file, the line where each document starts (see `LoadResult.documentLines`); filled by the text readers. */
  public readonly documentLines = new Map<string, number[]>();
  private readonly namespaces = new Map<string, NamespaceModel>();
  private readonly workloads = new Map<string, WorkloadModel>();
  private readonly policies = new Map<string, PolicyModel>();
  private readonly clusterPolicies = new Map<string, ClusterPolicyModel>();
  /** Where each cluster-scoped policy was read, for diagnostics about several of them. */
  private readonly clusterPolicyLocations = new Map<ClusterPolicyModel, Location>();
  /** Where the current document's YAML 1.1 reading differs from YAML 1.2's, by field path. */
  private readings: ReadonlyMap<string, YamlReading> = NO_READINGS;
  /** The readings already told in an error about their field. */
  private readonly told = new Set<string>();

  /** Adds a diagnostic; an error about a field that kubectl reads by YAML 1.1 rules says how the value was written. */
  public report(severity: DiagnosticSeverity, code: DiagnosticCode, message: string, at: Location,
    extra: { field?: string; kind?: string; name?: string } = {}): void {
    const field = extra.field !== undefined ? join(at.prefix, extra.field) : at.prefix;
    const reading = severity === DiagnosticSeverity.ERROR ? this.readings.get(field) : undefined;
    if (reading) this.told.add(field);
    this.diagnostics.push(diagnostic(severity, code, reading ? `${message} (${reading.note})` : message, at, extra));
  }

  /**
   * Adds one parsed document, then tells where kubectl's YAML 1.1 reading of it differs from YAML 1.2's: a warning
   * for a surprising reading (`010` is 8) of a field the analysis uses, an info otherwise.
   */
  public addDocument(value: unknown, at: Location, readings?: Map<string, YamlReading>): void {
    this.readings = readings ?? NO_READINGS;
    if (this.told.size > 0) this.told.clear();
    this.add(value, at);
    for (const [field, reading] of this.readings) {
      if (this.told.has(field)) continue;
      const severity = reading.surprising && isAnalysedField(value, field) ? DiagnosticSeverity.WARNING : DiagnosticSeverity.INFO;
      this.diagnostics.push(diagnostic(severity, DiagnosticCode.YAML_1_1, `line ${reading.line}: ${reading.message}`, at, { field }));
    }
    this.readings = NO_READINGS;
  }

  /** Adds one parsed document or list item. */
  public add(object: unknown, at: Location, itemKind?: string): void {
    if (object === null || object === undefined) return; // an empty document
    if (!isObject(object)) {
      this.report(DiagnosticSeverity.ERROR, DiagnosticCode.NOT_AN_OBJECT, `expected a Kubernetes object (a map with apiVersion and kind), got ${describe(object)}; kubectl fails on it too. Remove it, or make it an object`, at);
      return;
    }
    // Items of a typed list (`kubectl get pods -o yaml` gives a PodList) often carry no kind of their own.
    const kind = object.kind === undefined && itemKind ? itemKind : object.kind;
    if (typeof kind !== 'string' || kind === '') {
      this.report(DiagnosticSeverity.ERROR, DiagnosticCode.NOT_AN_OBJECT, `object has no kind${object.kind === undefined ? '' : ` (kind is ${describe(object.kind)})`}; kubectl fails on it too ("Object 'Kind' is missing"). Add kind and apiVersion`, at, { field: 'kind' });
      return;
    }
    if (Array.isArray(object.items) && (kind === 'List' || kind.endsWith('List'))) {
      object.items.forEach((item, i) => this.add(item, { ...at, prefix: join(at.prefix, `items[${i}]`) }, listItemKind(kind)));
      return;
    }
    const metadata = isObject(object.metadata) ? object.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
    const decodeProblems = metadataTypeProblems(object);
    if (decodeProblems.length > 0) {
      // kubectl decodes every object's metadata and stops at the first field of the wrong type.
      for (const p of decodeProblems) {
        this.report(DiagnosticSeverity.ERROR, DiagnosticCode.INVALID_OBJECT, `${p.message}; kubectl cannot decode this object`, at, { field: p.field, kind, ...(name ? { name } : {}) });
      }
      return;
    }
    const source = sourceOf(at);
    if (kind === 'Namespace') this.addNamespace(name, metadata, source, at);
    else if (IGNORED_KINDS.has(kind)) {
      this.report(DiagnosticSeverity.INFO, DiagnosticCode.IGNORED_KIND, `${kind} "${name}" does not affect NetworkPolicy connectivity; skipped`, at, { kind, name });
    } else if (clusterPolicyKindOf(kind, object.apiVersion)) {
      this.addClusterPolicy(object, clusterPolicyKindOf(kind, object.apiVersion)!, name, metadata, source, at);
    } else if (isUnmodelledPolicy(kind, object.apiVersion)) {
      const what = kind === 'NetworkPolicy' && isCniPolicy(object.apiVersion) ? `NetworkPolicy "${name}" of apiVersion ${String(object.apiVersion)} is a CNI-specific policy, not a Kubernetes NetworkPolicy` : `${kind} "${name}" (apiVersion ${String(object.apiVersion ?? 'unset')}) is a network policy`;
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.UNMODELLED_POLICY, `${what} that the analysis does not model (it reads networking.k8s.io/v1 NetworkPolicies and the cluster policies of policy.networking.k8s.io v1alpha1 and v1alpha2 only), so an answer without it can be wrong; skipped`, at, { kind, name });
    } else if (kind === 'NetworkPolicy') this.addPolicy(object, name, namespace, metadata, source, at);
    else if (kind === 'Pod') this.addPod(object, name, namespace, metadata, source, at);
    else if (isTemplateKind(kind)) this.addTemplateWorkload(object, kind, name, namespace, metadata, source, at);
    else {
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
    this.reportSharedPriorities();
    const clusterPolicies = [...this.clusterPolicies.values()];
    return {
      cluster: {
        namespaces: [...this.namespaces.values()], workloads: [...this.workloads.values()], policies: [...this.policies.values()],
        ...(clusterPolicies.length > 0 ? { clusterPolicies } : {}),
      },
      diagnostics: this.diagnostics,
      documentLines: this.documentLines,
    };
  }

  /**
   * Reads a cluster-scoped policy (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy): what the
   * CRD would reject is an error and leaves the policy out; what the analysis reads with an assumption is a warning.
   */
  private addClusterPolicy(object: Json, kind: ClusterPolicyKind, name: string, metadata: Json, source: SourceModel, at: Location): void {
    if (!name) {
      this.report(DiagnosticSeverity.ERROR, DiagnosticCode.NOT_AN_OBJECT, `${kind} has no metadata.name; skipped`, at, { kind, field: 'metadata.name' });
      return;
    }
    const structural: Problem[] = [];
    const assumed: Problem[] = [];
    const policy = parseClusterPolicy(object, kind, name, metadata, source, { problems: structural, warnings: assumed });
    // A field the structure already faults is not faulted twice (a missing priority is not also out of range).
    const problems = [...structural, ...checkClusterPolicy(policy).filter(p => !structural.some(s => s.field === p.field))];
    for (const p of problems) this.report(DiagnosticSeverity.ERROR, DiagnosticCode.INVALID_POLICY, p.message, at, { field: p.field, kind, name });
    if (problems.length > 0) return;
    for (const p of [...assumed, ...clusterPolicyWarnings(policy)]) this.report(DiagnosticSeverity.WARNING, DiagnosticCode.POLICY_WARNING, p.message, at, { field: p.field, kind, name });
    const key = `${kind}/${name}`;
    if (this.clusterPolicies.has(key)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.DUPLICATE, `${kind} "${name}" is defined more than once; the last definition is used, as kubectl apply would`, at, { kind, name });
      this.clusterPolicies.delete(key);
    }
    this.clusterPolicies.set(key, policy);
    this.clusterPolicyLocations.set(policy, at);
  }

  /** Warns about policies of one tier that share a priority: which of them decides a connection both match is up to the implementation. */
  private reportSharedPriorities(): void {
    const byKey = new Map<string, ClusterPolicyModel[]>();
    for (const p of this.clusterPolicies.values()) {
      if (p.priority === undefined) continue;
      const key = `${p.tier}/${p.priority}`;
      byKey.set(key, [...(byKey.get(key) ?? []), p]);
    }
    for (const list of byKey.values()) {
      if (list.length < 2) continue;
      const names = list.map(p => `${p.kind} ${p.name}`).sort();
      const first = list[0];
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.POLICY_WARNING,
        `${names.join(', ')} share priority ${first.priority} in the ${first.tier} tier: where both match a connection, the implementation may apply either. The analysis applies them in name order; give them distinct priorities`,
        this.clusterPolicyLocations.get(first) ?? { prefix: '' }, { field: 'spec.priority', kind: first.kind, name: first.name });
    }
  }

  /** Reports each problem of an object the API server would reject; true if there were any (the object is left out). */
  private rejected(problems: Problem[], at: Location, kind: string, name: string): boolean {
    for (const p of problems) this.report(DiagnosticSeverity.ERROR, DiagnosticCode.INVALID_OBJECT, p.message, at, { field: p.field, kind, name });
    return problems.length > 0;
  }

  private addNamespace(name: string, metadata: Json, source: SourceModel, at: Location): void {
    if (!name) {
      this.report(DiagnosticSeverity.ERROR, DiagnosticCode.NOT_AN_OBJECT, 'Namespace has no metadata.name; skipped', at, { kind: 'Namespace', field: 'metadata.name' });
      return;
    }
    const problems = nameProblems('Namespace', name);
    const labels = readLabels(metadata.labels, 'metadata.labels', problems);
    if (this.rejected(problems, at, 'Namespace', name)) return;
    const annotations = isObject(metadata.annotations) ? metadata.annotations as { [key: string]: string } : undefined;
    if (this.namespaces.has(name)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.DUPLICATE, `Namespace "${name}" is declared more than once; the last declaration is used`, at, { kind: 'Namespace', name });
    }
    this.namespaces.set(name, { name, labels, ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}), source });
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
    const problems = name ? nameProblems('Pod', name) : [];
    problems.push(...namespaceProblems(metadata));
    const labels = readLabels(metadata.labels, 'metadata.labels', problems);
    const spec = readPodSpec(object.spec, 'spec', problems);
    if (problems.length > 0 && this.rejected(problems, at, 'Pod', `${namespace}/${name || workloadName}`)) return;
    this.addWorkload({ kind, name: workloadName, namespaceName: namespace, podLabels: labels, ports: spec.ports, hostNetwork: spec.hostNetwork, source }, at, name);
  }

  private addTemplateWorkload(object: Json, kind: string, name: string, namespace: string, metadata: Json, source: SourceModel, at: Location): void {
    if (!name) {
      this.report(DiagnosticSeverity.ERROR, DiagnosticCode.NOT_AN_OBJECT, `${kind} has no metadata.name; skipped`, at, { kind, field: 'metadata.name' });
      return;
    }
    const steps = TEMPLATE_KINDS[kind];
    let template: unknown = object;
    for (const step of steps) template = isObject(template) ? template[step] : undefined;
    const field = steps.join('.');
    const id = `${namespace}/${name}`;
    const problems = [...nameProblems(kind, name), ...namespaceProblems(metadata)];
    readLabels(metadata.labels, 'metadata.labels', problems);
    const tpl = isObject(template) ? template : {};
    if (tpl.metadata !== undefined && tpl.metadata !== null && !isObject(tpl.metadata)) {
      problems.push({ field: `${field}.metadata`, message: `the pod template's metadata must be a map, got ${JSON.stringify(tpl.metadata)}` });
    }
    const tplMeta = isObject(tpl.metadata) ? tpl.metadata : {};
    const labels = readLabels(tplMeta.labels, `${field}.metadata.labels`, problems);
    const spec = readPodSpec(tpl.spec, `${field}.spec`, problems);
    if (this.rejected(problems, at, kind, id)) return;
    if (!isObject(template)) {
      this.report(DiagnosticSeverity.WARNING, DiagnosticCode.INVALID_WORKLOAD, `${kind} "${id}" has no pod template at ${field}; analysed as pods without labels or ports`, at, { kind, name: id, field });
    }
    this.addWorkload({ kind, name, namespaceName: namespace, podLabels: labels, ...spec, source }, at);
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
}
