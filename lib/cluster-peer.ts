import { ErrorCode, fail, requireArray, requireValue } from './errors';
import { formatCidr, parseCidr } from './model/cidr';
import { ClusterPolicyPeerModel, ClusterPolicySubjectModel } from './model/cluster-policy';
import { SelectorModel } from './model/types';
import { checkNamespaceName } from './model/validation';
import { NAMESPACE_NAME_LABEL } from './peer';
import { Selector } from './selector';

/** The most CIDRs one `networks` peer may list (the CRDs' maxItems). */
const MAX_NETWORKS = 25;

/**
 * The pods a `ClusterNetworkPolicy` applies to (`spec.subject`): every pod of some namespaces, or some pods of some
 * namespaces. Pods with `hostNetwork: true` are never selected.
 *
 * @example
 * ClusterSubject.namespaces(Selector.labels({ tenant: 'shop' }))
 * ClusterSubject.pods(Selector.all(), Selector.labels({ app: 'api' }))   // api pods of every namespace
 * @see https://network-policy-api.sigs.k8s.io/api-overview/
 */
export class ClusterSubject {
  /** Every pod of every namespace `namespaces` matches (`subject.namespaces`); `Selector.all()` for every namespace. */
  public static namespaces(namespaces: Selector): ClusterSubject {
    const selector = requireSelector('ClusterSubject.namespaces()', 'namespaces', namespaces);
    return new ClusterSubject(`namespaces ${selector}`, () => ({ namespaces: selector.toModel() }));
  }

  /** Every pod of the namespace named `namespaceName` (by its `kubernetes.io/metadata.name` label). */
  public static namespaceNamed(namespaceName: string): ClusterSubject {
    checkNamespace('ClusterSubject.namespaceNamed()', namespaceName);
    return new ClusterSubject(`namespace ${namespaceName}`, () => ({ namespaces: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespaceName } } }));
  }

  /**
   * The pods `pods` matches in the namespaces `namespaces` matches (`subject.pods`): both selectors in one value
   * (AND).
   */
  public static pods(namespaces: Selector, pods: Selector): ClusterSubject {
    const api = 'ClusterSubject.pods()';
    const ns = requireSelector(api, 'namespaces', namespaces);
    const p = requireSelector(api, 'pods', pods);
    return new ClusterSubject(`pods ${p} in namespaces ${ns}`, () => ({ pods: { namespaceSelector: ns.toModel(), podSelector: p.toModel() } }));
  }

  private readonly description: string;
  private readonly model: () => ClusterPolicySubjectModel;

  private constructor(description: string, model: () => ClusterPolicySubjectModel) {
    this.description = description;
    this.model = model;
  }

  /** The `spec.subject` this renders to (selectors of workloads are read now). */
  public toModel(): ClusterPolicySubjectModel {
    return this.model();
  }

  /** e.g. `namespaces tenant=shop`, `pods app=api in namespaces all`. */
  public toString(): string {
    return this.description;
  }
}

/**
 * One entry of a `ClusterNetworkPolicy` rule's `from` or `to` list. A rule's peers are ORed; each value renders to
 * exactly one entry, so "prometheus pods in monitoring namespaces" is the single value `ClusterPeer.pods(...)` (the
 * AND form), never two peers.
 *
 * Ingress rules take `namespaces` and `pods` peers; egress rules also take `networks` and `nodes`.
 *
 * @example
 * ClusterPeer.pods(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }))  // AND
 * ClusterPeer.namespaceNamed('kube-system')
 * ClusterPeer.networks(['169.254.169.254/32'])
 * @see https://network-policy-api.sigs.k8s.io/api-overview/
 */
export class ClusterPeer {
  /** Every pod of every namespace `namespaces` matches (`namespaces`); `Selector.all()` for every pod of the cluster. */
  public static namespaces(namespaces: Selector): ClusterPeer {
    const selector = requireSelector('ClusterPeer.namespaces()', 'namespaces', namespaces);
    return new ClusterPeer(selector.isAll ? 'every pod' : `namespaces ${selector}`, false, () => ({ namespaces: selector.toModel() }));
  }

  /** Every pod of the namespace named `namespaceName` (`namespaces` on its `kubernetes.io/metadata.name` label). */
  public static namespaceNamed(namespaceName: string): ClusterPeer {
    checkNamespace('ClusterPeer.namespaceNamed()', namespaceName);
    return new ClusterPeer(`namespace ${namespaceName}`, false, () => ({ namespaces: byName(namespaceName) }));
  }

  /**
   * The pods `pods` matches in the namespaces `namespaces` matches (`pods`): both selectors in one entry (AND).
   * @example ClusterPeer.pods(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }))
   */
  public static pods(namespaces: Selector, pods: Selector): ClusterPeer {
    const api = 'ClusterPeer.pods()';
    const ns = requireSelector(api, 'namespaces', namespaces);
    const p = requireSelector(api, 'pods', pods);
    return new ClusterPeer(`pods ${p} in ${ns.isAll ? 'every namespace' : `namespaces ${ns}`}`, false,
      () => ({ pods: { namespaceSelector: ns.toModel(), podSelector: p.toModel() } }));
  }

  /** The pods `pods` matches in the namespace named `namespaceName` (one `pods` entry). */
  public static podsInNamespace(namespaceName: string, pods: Selector): ClusterPeer {
    const api = 'ClusterPeer.podsInNamespace()';
    checkNamespace(api, namespaceName);
    const p = requireSelector(api, 'pods', pods);
    return new ClusterPeer(`pods ${p} in namespace ${namespaceName}`, false, () => ({ pods: { namespaceSelector: byName(namespaceName), podSelector: p.toModel() } }));
  }

  /**
   * Address ranges (`networks`, egress only): 1 to 25 IPv4 or IPv6 CIDRs, without host bits. The API matches them
   * against pod addresses too, so a range that holds pod IPs also matches those pods. `0.0.0.0/0` and `::/0` are
   * accepted only through `ClusterPeer.allNetworks()`.
   * @example ClusterPeer.networks(['169.254.169.254/32'])
   */
  public static networks(cidrs: string[]): ClusterPeer {
    const api = 'ClusterPeer.networks()';
    requireArray(api, 'cidrs', cidrs, c => typeof c === 'string', '"10.0.0.0/8"');
    if (cidrs.length === 0 || cidrs.length > MAX_NETWORKS) {
      fail(ErrorCode.INVALID_PEER, api, `cidrs lists ${cidrs.length} ranges; a networks peer holds 1 to ${MAX_NETWORKS}. ${cidrs.length === 0 ? 'Give at least one, e.g. ["10.0.0.0/8"].' : 'Split them over several peers.'}`);
    }
    const canonical: string[] = [];
    for (const cidr of cidrs) {
      const parsed = parseCidr(cidr);
      if (typeof parsed === 'string') fail(ErrorCode.INVALID_CIDR, api, `Invalid ${parsed}`);
      if (parsed.address !== parsed.network) fail(ErrorCode.INVALID_CIDR, api, `Invalid CIDR "${cidr}": host bits are set. Did you mean "${formatCidr(parsed)}"?`);
      if (parsed.prefix === 0) {
        fail(ErrorCode.INVALID_CIDR, api, `CIDR "${cidr}" is every IPv${parsed.family} address. If every address is meant, say ClusterPeer.allNetworks(); otherwise list the ranges.`);
      }
      const text = formatCidr(parsed);
      if (canonical.includes(text)) fail(ErrorCode.INVALID_CIDR, api, `"${cidr}" is listed twice${text === cidr ? '' : ` (as ${text})`}; networks is a set.`);
      canonical.push(text);
    }
    return new ClusterPeer(`networks ${canonical.join(', ')}`, true, () => ({ networks: [...canonical] }));
  }

  /**
   * Every address, IPv4 and IPv6 (`networks: [0.0.0.0/0, ::/0]`, egress only): the whole internet, and, as the API
   * matches networks against pod addresses too, every pod. Meant for the last, catch-all rule of a policy.
   */
  public static allNetworks(): ClusterPeer {
    return new ClusterPeer('every address', true, () => ({ networks: ['0.0.0.0/0', '::/0'] }));
  }

  /**
   * The nodes `nodes` matches, by their addresses (`nodes`, egress only; the API's experimental channel). The
   * analysis does not model node addresses: its answers leave such rules out.
   */
  public static nodes(nodes: Selector): ClusterPeer {
    const selector = requireSelector('ClusterPeer.nodes()', 'nodes', nodes);
    return new ClusterPeer(selector.isAll ? 'every node' : `nodes ${selector}`, true, () => ({ nodes: selector.toModel() }));
  }

  /** Whether the peer may only be used in egress rules (`networks`, `nodes`). */
  public readonly egressOnly: boolean;
  private readonly description: string;
  private readonly model: () => ClusterPolicyPeerModel;

  private constructor(description: string, egressOnly: boolean, model: () => ClusterPolicyPeerModel) {
    this.description = description;
    this.egressOnly = egressOnly;
    this.model = model;
  }

  /** The `from`/`to` entry this peer renders to (selectors of workloads are read now). */
  public toModel(): ClusterPolicyPeerModel {
    return this.model();
  }

  /** e.g. `pods app=prometheus in namespaces purpose=monitoring`, `networks 169.254.169.254/32`. */
  public toString(): string {
    return this.description;
  }
}

function byName(namespaceName: string): SelectorModel {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespaceName } };
}

function checkNamespace(api: string, namespaceName: string): void {
  const problem = checkNamespaceName(namespaceName);
  if (problem) fail(ErrorCode.INVALID_NAME, api, `${problem}.`);
}

function requireSelector(api: string, what: string, selector: Selector): Selector {
  return requireValue(api, what, selector, s => s instanceof Selector, 'a Selector, e.g. Selector.labels({ app: "api" }) or Selector.all()');
}
