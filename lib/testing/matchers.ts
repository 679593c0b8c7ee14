/**
 * jest matchers that prove a cdk8s app's intent before it reaches a cluster:
 *
 *   expect.extend(netpolMatchers);
 *   expect(app).toAllowConnection({ from: 'production/frontend', to: 'production/api', port: 8080 });
 *   expect(app).toDenyConnection({ from: { namespace: 'monitoring', labels: { app: 'grafana' } }, to: api, port: 9090 });
 *   expect(app).toPassNetpolChecks('warning');
 *   expect(app).toBeExposedOnlyTo('production/api', [{ namespaceLabels: { purpose: 'monitoring' } }, { namespace: 'kube-system' }]);
 *
 * A connection failure message is the engine's explanation: which policy isolated which side, and why no rule matched
 * (or which rules allowed what should have been denied). A checks failure lists each finding with its rule, construct
 * path and fix.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Analysis } from '../analysis';
import { answerableCluster } from '../cluster-of';
import { Checker } from '../checker';
import type { ClusterDns } from '../cluster-dns';
import { AllowedExposure, exposedOnlyToMatcher, ExposureQueryOptions } from './exposure';
import { lockMatchers } from './lock';
import { ClusterModel, ContainerPortModel, NamespaceModel, Protocol, WorkloadModel } from '../model/types';
import { checkLabelKey, checkLabelValue, checkNamespaceName } from '../model/validation';
import { failingFindings, Finding, findingBlock, lint } from '../rules';
import type { MatcherResult } from './matcher-result';

/**
 * A pod that need not exist in the app, given by its namespace and labels: "a pod labelled app=grafana in namespace
 * monitoring". Use it to prove what a policy admits or keeps out without declaring a workload for it.
 */
export interface WouldBePod {
  /** The pod's namespace. */
  readonly namespace: string;
  /** The pod's labels (may be empty: a pod without labels). */
  readonly labels: { [key: string]: string };
  /**
   * The namespace's labels, for a namespace the app does not declare (the API server adds
   * `kubernetes.io/metadata.name` itself). A namespace the app declares keeps its declared labels; giving different
   * ones here is an error.
   * @default - only `kubernetes.io/metadata.name`, or the declared namespace's labels
   */
  readonly namespaceLabels?: { [key: string]: string };
  /**
   * The pod's container ports, for rules that name ports (`Port.named('metrics')`).
   * @default - none
   */
  readonly ports?: ContainerPortModel[];
}

/** One end of a connection to check. */
export type ConnectionEndpoint = string | IConstruct | WouldBePod;

/** A connection to check. */
export interface ConnectionQuery {
  /**
   * The source: `namespace/workload` (or `namespace/name[Kind]`), an IP address, a workload construct (e.g. a
   * cdk8s-plus Deployment), or a would-be pod `{ namespace, labels }`.
   */
  readonly from: ConnectionEndpoint;
  /** The destination, in the same forms as `from`. */
  readonly to: ConnectionEndpoint;
  /** The destination port (1-65535). */
  readonly port: number;
  /** The protocol; TCP when absent. */
  readonly protocol?: Protocol | 'TCP' | 'UDP' | 'SCTP';
  /**
   * Answer although the app holds policy kinds the analysis does not model (CiliumNetworkPolicy, ...), leaving
   * them out; otherwise such policies make the matcher throw.
   * @default - the app's `Checker.configure(app, { ignoreUnmodelled })`, else false
   */
  readonly ignoreUnmodelled?: boolean;
}

/** Options of `toPassNetpolChecks` and `failingChecks`. */
export interface ChecksOptions {
  /**
   * Check although the app holds policy kinds the checker does not model, leaving them out; otherwise such
   * policies make the check throw.
   * @default - the app's `Checker.configure(app, { ignoreUnmodelled })`, else false
   */
  readonly ignoreUnmodelled?: boolean;
  /**
   * Where the cluster DNS server runs, for the rules about DNS.
   * @default - the app's `Checker.configure(app, { dns })`, else ClusterDns.KUBERNETES
   */
  readonly dns?: ClusterDns;
}

/** The lowest severity `toPassNetpolChecks` fails on. */
export type ChecksLevel = 'error' | 'warning' | 'info';


/** The `namespace/name` of a workload construct (its manifest's), or the string as given. */
export function endpointRef(endpoint: string | IConstruct): string {
  if (typeof endpoint === 'string') return endpoint;
  const object = ApiObject.of(endpoint);
  return `${object.metadata.namespace ?? Chart.of(endpoint).namespace ?? 'default'}/${object.name}`;
}

function isWouldBePod(endpoint: ConnectionEndpoint): endpoint is WouldBePod {
  return typeof endpoint === 'object' && endpoint !== null && !('node' in endpoint);
}

function labelsText(labels: { [key: string]: string }): string {
  return `{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}}`;
}

function checkLabels(what: string, labels: unknown): void {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new Error(`${what} must be an object of label keys to values, e.g. { app: "grafana" }; got ${JSON.stringify(labels)}`);
  }
  for (const [key, value] of Object.entries(labels)) {
    const problem = checkLabelKey(key) ?? (typeof value === 'string' ? checkLabelValue(value) : `label "${key}" has the value ${JSON.stringify(value)}, which is not a string`);
    if (problem) throw new Error(`${what}: ${problem}`);
  }
}

/**
 * Adds would-be pods to a cluster: each becomes a Pod workload (named `would-be-<n>`) in its namespace, and a namespace
 * the cluster does not have yet is added with the given labels. Returns the cluster and the reference of each pod.
 */
function withWouldBePods(cluster: ClusterModel, pods: WouldBePod[]): { cluster: ClusterModel; refs: string[] } {
  const workloads: WorkloadModel[] = [...cluster.workloads];
  const namespaces: NamespaceModel[] = [...cluster.namespaces];
  const taken = new Set(cluster.workloads.map(w => `${w.namespaceName}/${w.name}`));
  const refs = pods.map((pod, i) => {
    const what = `would-be pod ${JSON.stringify(pod)}`;
    const problem = typeof pod.namespace === 'string' ? checkNamespaceName(pod.namespace) : 'namespace is missing';
    if (problem) throw new Error(`${what}: ${problem}; give the namespace the pod would run in, e.g. { namespace: "monitoring", labels: { app: "grafana" } }`);
    checkLabels(`${what}: labels`, pod.labels);
    const declared = namespaces.find(n => n.name === pod.namespace);
    if (pod.namespaceLabels !== undefined) {
      checkLabels(`${what}: namespaceLabels`, pod.namespaceLabels);
      if (declared) {
        const differing = Object.entries(pod.namespaceLabels).filter(([k, v]) => declared.labels?.[k] !== v);
        if (differing.length > 0) {
          throw new Error(`${what}: namespace "${pod.namespace}" is declared in the app with labels ${labelsText(declared.labels ?? {})}, which do not include ${labelsText(Object.fromEntries(differing))}; label the namespace in the app, or leave namespaceLabels out`);
        }
      } else {
        namespaces.push({ name: pod.namespace, labels: { ...pod.namespaceLabels } });
      }
    }
    let name = `would-be-${i + 1}`;
    while (taken.has(`${pod.namespace}/${name}`)) name = `${name}-x`;
    taken.add(`${pod.namespace}/${name}`);
    workloads.push({ kind: 'Pod', name, namespaceName: pod.namespace, podLabels: { ...pod.labels }, ports: pod.ports ? [...pod.ports] : undefined });
    return `${pod.namespace}/${name}`;
  });
  return { cluster: { ...cluster, namespaces, workloads }, refs };
}

function describeEndpoint(endpoint: ConnectionEndpoint, ref: string): string {
  return isWouldBePod(endpoint) ? `a pod ${labelsText(endpoint.labels)} in namespace ${endpoint.namespace} (${ref})` : ref;
}

function checkConnection(scope: IConstruct, query: ConnectionQuery, expectAllowed: boolean): MatcherResult {
  const wouldBe = [query.from, query.to].filter(isWouldBePod);
  const api = expectAllowed ? 'toAllowConnection()' : 'toDenyConnection()';
  const { cluster, refs } = withWouldBePods(answerableCluster(scope, api, { ignoreUnmodelled: query.ignoreUnmodelled }), wouldBe);
  const refOf = (e: ConnectionEndpoint) => (isWouldBePod(e) ? refs[wouldBe.indexOf(e)] : endpointRef(e));
  const from = refOf(query.from);
  const to = refOf(query.to);
  const protocol = (query.protocol ?? Protocol.TCP) as Protocol;
  const explanation = Analysis.of(cluster).explain(from, to, query.port, protocol);
  const pass = explanation.allowed === expectAllowed;
  const expected = `expected ${describeEndpoint(query.from, from)} → ${describeEndpoint(query.to, to)} on ${protocol} ${query.port} to be ${expectAllowed ? 'allowed' : 'denied'}`;
  return { pass, message: () => `${pass ? `${expected}, and it is (.not was used)` : expected}:\n${explanation.text}` };
}

/**
 * The checker's unsuppressed findings on a construct tree at or above `failOn` (default `warning`): what
 * `toPassNetpolChecks` fails on, for test frameworks other than jest. Throws when the tree holds policy kinds the
 * checker does not model, unless `options.ignoreUnmodelled`.
 */
export function failingChecks(scope: IConstruct, failOn: ChecksLevel = 'warning', options: ChecksOptions = {}): Finding[] {
  if (!['error', 'warning', 'info'].includes(failOn)) {
    throw new Error(`failOn "${failOn}" is not one of error, warning, info`);
  }
  const dns = (options.dns ?? Checker._dnsOf(scope))?._toServer();
  return failingFindings(lint(answerableCluster(scope, 'failingChecks()', options), { dns }), failOn);
}

function checkFindings(scope: IConstruct, failOn: ChecksLevel, options: ChecksOptions): MatcherResult {
  const failing = failingChecks(scope, failOn, options);
  const pass = failing.length === 0;
  return {
    pass,
    message: () => (pass
      ? `expected checker findings at or above ${failOn}, and there are none (.not was used)`
      : `expected no unsuppressed checker findings at or above ${failOn}, but there ${failing.length === 1 ? 'is 1' : `are ${failing.length}`}:\n${failing.map(f => findingBlock(f, f.source.constructPath ?? f.source.file ?? 'an object without a construct')).join('\n')}`),
  };
}

/** The matchers; register them with `expect.extend(netpolMatchers)`. */
export const netpolMatchers = {
  /** Passes when Kubernetes would allow the connection (egress at the source and ingress at the destination). */
  toAllowConnection(received: IConstruct, query: ConnectionQuery): MatcherResult {
    return checkConnection(received, query, true);
  },
  /** Passes when Kubernetes would deny the connection. */
  toDenyConnection(received: IConstruct, query: ConnectionQuery): MatcherResult {
    return checkConnection(received, query, false);
  },
  /** Passes when the checker (RULES.md) has no unsuppressed finding at or above `failOn` (default `warning`). */
  toPassNetpolChecks(received: IConstruct, failOn: ChecksLevel = 'warning', options: ChecksOptions = {}): MatcherResult {
    return checkFindings(received, failOn, options);
  },
  /**
   * Passes when the workload (`namespace/name` or its construct) is exposed beyond the app's workloads only to the
   * allowed peers: every exposure (`Analysis.exposure()`) is covered by one of them. See `lib/testing/exposure.ts`.
   */
  toBeExposedOnlyTo(received: IConstruct, workload: string | IConstruct, allowed: readonly AllowedExposure[], options: ExposureQueryOptions = {}): MatcherResult {
    return exposedOnlyToMatcher(received, workload, allowed, options);
  },
  /** Passes when the construct tree allows exactly the connections of the lock file. See `lib/testing/lock.ts`. */
  ...lockMatchers,
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** Passes when the construct tree's policies allow the connection. */
      toAllowConnection(query: ConnectionQuery): R;
      /** Passes when the construct tree's policies deny the connection. */
      toDenyConnection(query: ConnectionQuery): R;
      /** Passes when the checker has no unsuppressed finding at or above `failOn` (default `warning`). */
      toPassNetpolChecks(failOn?: ChecksLevel, options?: ChecksOptions): R;
      /** Passes when the workload is exposed beyond the app's workloads only to the allowed peers. */
      toBeExposedOnlyTo(workload: string | IConstruct, allowed: readonly AllowedExposure[], options?: ExposureQueryOptions): R;
    }
  }
}
