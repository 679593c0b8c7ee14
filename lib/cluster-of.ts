/**
 * The cluster a cdk8s construct tree describes, read straight from the constructs: this library's policies and
 * isolated namespaces through `toModel()`, everything else (namespaces, cdk8s-plus workloads, raw ApiObjects)
 * through `ApiObject.toJson()` and the manifest loader. No YAML is written or parsed.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Analysis } from './analysis';
import { ClusterModel, NamespaceModel, PolicyModel, SourceModel } from './model/types';
import { Diagnostic, DiagnosticCode, loadObjects } from './model/load';
import type { IsolatedNamespace } from './isolated-namespace';
import { ISOLATED_NAMESPACE } from './markers';
import { NetworkPolicy } from './network-policy';

/** The model of a construct tree, and what the loader had to say about its objects. */
export interface ConstructsCluster {
  /** Namespaces, workloads and policies, each with the construct path it came from. */
  readonly cluster: ClusterModel;
  /** Loader diagnostics (e.g. kinds the analysis does not read), each naming the construct path as its `file`. */
  readonly diagnostics: Diagnostic[];
}

/** Reads the namespaces, workloads and NetworkPolicies of a construct tree (an App, a Chart, or any scope). */
export function clusterOf(scope: IConstruct): ConstructsCluster {
  const policies: PolicyModel[] = [];
  const namespaces: NamespaceModel[] = [];
  const objects: unknown[] = [];
  const paths: string[] = [];
  for (const construct of scope.node.findAll()) {
    if (NetworkPolicy.isNetworkPolicy(construct)) {
      policies.push(construct.toModel());
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
    },
    diagnostics,
  };
}

/** The analysis of a construct tree: who may talk to whom. */
export function analyze(scope: IConstruct): Analysis {
  return Analysis.of(clusterOf(scope).cluster);
}
