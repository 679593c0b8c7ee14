/**
 * The cluster a cdk8s construct tree describes, read straight from the constructs: this library's policies
 * (cluster-wide ones included) and isolated namespaces through `toModel()`, everything else (namespaces, cdk8s-plus
 * workloads, raw ApiObjects) through `ApiObject.toJson()` and the manifest loader. No YAML is written or parsed.
 *
 * A policy or isolated namespace of this library that carries JSON patches (`addJsonPatch`) is read as its patched
 * manifest, through the same loader, so the answer is about the manifest as it is written.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Analysis } from './analysis';
import { Checker } from './checker';
import { ClusterNetworkPolicy } from './cluster-network-policy';
import { ErrorCode, NetpolError } from './errors';
import { ClusterPolicyModel } from './model/cluster-policy';
import { ClusterModel, NamespaceModel, PolicyModel, SourceModel } from './model/types';
import { Diagnostic, DiagnosticCode, DiagnosticSeverity, loadObjects, someOf } from './model/load';
import type { IsolatedNamespace } from './isolated-namespace';
import { ISOLATED_NAMESPACE } from './markers';
import { NetworkPolicy, patchedManifest, patchErrorText, patchProblemText } from './network-policy';

/** The model of a construct tree, and what the loader had to say about its objects. */
export interface ConstructsCluster {
  /** Namespaces, workloads, NetworkPolicies and cluster-wide policies, each with the construct path it came from. */
  readonly cluster: ClusterModel;
  /** Loader diagnostics (e.g. kinds the analysis does not read), each naming the construct path as its `file`. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads the namespaces, workloads, NetworkPolicies and cluster-wide policies (`clusterPolicies`) of a construct tree
 * (an App, a Chart, or any scope).
 */
export function clusterOf(scope: IConstruct): ConstructsCluster {
  const { cluster, diagnostics } = readTree(scope);
  return { cluster, diagnostics };
}

/**
 * `clusterOf()`, and the construct paths of this library's objects read as their patched manifests.
 * @internal
 */
export function readTree(scope: IConstruct): ConstructsCluster & { readonly patched: ReadonlySet<string> } {
  const policies: PolicyModel[] = [];
  const clusterPolicies: ClusterPolicyModel[] = [];
  const namespaces: NamespaceModel[] = [];
  const objects: unknown[] = [];
  const paths: string[] = [];
  const patched = new Set<string>();
  const unreadable: Diagnostic[] = [];
  for (const construct of scope.node.findAll()) {
    let read: { readonly manifest: unknown } | undefined;
    try {
      read = patchedManifest(construct);
    } catch (e) {
      if (e instanceof NetpolError) throw e; // the model itself is invalid
      // The patch cannot be applied: the object's validation fails synth; here it is an error diagnostic.
      patched.add(construct.node.path);
      const object = construct as ApiObject;
      unreadable.push({ severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.MALFORMED_DOCUMENT, file: construct.node.path, kind: object.kind, name: object.name, message: `its JSON patches cannot be applied: ${patchErrorText(e)}` });
      continue;
    }
    if (read) {
      objects.push(read.manifest);
      paths.push(construct.node.path);
      patched.add(construct.node.path);
    } else if (NetworkPolicy.isNetworkPolicy(construct)) {
      policies.push(construct.toModel());
    } else if (ClusterNetworkPolicy.isClusterNetworkPolicy(construct)) {
      clusterPolicies.push(construct.toModel());
    } else if (ISOLATED_NAMESPACE in construct) {
      namespaces.push((construct as unknown as IsolatedNamespace).toModel());
    } else if (construct instanceof ApiObject) {
      objects.push(construct.toJson());
      paths.push(construct.node.path);
    }
  }
  // One load for all objects, so a namespace declared by one object is known when another refers to it.
  const loaded = loadObjects(objects);
  const withPath = <T extends { source?: SourceModel }>(model: T): T => {
    const index = model.source?.documentIndex;
    return index === undefined ? model : { ...model, source: { constructPath: paths[index] } };
  };
  const declared = new Set(namespaces.map(n => n.name));
  const diagnostics = loaded.diagnostics.filter(d => !(d.code === DiagnosticCode.UNDECLARED_NAMESPACE && d.name !== undefined && declared.has(d.name))).map(d => (d.documentIndex === undefined ? d : { ...d, file: paths[d.documentIndex], documentIndex: undefined }));
  return {
    cluster: {
      // The loader assumes namespaces it only saw referenced; ours are declared, so theirs give way.
      namespaces: [...namespaces, ...loaded.cluster.namespaces.filter(n => !declared.has(n.name)).map(withPath)],
      workloads: loaded.cluster.workloads.map(withPath),
      policies: [...policies, ...loaded.cluster.policies.map(withPath)],
      ...withClusterPolicies([...clusterPolicies, ...(loaded.cluster.clusterPolicies ?? []).map(withPath)]),
    },
    diagnostics: [...unreadable, ...diagnostics],
    patched,
  };
}

/** The `clusterPolicies` field of a cluster: absent when there are none, as the loader writes it. */
function withClusterPolicies(clusterPolicies: ClusterPolicyModel[]): { clusterPolicies?: ClusterPolicyModel[] } {
  return clusterPolicies.length > 0 ? { clusterPolicies } : {};
}

/** Options of `analyze()`. */
export interface AnalyzeOptions {
  /**
   * Answer although the tree holds policy kinds the analysis does not model (Cilium's and Calico's own policies,
   * Antrea's, ...): the answer leaves them out, although on the cluster they can
   * allow or deny more.
   * @default - what `Checker.configure(app, { ignoreUnmodelled })` says for the app, else false: such policies make
   * `analyze()` throw a NetpolError with code UNMODELLED_POLICY
   */
  readonly ignoreUnmodelled?: boolean;
}

/** The policies of a read tree that the analysis does not model: `Kind name at path`, for messages. */
export function unmodelledPolicies(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.filter(d => d.code === DiagnosticCode.UNMODELLED_POLICY).map(d => `${d.kind} ${d.name} at ${d.file}`);
}


/**
 * The cluster of a construct tree, when it can answer: throws a NetpolError when one of this library's objects
 * carries a JSON patch that leaves its manifest invalid (INVALID_PATCH), or when the tree holds policy kinds the
 * analysis does not model and `ignoreUnmodelled` does not say to answer without them (UNMODELLED_POLICY).
 * @param api the API called, for messages (`analyze()`)
 * @internal
 */
export function answerableCluster(scope: IConstruct, api: string, options: AnalyzeOptions = {}): ClusterModel {
  const { cluster, diagnostics, patched } = readTree(scope);
  const invalid = diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR && d.file !== undefined && patched.has(d.file));
  if (invalid.length > 0) {
    const d = invalid[0];
    const problem = d.code === DiagnosticCode.MALFORMED_DOCUMENT ? `${d.message}. Fix the patch's path (addJsonPatch).` : patchProblemText(d.kind ?? 'object', d.field, d.message);
    throw new NetpolError(ErrorCode.INVALID_PATCH, `${api}: ${d.file}: ${problem.replace(/^\[\w+\] /, '')}`);
  }
  const unmodelled = unmodelledPolicies(diagnostics);
  if (unmodelled.length > 0 && !(options.ignoreUnmodelled ?? Checker._ignoresUnmodelled(scope))) {
    const n = unmodelled.length;
    throw new NetpolError(ErrorCode.UNMODELLED_POLICY, `${api}: the app holds ${n} polic${n === 1 ? 'y' : 'ies'} the analysis does not model (${someOf(unmodelled)}), which can change the answer. Remove ${n === 1 ? 'it' : 'them'}, or pass { ignoreUnmodelled: true } (or Checker.configure(app, { ignoreUnmodelled: true })) to answer without ${n === 1 ? 'it' : 'them'}.`);
  }
  return cluster;
}

/**
 * The analysis of a construct tree: who may talk to whom. Throws a NetpolError (code UNMODELLED_POLICY) when the
 * tree holds policy kinds the analysis does not model, unless `ignoreUnmodelled` says to answer without them, and
 * (code INVALID_PATCH) when a JSON patch leaves one of this library's manifests invalid.
 */
export function analyze(scope: IConstruct, options: AnalyzeOptions = {}): Analysis {
  return Analysis.of(answerableCluster(scope, 'analyze()', options));
}
