import { Construct } from 'constructs';
import { ErrorCode, fail, requireArray } from './errors';
import { checkPolicyProps, NetworkPolicy, NetworkPolicyOptions } from './network-policy';
import { IPeer, ipBlock, isPeer } from './peer';
import { Port } from './port';
import { Selector } from './selector';

/** Props of `AllowFrom`. */
export interface AllowFromProps extends NetworkPolicyOptions {
  /** The pods that receive the traffic; say `Selector.all()` for every pod of the namespace. */
  readonly pods: Selector;
  /** Who may connect: any of these (OR). Say `[Peer.anyone()]` for everyone. */
  readonly peers: IPeer[];
  /** On which ports: any of these. Say `[Port.allTraffic()]` for every port. */
  readonly ports: Port[];
}

/**
 * Allows ingress to the selected pods from any of the peers on any of the ports (one ingress rule; more with
 * `addIngressRule()`).
 *
 * If the peers are pods whose egress is isolated too, they also need an egress rule: `AllowConnection` writes both.
 *
 * Default name: `<pods>-allow-from-<peers>`, e.g. `api-allow-from-frontend`.
 *
 * @example
 * new AllowFrom(chart, 'api-ingress', {
 *   pods: Selector.labels({ app: 'api' }),
 *   peers: [Peer.pods(Selector.labels({ app: 'frontend' }))],
 *   ports: [Port.tcp(8080)],
 * });
 */
export class AllowFrom extends NetworkPolicy {
  constructor(scope: Construct, id: string, props: AllowFromProps) {
    checkRuleProps(`new AllowFrom(${JSON.stringify(id)})`, props);
    super(scope, id, {
      ...props,
      name: props.name ?? derivedName(props.pods, 'allow-from', props.peers),
      ingress: [{ peers: props.peers, ports: props.ports }],
    });
  }
}

/** Props of `AllowTo`. */
export interface AllowToProps extends NetworkPolicyOptions {
  /** The pods that open the connections; say `Selector.all()` for every pod of the namespace. */
  readonly pods: Selector;
  /** Where to: any of these (OR). Say `[Peer.anyone()]` for everywhere. */
  readonly peers: IPeer[];
  /** On which ports: any of these. Say `[Port.allTraffic()]` for every port. */
  readonly ports: Port[];
}

/**
 * Allows egress from the selected pods to any of the peers on any of the ports (one egress rule; more with
 * `addEgressRule()`).
 *
 * Default name: `<pods>-allow-to-<peers>`, e.g. `api-allow-to-postgres`.
 */
export class AllowTo extends NetworkPolicy {
  constructor(scope: Construct, id: string, props: AllowToProps) {
    checkRuleProps(`new AllowTo(${JSON.stringify(id)})`, props);
    super(scope, id, {
      ...props,
      name: props.name ?? derivedName(props.pods, 'allow-to', props.peers),
      egress: [{ peers: props.peers, ports: props.ports }],
    });
  }
}

/** Props of `AllowEgressCidr`. */
export interface AllowEgressCidrProps extends NetworkPolicyOptions {
  /** The pods that open the connections; say `Selector.all()` for every pod of the namespace. */
  readonly pods: Selector;
  /**
   * The address ranges outside the cluster, IPv4 or IPv6 (`52.94.0.0/16`). The whole space (`/0`) is refused:
   * use `AllowTo` with `Peer.anyIpv4()` to say that explicitly.
   */
  readonly cidrs: string[];
  /** On which ports: explicit ports only. */
  readonly ports: Port[];
}

/**
 * Allows egress from the selected pods to explicit address ranges on explicit ports: the known external
 * dependencies, rather than `0.0.0.0/0`.
 *
 * Default name: `<pods>-allow-egress-<first cidr>`, e.g. `api-allow-egress-52-94-0-0-16`.
 *
 * @example
 * new AllowEgressCidr(chart, 'aws', { pods: Selector.labels({ app: 'api' }), cidrs: ['52.94.0.0/16'], ports: [Port.HTTPS] });
 */
export class AllowEgressCidr extends NetworkPolicy {
  constructor(scope: Construct, id: string, props: AllowEgressCidrProps) {
    const api = `new AllowEgressCidr(${JSON.stringify(id)})`;
    checkPolicyProps(api, props);
    requireArray(api, 'cidrs', props.cidrs, c => typeof c === 'string', '"52.94.0.0/16"');
    requireArray(api, 'ports', props.ports, p => p instanceof Port, 'Port.HTTPS');
    if (props.cidrs.length === 0) {
      fail(ErrorCode.INVALID_PEERS, api, 'cidrs is empty. List the address ranges the pods may reach, e.g. ["52.94.0.0/16"].');
    }
    if (props.ports.some(p => p.isAllTraffic)) {
      fail(ErrorCode.INVALID_PORTS, api, 'ports may not be Port.allTraffic(): name the ports the external service listens on (e.g. [Port.HTTPS]).');
    }
    const peers = props.cidrs.map(cidr => ipBlock(api, undefined, cidr, []));
    const texts = peers.map(p => p.toString());
    const repeated = texts.find((t, i) => texts.indexOf(t) !== i);
    if (repeated !== undefined) {
      fail(ErrorCode.INVALID_PEERS, api, `cidrs lists ${repeated} more than once (${JSON.stringify(props.cidrs)}); list each range once.`);
    }
    super(scope, id, {
      ...props,
      name: props.name ?? derivedName(props.pods, 'allow-egress', peers),
      egress: [{ peers, ports: props.ports }],
    });
  }
}

/**
 * `<pods>-<verb>-<peer>-<peer>...`, or `<verb>-<peers>` when every pod is selected.
 * @internal
 */
export function derivedName(pods: Selector, verb: string, peers: IPeer[]): string {
  const subject = pods.isAll ? verb : `${pods.nameHint}-${verb}`;
  return [subject, ...peers.map(p => p.nameHint)].join('-');
}

/** Checks the props of a one-rule policy for untyped callers: pods, peers and ports (derivedName reads them first). */
function checkRuleProps(api: string, props: { readonly pods: Selector; readonly peers: IPeer[]; readonly ports: Port[] }): void {
  checkPolicyProps(api, props);
  requireArray(api, 'peers', props.peers, isPeer, 'Peer.pods(Selector.labels({ app: "frontend" }))');
  requireArray(api, 'ports', props.ports, p => p instanceof Port, 'Port.tcp(8080)');
}
