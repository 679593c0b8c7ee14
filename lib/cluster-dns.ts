import type { DnsAccessOptions } from './dns-access';
import { ErrorCode, fail, requireObject } from './errors';
import { checkLabelKey, checkLabelValue, checkNamespaceName, checkPortNumber } from './model/validation';
import { DnsServer } from './rules/context';
import { Selector } from './selector';

/** Props of `ClusterDns.of()`. */
export interface ClusterDnsProps {
  /** The namespace the DNS pods run in. */
  readonly namespaceName: string;
  /**
   * The labels of the DNS pods.
   * @default - { 'k8s-app': 'kube-dns' }, the label CoreDNS and kube-dns carry
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * The port the DNS pods listen on, over UDP and TCP. NetworkPolicies see the pod's port, not the Service's: where
   * the DNS Service maps 53 to another port (OpenShift: 5353), give that one.
   * @default 53
   */
  readonly port?: number;
}

/**
 * Where the cluster DNS server runs: its namespace, its pods' labels and the port they listen on. The checker looks
 * for it to tell whether isolated pods can still resolve names (NP004, NP005, NP006), and `accessOptions()` gives the
 * `DnsAccess` / `IsolatedNamespace` options that allow exactly it.
 *
 * @example Checker.configure(app, { dns: ClusterDns.OPENSHIFT })
 * @example new IsolatedNamespace(chart, 'shop', { namespaceName: 'shop', dns: ClusterDns.OPENSHIFT.accessOptions() })
 */
export class ClusterDns {
  /**
   * Upstream Kubernetes and the distributions that keep its layout (EKS, GKE, AKS, k3s, RKE2, kind, minikube):
   * CoreDNS or kube-dns in kube-system, labelled `k8s-app: kube-dns`, on port 53.
   */
  public static readonly KUBERNETES = new ClusterDns('kubernetes', 'kube-system', { 'k8s-app': 'kube-dns' }, 53);

  /**
   * OpenShift 4: the DNS operator's CoreDNS pods in openshift-dns, labelled `dns.operator.openshift.io/daemonset-dns:
   * default`, listening on 5353 (the `dns-default` Service maps 53 to 5353).
   */
  public static readonly OPENSHIFT = new ClusterDns('openshift', 'openshift-dns', { 'dns.operator.openshift.io/daemonset-dns': 'default' }, 5353);

  /** The names `ClusterDns.preset()` takes (`kubernetes`, `openshift`). */
  public static get presetNames(): string[] {
    return PRESETS.map(p => p.presetName!);
  }

  /** A preset by name, as the CLI's `--dns` and the cdk8s.yaml plugin's `dns` property name them. */
  public static preset(name: string): ClusterDns {
    const found = PRESETS.find(p => p.presetName === name);
    if (!found) {
      fail(ErrorCode.INVALID_VALUE, 'ClusterDns.preset()', `${JSON.stringify(name)} is not a preset; use one of ${ClusterDns.presetNames.join(', ')}, `
        + 'or ClusterDns.of({ namespaceName, podLabels, port }) for another DNS server.');
    }
    return found;
  }

  /** A DNS server of your own, e.g. `ClusterDns.of({ namespaceName: 'coredns', podLabels: { app: 'coredns' } })`. */
  public static of(props: ClusterDnsProps): ClusterDns {
    const api = 'ClusterDns.of()';
    requireObject(api, 'the props', props, "{ namespaceName: 'coredns', podLabels: { app: 'coredns' }, port: 53 }");
    const namespaceProblem = typeof props.namespaceName === 'string' ? checkNamespaceName(props.namespaceName) : 'it must be a string';
    if (namespaceProblem) fail(ErrorCode.INVALID_NAME, api, `namespaceName ${JSON.stringify(props.namespaceName)}: ${namespaceProblem}.`);
    const podLabels = props.podLabels ?? { 'k8s-app': 'kube-dns' };
    requireObject(api, 'podLabels', podLabels, "{ 'k8s-app': 'kube-dns' }");
    if (Object.keys(podLabels).length === 0) {
      fail(ErrorCode.INVALID_VALUE, api, 'podLabels is empty; give the labels of the DNS pods (not every pod of their namespace is a DNS server), e.g. { \'k8s-app\': \'kube-dns\' }.');
    }
    for (const [key, value] of Object.entries(podLabels)) {
      const keyProblem = checkLabelKey(key);
      if (keyProblem) fail(ErrorCode.INVALID_LABEL_KEY, api, `podLabels key ${JSON.stringify(key)}: ${keyProblem}.`);
      const valueProblem = typeof value === 'string' ? checkLabelValue(value) : 'it must be a string';
      if (valueProblem) fail(ErrorCode.INVALID_LABEL_VALUE, api, `podLabels[${JSON.stringify(key)}] ${JSON.stringify(value)}: ${valueProblem}.`);
    }
    const port = props.port ?? 53;
    const portProblem = typeof port === 'number' ? checkPortNumber(port) : 'it must be a number';
    if (portProblem) fail(ErrorCode.INVALID_PORT, api, `port ${JSON.stringify(port)}: ${portProblem}.`);
    return new ClusterDns(undefined, props.namespaceName, { ...podLabels }, port);
  }

  /** The namespace the DNS pods run in. */
  public readonly namespaceName: string;
  /** The labels of the DNS pods. */
  public readonly podLabels: { [key: string]: string };
  /** The port the DNS pods listen on, over UDP and TCP. */
  public readonly port: number;
  /** The preset's name, if a preset. */
  public readonly presetName?: string;

  private constructor(presetName: string | undefined, namespaceName: string, podLabels: { [key: string]: string }, port: number) {
    this.presetName = presetName;
    this.namespaceName = namespaceName;
    this.podLabels = podLabels;
    this.port = port;
  }

  /** The options of `DnsAccess` and `IsolatedNamespace` (`dns`) that allow egress to exactly this DNS server. */
  public accessOptions(): DnsAccessOptions {
    return { dnsNamespace: this.namespaceName, dnsPods: Selector.labels(this.podLabels), dnsPort: this.port };
  }

  /**
   * The plain data the rules read.
   * @internal
   */
  public _toServer(): DnsServer {
    return { namespace: this.namespaceName, podLabels: this.podLabels, port: this.port };
  }
}

const PRESETS: ClusterDns[] = [ClusterDns.KUBERNETES, ClusterDns.OPENSHIFT];
