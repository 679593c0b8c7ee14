import { Construct } from 'constructs';
import { ErrorCode, fail, requireObject } from './errors';
import { checkPortNumber } from './model/validation';
import { NetworkPolicy, NetworkPolicyOptions } from './network-policy';
import { IPeer, Peer, ipBlock } from './peer';
import { Port } from './port';
import { Selector } from './selector';

/** Where DNS answers come from, for `DnsAccess` and `IsolatedNamespace`. */
export interface DnsAccessOptions {
  /**
   * The namespace of the cluster DNS.
   * @default 'kube-system'
   */
  readonly dnsNamespace?: string;
  /**
   * Narrow DNS traffic to these pods of the DNS namespace (one AND peer), e.g. `DnsAccess.KUBE_DNS_PODS`.
   * @default - any pod of the DNS namespace
   */
  readonly dnsPods?: Selector;
  /**
   * The port the DNS pods listen on, allowed over UDP and TCP. NetworkPolicies see the pod's port, not the Service's:
   * on OpenShift it is 5353 (or use `ClusterDns.OPENSHIFT.accessOptions()`).
   * @default 53
   */
  readonly dnsPort?: number;
  /**
   * The address of a NodeLocal DNSCache (e.g. `169.254.20.10`), allowed as well.
   * @default - no node-local cache
   * @see https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
   */
  readonly nodeLocalDnsAddress?: string;
}

/** Props of `DnsAccess`. */
export interface DnsAccessProps extends NetworkPolicyOptions, DnsAccessOptions {
  /**
   * The pods that may resolve names.
   * @default Selector.all() - every pod of the namespace
   */
  readonly pods?: Selector;
}

/**
 * Allows egress to the cluster DNS on UDP and TCP port 53 (or `dnsPort`), to the DNS namespace only (kube-system by
 * `kubernetes.io/metadata.name`, or `dnsNamespace`), so pods under a default deny can still resolve names, and only
 * against the cluster's resolvers. TCP is included because answers larger than a datagram fall back to TCP. For
 * OpenShift and other layouts, pass `ClusterDns.OPENSHIFT.accessOptions()` or your own `ClusterDns`.
 *
 * Default name: `allow-dns` (for every pod), else `<pods>-allow-dns`.
 *
 * @example new DnsAccess(chart, 'dns', { namespaceName: 'production', dnsPods: DnsAccess.KUBE_DNS_PODS })
 */
export class DnsAccess extends NetworkPolicy {
  /** The pods of CoreDNS / kube-dns in kube-system, by their conventional `k8s-app: kube-dns` label. */
  public static readonly KUBE_DNS_PODS = Selector.labels({ 'k8s-app': 'kube-dns' });

  constructor(scope: Construct, id: string, props: DnsAccessProps = {}) {
    requireObject(`new DnsAccess(${JSON.stringify(id)})`, 'the props', props, '{ dnsPods: DnsAccess.KUBE_DNS_PODS }, or nothing');
    const pods = props.pods ?? Selector.all();
    super(scope, id, {
      ...props,
      name: props.name ?? (pods.isAll ? 'allow-dns' : `${pods.nameHint}-allow-dns`),
      pods,
      egress: [{ peers: dnsPeers(`new DnsAccess(${JSON.stringify(id)})`, props), ports: dnsPorts(`new DnsAccess(${JSON.stringify(id)})`, props) }],
    });
  }
}

/**
 * The ports DNS answers on: UDP and TCP 53, or `dnsPort`.
 * @internal
 */
export function dnsPorts(api: string, options: DnsAccessOptions): Port[] {
  const port = options.dnsPort ?? 53;
  if (port === 53) return [Port.DNS_UDP, Port.DNS_TCP];
  const problem = typeof port === 'number' ? checkPortNumber(port) : 'it must be a number';
  if (problem) fail(ErrorCode.INVALID_PORT, api, `dnsPort ${JSON.stringify(port)}: ${problem}; the DNS pods' port is usually 53 (5353 on OpenShift).`);
  return [Port.udp(port), Port.tcp(port)];
}

/**
 * The peers that answer DNS queries.
 * @internal
 */
export function dnsPeers(api: string, options: DnsAccessOptions): IPeer[] {
  const namespaceName = options.dnsNamespace ?? 'kube-system';
  const peers = [options.dnsPods ? Peer.podsInNamespace(namespaceName, options.dnsPods) : Peer.namespaceNamed(namespaceName)];
  if (options.nodeLocalDnsAddress !== undefined) {
    const address = options.nodeLocalDnsAddress;
    peers.push(ipBlock(`${api} nodeLocalDnsAddress`, undefined, address.includes(':') ? `${address}/128` : `${address}/32`, []));
  }
  return peers;
}
