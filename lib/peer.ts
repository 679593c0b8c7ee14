import type { IWorkload } from './workload';
import { ErrorCode, fail, requireValue } from './errors';
import { Cidr, checkExcept, familyBits, formatCidr, parseCidr } from './model/cidr';
import { PeerModel } from './model/types';
import { checkNamespaceName } from './model/validation';
import { Selector } from './selector';

/** Pods of one namespace, which a policy can select: what `IPeer.toPodSet()` returns. */
export interface PodSet {
  /**
   * The namespace of the pods.
   * @default - the namespace of the policy or connection that refers to the peer
   */
  readonly namespaceName?: string;
  /** The pods within the namespace. */
  readonly pods: Selector;
}

/**
 * Something traffic can come from or go to: pods, namespaces, address ranges, or anyone.
 *
 * Make peers with the `Peer` factories. One peer renders to exactly one `from`/`to` entry, so "pods labelled
 * app=prometheus in namespaces labelled purpose=monitoring" is one value (the AND form), while a rule's list of
 * peers means "any of them" (the OR form).
 */
export interface IPeer {
  /** A short DNS-safe word naming the peer, used to derive policy names (`frontend`, `kube-system`). */
  readonly nameHint: string;

  /** A human-readable description, e.g. `pods app=frontend in namespace production`. */
  toString(): string;

  /**
   * The `from`/`to` entry this peer renders to in a policy of the given namespace, or undefined when the peer is
   * everyone (the rule then has no `from`/`to` at all).
   *
   * @param policyNamespace the namespace of the policy holding the rule (undefined: the chart's unnamed namespace)
   */
  toPeerModel(policyNamespace?: string): PeerModel | undefined;

  /**
   * The pods this peer stands for when they all live in one namespace, so a policy can select them (used to write
   * the other side of a connection); undefined for address ranges, several namespaces, or everyone.
   */
  toPodSet(): PodSet | undefined;
}

/** The namespace label Kubernetes sets on every namespace (since 1.21), used to select a namespace by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Factories for the peers of NetworkPolicy rules.
 *
 * @example
 * Peer.pods(Selector.labels({ app: 'frontend' }))                    // same namespace as the policy
 * Peer.podsInNamespaces(Selector.labels({ purpose: 'monitoring' }),   // AND: both in one entry
 *                       Selector.labels({ app: 'prometheus' }))
 * Peer.namespaceNamed('kube-system')                                 // every pod of one namespace
 * Peer.ipv4('52.94.0.0/16')                                          // addresses outside the cluster
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
export class Peer {
  /** Pods matching `pods` in the policy's own namespace (`podSelector` alone). */
  public static pods(pods: Selector): IPeer {
    return new PodsPeer(undefined, requireSelector('Peer.pods()', 'pods', pods));
  }

  /**
   * Pods matching `pods` in the namespace named `namespaceName`: one entry holding both selectors (AND), the
   * namespace selected by its `kubernetes.io/metadata.name` label. In a policy of that same namespace it renders
   * as `podSelector` alone, which means the same.
   */
  public static podsInNamespace(namespaceName: string, pods: Selector): IPeer {
    checkNamespace('Peer.podsInNamespace()', namespaceName);
    return new PodsPeer(namespaceName, requireSelector('Peer.podsInNamespace()', 'pods', pods));
  }

  /**
   * Pods matching `pods` in every namespace matching `namespaces`: one entry holding both selectors (AND).
   * @example Peer.podsInNamespaces(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }))
   */
  public static podsInNamespaces(namespaces: Selector, pods: Selector): IPeer {
    const api = 'Peer.podsInNamespaces()';
    return new NamespacesPeer(requireSelector(api, 'namespaces', namespaces), requireSelector(api, 'pods', pods));
  }

  /** Every pod of the namespace named `namespaceName` (`namespaceSelector` on `kubernetes.io/metadata.name`). */
  public static namespaceNamed(namespaceName: string): IPeer {
    checkNamespace('Peer.namespaceNamed()', namespaceName);
    return new NamespacePeer(namespaceName);
  }

  /** Every pod of every namespace matching `namespaces` (`namespaceSelector` alone). */
  public static namespaces(namespaces: Selector): IPeer {
    return new NamespacesPeer(requireSelector('Peer.namespaces()', 'namespaces', namespaces), undefined);
  }

  /** Every pod of the cluster, but no address outside it (`namespaceSelector: {}`). */
  public static allPods(): IPeer {
    return new NamespacesPeer(Selector.all(), undefined);
  }

  /**
   * The pods of a workload (a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job or Pod of any cdk8s-plus version; see
   * `IWorkload`), selected by their own labels, in the workload's namespace.
   */
  public static workload(workload: IWorkload): IPeer {
    return new WorkloadPeer(workload);
  }

  /**
   * An IPv4 range outside the cluster (`ipBlock`), minus the `exceptCidrs` ranges inside it.
   * The whole space `0.0.0.0/0` is only accepted through `Peer.anyIpv4()`.
   * @example Peer.ipv4('52.94.0.0/16')
   */
  public static ipv4(cidr: string, exceptCidrs: string[] = []): IPeer {
    return ipBlock('Peer.ipv4()', 4, cidr, exceptCidrs);
  }

  /** An IPv6 range outside the cluster (`ipBlock`), minus the `exceptCidrs` ranges inside it. */
  public static ipv6(cidr: string, exceptCidrs: string[] = []): IPeer {
    return ipBlock('Peer.ipv6()', 6, cidr, exceptCidrs);
  }

  /** Every IPv4 address (`0.0.0.0/0`), minus `exceptCidrs`: say it explicitly, it is the whole internet. */
  public static anyIpv4(exceptCidrs: string[] = []): IPeer {
    return ipBlock('Peer.anyIpv4()', 4, '0.0.0.0/0', exceptCidrs, true);
  }

  /** Every IPv6 address (`::/0`), minus `exceptCidrs`: say it explicitly, it is the whole internet. */
  public static anyIpv6(exceptCidrs: string[] = []): IPeer {
    return ipBlock('Peer.anyIpv6()', 6, '::/0', exceptCidrs, true);
  }

  /**
   * Everyone: every pod and every address. The rule renders with no `from`/`to`. It cannot be combined with
   * other peers.
   */
  public static anyone(): IPeer {
    return ANYONE;
  }

  private constructor() {}
}

class PodsPeer implements IPeer {
  constructor(private readonly namespaceName: string | undefined, private readonly pods: Selector) {}

  public get selectsWorkload(): boolean {
    return this.pods.workload !== undefined;
  }

  public get nameHint(): string {
    const pods = this.pods.nameHint;
    return this.namespaceName && this.namespaceName !== pods ? `${this.namespaceName}-${pods}` : pods;
  }

  public toString(): string {
    return `pods ${this.pods}${this.namespaceName ? ` in namespace ${this.namespaceName}` : ''}`;
  }

  public toPeerModel(policyNamespace?: string): PeerModel {
    return podsInNamespaceModel(this.namespaceName, policyNamespace, this.pods);
  }

  public toPodSet(): PodSet {
    return { namespaceName: this.namespaceName, pods: this.pods };
  }
}

class WorkloadPeer implements IPeer {
  private readonly pods: Selector;

  constructor(private readonly workload: IWorkload) {
    this.pods = Selector._podsOf(workload, 'Peer.workload()');
  }

  public get nameHint(): string {
    return this.pods.nameHint;
  }

  public toString(): string {
    return `pods of ${this.workload.node.path}`;
  }

  public toPeerModel(policyNamespace?: string): PeerModel {
    return podsInNamespaceModel(this.pods.workloadNamespace, policyNamespace, this.pods);
  }

  public toPodSet(): PodSet {
    return { namespaceName: this.pods.workloadNamespace, pods: this.pods };
  }
}

class NamespacePeer implements IPeer {
  constructor(private readonly namespaceName: string) {}

  public get nameHint(): string {
    return this.namespaceName;
  }

  public toString(): string {
    return `namespace ${this.namespaceName}`;
  }

  public toPeerModel(): PeerModel {
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: this.namespaceName } } };
  }

  public toPodSet(): PodSet {
    return { namespaceName: this.namespaceName, pods: Selector.all() };
  }
}

class NamespacesPeer implements IPeer {
  constructor(private readonly namespaces: Selector, private readonly pods: Selector | undefined) {}

  public get selectsWorkload(): boolean {
    return this.namespaces.workload !== undefined || this.pods?.workload !== undefined;
  }

  public get nameHint(): string {
    if (this.namespaces.isAll && !this.pods) return 'all-pods';
    return this.pods ? `${this.namespaces.nameHint}-${this.pods.nameHint}` : this.namespaces.nameHint;
  }

  public toString(): string {
    const where = this.namespaces.isAll ? 'in all namespaces' : `in namespaces ${this.namespaces}`;
    return this.pods ? `pods ${this.pods} ${where}` : `all pods ${where}`;
  }

  public toPeerModel(): PeerModel {
    return this.pods
      ? { namespaceSelector: this.namespaces.toModel(), podSelector: this.pods.toModel() }
      : { namespaceSelector: this.namespaces.toModel() };
  }

  public toPodSet(): undefined {
    return undefined;
  }
}

class IpBlockPeer implements IPeer {
  constructor(private readonly cidr: string, private readonly exceptCidrs: string[], private readonly family: 4 | 6) {}

  public get nameHint(): string {
    if (this.cidr === '0.0.0.0/0' || this.cidr === '::/0') return `any-ipv${this.family}`;
    return this.cidr.toLowerCase().replace(/[^0-9a-f]+/g, '-').replace(/^-+|-+$/g, '');
  }

  public toString(): string {
    return this.exceptCidrs.length > 0 ? `${this.cidr} except ${this.exceptCidrs.join(', ')}` : this.cidr;
  }

  public toPeerModel(): PeerModel {
    return this.exceptCidrs.length > 0
      ? { ipBlock: { cidr: this.cidr, exceptCidrs: [...this.exceptCidrs] } }
      : { ipBlock: { cidr: this.cidr } };
  }

  public toPodSet(): undefined {
    return undefined;
  }
}

class AnyonePeer implements IPeer {
  public readonly nameHint = 'anyone';

  public toString(): string {
    return 'anyone';
  }

  public toPeerModel(): undefined {
    return undefined;
  }

  public toPodSet(): undefined {
    return undefined;
  }
}

const ANYONE = new AnyonePeer();

function podsInNamespaceModel(namespaceName: string | undefined, policyNamespace: string | undefined, pods: Selector): PeerModel {
  if (namespaceName === undefined || namespaceName === policyNamespace) return { podSelector: pods.toModel() };
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespaceName } },
    podSelector: pods.toModel(),
  };
}

function checkNamespace(api: string, namespaceName: string): void {
  const problem = checkNamespaceName(namespaceName);
  if (problem) fail(ErrorCode.INVALID_NAME, api, `${problem}.`);
}

/**
 * An ipBlock peer, validated: `family` undefined accepts either family.
 * @internal
 */
export function ipBlock(api: string, family: 4 | 6 | undefined, cidr: string, exceptCidrs: string[], anyAddress = false): IPeer {
  const parsed = parseCidr(cidr);
  if (typeof parsed === 'string') fail(ErrorCode.INVALID_CIDR, api, `Invalid ${parsed}`);
  if (family === undefined) family = parsed.family;
  checkFamily(api, family, cidr, parsed);
  if (parsed.address !== parsed.network) {
    fail(ErrorCode.INVALID_CIDR, api, `Invalid CIDR "${cidr}": host bits are set. Did you mean "${formatCidr(parsed)}"?`);
  }
  if (parsed.prefix === 0 && !anyAddress) {
    fail(ErrorCode.INVALID_CIDR, api, `CIDR "${cidr}" is every IPv${family} address. If that is really meant, say Peer.anyIpv${family}(); otherwise list the ranges you depend on.`);
  }
  const seen = new Set<string>();
  const canonicalExcepts: string[] = [];
  for (const except of exceptCidrs) {
    const problem = checkExcept(cidr, except);
    if (problem) fail(ErrorCode.INVALID_EXCEPT, api, `Invalid ${problem}`);
    const canonical = formatCidr(parseCidr(except) as Cidr);
    if (seen.has(canonical)) {
      fail(ErrorCode.INVALID_EXCEPT, api, `except "${except}" is listed twice${canonical === except ? '' : ` (as ${canonical})`}.`);
    }
    seen.add(canonical);
    canonicalExcepts.push(canonical);
  }
  return new IpBlockPeer(formatCidr(parsed), canonicalExcepts, family);
}

function checkFamily(api: string, family: 4 | 6, text: string, parsed: Cidr): void {
  if (parsed.family !== family) {
    const other = family === 4 ? 'Peer.ipv6()' : 'Peer.ipv4()';
    fail(ErrorCode.INVALID_CIDR, api, `"${text}" is an IPv${parsed.family} range; ${api} takes IPv${family} (/0 to /${familyBits(family)}). Use ${other} for it.`);
  }
}

/**
 * Whether the peer renders the same model at every call: this library's peers, unless they read a workload's labels
 * (which may still change before synth). User-defined peers are assumed dynamic.
 * @internal
 */
export function isFixedPeer(peer: IPeer): boolean {
  if (peer instanceof PodsPeer) return !peer.selectsWorkload;
  if (peer instanceof NamespacesPeer) return !peer.selectsWorkload;
  return peer instanceof NamespacePeer || peer instanceof IpBlockPeer || peer instanceof AnyonePeer;
}

function requireSelector(api: string, what: string, selector: Selector): Selector {
  return requireValue(api, what, selector, s => s instanceof Selector, 'a Selector, e.g. Selector.labels({ app: "api" }) or Selector.all()');
}

/**
 * Whether a value is a peer: a `Peer` factory's value or any object implementing `IPeer`.
 * @internal
 */
export function isPeer(value: unknown): value is IPeer {
  return typeof value === 'object' && value !== null && typeof (value as IPeer).toPeerModel === 'function';
}
