/**
 * Exposure in tests: what a workload of a construct tree is open to beyond the app's own workloads, and an
 * assertion that it stays within the peers the test names.
 *
 *   expect(app).toBeExposedOnlyTo('shop/api', [
 *     { namespaceLabels: { purpose: 'monitoring' }, labels: { app: 'prometheus' } },   // the scrape, AND form
 *     { namespace: 'kube-system' },                                                     // DNS
 *   ]);
 *
 * An exposure is covered by an allowed peer when every pod or address it stands for is one the allowed peer
 * describes, judged from the policies' selectors as written: `{ namespace: 'kube-system' }` covers
 * `kube-system/[all pods]` and `kube-system/[pod with {k8s-app=kube-dns}]`; `{ namespaceLabels: { purpose:
 * 'monitoring' } }` covers `[namespace with {purpose=monitoring,...}]/...` and the pods of a namespace the app
 * declares with that label; `'entire-cluster'` covers every pod of every namespace; `{ cidr }` covers external
 * ranges inside it. A selector that only might fall inside (an `In` list, `NotIn`, `Exists`) is not covered.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Analysis, endpointName, Exposure, exposureLine, parseAddress, selectorRequirements, WorkloadExposure } from '../analysis';
import { answerableCluster } from '../cluster-of';
import { checkCidr, Cidr, parseCidr } from '../model/cidr';

/** A label map. */
type Labels = { readonly [key: string]: string };

/** Pods of one namespace, given by name: all of them, or those carrying `labels`. */
export interface AllowedNamespacePods {
  /** The namespace's name. */
  readonly namespace: string;
  /**
   * Labels the pods carry (the exposure's pod selector must require each of them).
   * @default - every pod of the namespace
   */
  readonly labels?: Labels;
}

/** Pods of the namespaces carrying `namespaceLabels`: all of them, or those carrying `labels`. */
export interface AllowedLabelledNamespacePods {
  /** Labels the namespaces carry (the exposure's namespace selector must require each of them). */
  readonly namespaceLabels: Labels;
  /**
   * Labels the pods carry.
   * @default - every pod of those namespaces
   */
  readonly labels?: Labels;
}

/** Addresses outside the cluster inside a CIDR (`0.0.0.0/0` for all of them). */
export interface AllowedCidr {
  /** The IPv4 range, e.g. `10.0.0.0/8`. */
  readonly cidr: string;
}

/** A peer a workload may be exposed to: `'entire-cluster'` (every pod of every namespace), pods, or addresses. */
export type AllowedExposure = 'entire-cluster' | AllowedNamespacePods | AllowedLabelledNamespacePods | AllowedCidr;

/** Options of `toBeExposedOnlyTo` and `exposuresBeyond`. */
export interface ExposureQueryOptions {
  /**
   * Only this direction: `ingress` (who may connect to the workload) or `egress` (where it may connect).
   * @default - both
   */
  readonly direction?: 'ingress' | 'egress';
  /**
   * Answer although the app holds policy kinds the analysis does not model, leaving them out.
   * @default - the app's `Checker.configure(app, { ignoreUnmodelled })`, else false
   */
  readonly ignoreUnmodelled?: boolean;
}

/** One exposure of a workload, with its direction. */
export interface DirectedExposure {
  /** `ingress` or `egress`. */
  readonly direction: 'ingress' | 'egress';
  /** The exposure. */
  readonly exposure: Exposure;
}

function refOf(workload: string | IConstruct): string {
  if (typeof workload === 'string') return workload;
  const object = ApiObject.of(workload);
  return `${object.metadata.namespace ?? Chart.of(workload).namespace ?? 'default'}/${object.name}`;
}

function exposureIn(analysis: Analysis, workload: string | IConstruct): WorkloadExposure {
  const ref = refOf(workload);
  const resolved = analysis.resolve(ref);
  if (resolved.type !== 'workload') throw new Error(`"${ref}" is an address; give a workload as "namespace/name" or its construct`);
  const name = endpointName(resolved.endpoint);
  return analysis.exposure().find(e => endpointName(e.workload) === name)!;
}

/**
 * What a workload of the construct tree is open to beyond the tree's workloads (`namespace/name`, or its
 * construct): per direction, whether a policy protects it and its exposures, as `Analysis.exposure()` gives them.
 */
export function workloadExposure(scope: IConstruct, workload: string | IConstruct, options: ExposureQueryOptions = {}): WorkloadExposure {
  return exposureIn(analysisOf(scope, 'workloadExposure()', options), workload);
}

function analysisOf(scope: IConstruct, api: string, options: ExposureQueryOptions): Analysis {
  return Analysis.of(answerableCluster(scope, api, { ignoreUnmodelled: options.ignoreUnmodelled }));
}

function requires(requirements: readonly string[], labels: Labels | undefined): boolean {
  return Object.entries(labels ?? {}).every(([k, v]) => requirements.includes(`${k}=${v}`));
}

function checkLabelsArgument(what: string, labels: unknown): void {
  if (labels === undefined) return;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels) || Object.values(labels).some(v => typeof v !== 'string')) {
    throw new Error(`${what} must be an object of label keys to string values, e.g. { app: "prometheus" }; got ${JSON.stringify(labels)}`);
  }
}

/** Checks an allowed peer given by an untyped caller and returns it as given. */
function checkAllowed(allowed: unknown): AllowedExposure {
  const example = `e.g. 'entire-cluster', { namespace: "kube-system" }, { namespaceLabels: { purpose: "monitoring" }, labels: { app: "prometheus" } } or { cidr: "10.0.0.0/8" }`;
  if (allowed === 'entire-cluster') return allowed;
  if (typeof allowed !== 'object' || allowed === null || Array.isArray(allowed)) throw new Error(`allowed peer ${JSON.stringify(allowed)} is not one of the forms; ${example}`);
  const a = allowed as { [key: string]: unknown };
  if (typeof a.cidr === 'string') {
    const problem = checkCidr(a.cidr);
    if (problem) throw new Error(`allowed peer ${JSON.stringify(allowed)}: ${problem}`);
    const cidr = parseCidr(a.cidr) as Cidr;
    if (cidr.family !== 4) throw new Error(`allowed peer ${JSON.stringify(allowed)}: only IPv4 ranges are listed in the exposure; give an IPv4 CIDR`);
    return allowed as AllowedCidr;
  }
  checkLabelsArgument(`allowed peer ${JSON.stringify(allowed)}: labels`, a.labels);
  if (typeof a.namespace === 'string' && a.namespaceLabels === undefined) return allowed as AllowedNamespacePods;
  if (a.namespace === undefined && a.namespaceLabels !== undefined) {
    checkLabelsArgument(`allowed peer ${JSON.stringify(allowed)}: namespaceLabels`, a.namespaceLabels);
    return allowed as AllowedLabelledNamespacePods;
  }
  throw new Error(`allowed peer ${JSON.stringify(allowed)} is not one of the forms (give namespace or namespaceLabels, not both); ${example}`);
}

/** Whether the allowed peer covers the exposure's peer (see the module comment). */
function covers(analysis: Analysis, allowed: AllowedExposure, exposure: Exposure): boolean {
  const peer = exposure.peer;
  if (allowed === 'entire-cluster') return peer.type !== 'external';
  if ('cidr' in allowed) {
    if (peer.type !== 'external') return false;
    const cidr = parseCidr(allowed.cidr);
    if (typeof cidr === 'string') return false;
    const first = parseAddress(peer.endpoint.first);
    const last = parseAddress(peer.endpoint.last);
    return first !== undefined && last !== undefined && first.address >= cidr.network && last.address <= cidr.last;
  }
  if (peer.type !== 'pods') return false;
  if (!requires(selectorRequirements(peer.podSelector), allowed.labels)) return false;
  if ('namespace' in allowed) return peer.namespaceName === allowed.namespace;
  if (requires(selectorRequirements(peer.namespaceSelector), allowed.namespaceLabels)) return true;
  // Pods of one namespace by name: covered when that namespace carries the labels.
  const labels = peer.namespaceName !== undefined ? analysis.engine.namespaces.get(peer.namespaceName)?.labels : undefined;
  return labels !== undefined && Object.entries(allowed.namespaceLabels).every(([k, v]) => labels[k] === v);
}

function directedExposures(exposure: WorkloadExposure, direction: 'ingress' | 'egress' | undefined): DirectedExposure[] {
  const out: DirectedExposure[] = [];
  if (direction !== 'ingress') for (const e of exposure.egress.exposures) out.push({ direction: 'egress', exposure: e });
  if (direction !== 'egress') for (const e of exposure.ingress.exposures) out.push({ direction: 'ingress', exposure: e });
  return out;
}

/**
 * The exposures of a workload that none of the allowed peers covers: what `toBeExposedOnlyTo` fails on, for test
 * frameworks other than jest. An empty list means the workload is exposed to nothing beyond them.
 */
export function exposuresBeyond(scope: IConstruct, workload: string | IConstruct, allowed: readonly AllowedExposure[], options: ExposureQueryOptions = {}): DirectedExposure[] {
  return checkExposure(scope, workload, allowed, options, 'exposuresBeyond()').beyond;
}

function checkExposure(scope: IConstruct, workload: string | IConstruct, allowed: readonly AllowedExposure[], options: ExposureQueryOptions, api: string) {
  if (!Array.isArray(allowed)) throw new Error(`${api}: the allowed peers must be a list (an empty list allows nothing); got ${JSON.stringify(allowed)}`);
  if (options.direction !== undefined && options.direction !== 'ingress' && options.direction !== 'egress') {
    throw new Error(`${api}: direction ${JSON.stringify(options.direction)} is not "ingress" or "egress"`);
  }
  const peers = allowed.map(checkAllowed);
  const analysis = analysisOf(scope, api, options);
  const exposure = exposureIn(analysis, workload);
  const all = directedExposures(exposure, options.direction);
  const beyond = all.filter(d => !peers.some(p => covers(analysis, p, d.exposure)));
  return { exposure, all, beyond };
}

/** What a jest matcher returns. */
export interface ExposureMatcherResult {
  /** Whether the assertion holds. */
  readonly pass: boolean;
  /** The message jest prints. */
  readonly message: () => string;
}

function allowedText(allowed: readonly AllowedExposure[]): string {
  return allowed.length === 0 ? 'nothing' : allowed.map(a => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ');
}

/** The `toBeExposedOnlyTo` matcher: passes when every exposure of the workload is covered by an allowed peer. */
export function exposedOnlyToMatcher(scope: IConstruct, workload: string | IConstruct, allowed: readonly AllowedExposure[], options: ExposureQueryOptions = {}): ExposureMatcherResult {
  const { exposure, all, beyond } = checkExposure(scope, workload, allowed, options, 'toBeExposedOnlyTo()');
  const name = endpointName(exposure.workload);
  const lines = (list: DirectedExposure[]) => list.map(d => `  ${exposureLine(name, d.direction, d.exposure)}`).join('\n');
  const scopeText = options.direction ? `on ${options.direction} ` : '';
  const expected = `expected ${name} to be exposed ${scopeText}beyond the app's workloads only to ${allowedText(allowed)}`;
  const pass = beyond.length === 0;
  return {
    pass,
    message: () => (pass
      ? `${expected}, and it is (.not was used); its exposure:\n${lines(all) || '  (none)'}`
      : `${expected}, but it is also exposed to:\n${lines(beyond)}\n(=> egress to, <= ingress from; ${all.length} exposure${all.length === 1 ? '' : 's'} in all)`),
  };
}
