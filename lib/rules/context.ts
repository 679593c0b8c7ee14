/**
 * What rules see: the cluster model, its analysis, and a second analysis in which namespaces without workloads are
 * populated with the pods the policies talk about ("imagined" pods), plus a DNS server if the input has none.
 *
 * Why imagined pods: policies are often linted without their workloads (a policy-only chart, the field guide's
 * snippets). Rules about whole connections (DNS reachability, one-sided connections) then reason about the pods the
 * policies' own selectors describe: one pod per distinct pod selector of the namespace's policies and of the peers
 * that name the namespace (no namespaceSelector, or one on `kubernetes.io/metadata.name`). Namespaces that do have
 * workloads in the input are never given imagined pods: real workloads are the truth there. The one exception is the
 * cluster DNS server (`DnsServer`), imagined in its namespace whenever the input lacks its pods.
 */
import { Analysis, CompiledPolicy, DEFAULT_NAMESPACE, NAMESPACE_NAME_LABEL, selectorKey, WorkloadClass } from '../analysis';
import { ClusterModel, LabelOperator, PolicyModel, Protocol, RuleModel, SelectorModel, SourceModel, WorkloadModel } from '../model/types';

/** The namespace of the cluster DNS server of upstream Kubernetes. */
export const DNS_NAMESPACE = 'kube-system';
/** The pod labels of the cluster DNS server of upstream Kubernetes (CoreDNS and kube-dns both carry it). */
export const DNS_POD_LABELS: { readonly [key: string]: string } = { 'k8s-app': 'kube-dns' };

/**
 * Where the cluster DNS server runs, as the rules look for it: pods with these labels in this namespace, answering on
 * this port over UDP and TCP (the port the pods listen on, which is what NetworkPolicies see, not the Service's).
 * `ClusterDns` has presets for the common distributions.
 */
export interface DnsServer {
  /** The namespace of the DNS pods. */
  readonly namespace: string;
  /** The labels of the DNS pods. */
  readonly podLabels: { readonly [key: string]: string };
  /** The port the DNS pods listen on, UDP and TCP. */
  readonly port: number;
}

/** The DNS server of upstream Kubernetes and most distributions: CoreDNS / kube-dns in kube-system on port 53. */
export const KUBERNETES_DNS: DnsServer = { namespace: DNS_NAMESPACE, podLabels: DNS_POD_LABELS, port: 53 };
/** Namespaces owned by the cluster's operators, not by the app; namespace-level rules skip them. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** The workload kind given to imagined pods. */
export const IMAGINED_KIND = 'Imagined';

/** The labels a pod needs to satisfy a selector (one representative; NotIn/DoesNotExist keys are left out). */
export function representativeLabels(selector: SelectorModel): { [key: string]: string } {
  const labels: { [key: string]: string } = { ...(selector.matchLabels ?? {}) };
  for (const e of selector.matchExpressions ?? []) {
    if (e.key in labels) continue;
    if (e.op === LabelOperator.IN && e.values && e.values.length > 0) labels[e.key] = e.values[0];
    else if (e.op === LabelOperator.EXISTS) labels[e.key] = 'any';
  }
  return labels;
}

/** The namespace a peer's namespaceSelector names by `kubernetes.io/metadata.name`, if it names exactly one. */
export function namespaceNamedBy(selector: SelectorModel): string | undefined {
  const byLabel = selector.matchLabels?.[NAMESPACE_NAME_LABEL];
  if (byLabel !== undefined) return byLabel;
  const expr = (selector.matchExpressions ?? []).find(e => e.key === NAMESPACE_NAME_LABEL && e.op === LabelOperator.IN && e.values?.length === 1);
  return expr?.values?.[0];
}

/** The context a rule's `check` gets. Built once per `lint()`; everything derived is computed lazily and cached. */
export class RuleContext {
  /** The analysis of the cluster as given. */
  public readonly analysis: Analysis;
  /** The ids of every registered rule (for validating suppressions). */
  public readonly knownRuleIds: ReadonlySet<string>;
  /** Where the cluster DNS server runs. */
  public readonly dns: DnsServer;

  private imaginedCache?: { analysis: Analysis; imagined: Set<WorkloadModel>; dns: WorkloadClass[] };
  private policiesByNamespace?: Map<string, CompiledPolicy[]>;
  /** Per namespace, where `namespaceSource` finds it (built on first use). */
  private sources?: Map<string, SourceModel>;

  constructor(
    /** The cluster model. */
    public readonly cluster: ClusterModel,
    options: { analysis?: Analysis; knownRuleIds?: Iterable<string>; dns?: DnsServer } = {},
  ) {
    this.analysis = options.analysis ?? Analysis.of(cluster);
    this.knownRuleIds = new Set(options.knownRuleIds ?? []);
    this.dns = options.dns ?? KUBERNETES_DNS;
  }

  /** The compiled policies (cluster order). */
  public get policies(): readonly CompiledPolicy[] {
    return this.analysis.engine.policies;
  }

  /** The compiled policies of a namespace (cluster order). */
  public policiesIn(namespace: string): readonly CompiledPolicy[] {
    if (!this.policiesByNamespace) {
      this.policiesByNamespace = new Map();
      for (const p of this.policies) {
        const list = this.policiesByNamespace.get(p.namespace) ?? [];
        list.push(p);
        this.policiesByNamespace.set(p.namespace, list);
      }
    }
    return this.policiesByNamespace.get(namespace) ?? [];
  }

  /** Whether the input holds at least one workload of the namespace (every workload is in a class of its namespace). */
  public hasWorkloads(namespace: string): boolean {
    return this.analysis.engine._classesIn(namespace).length > 0;
  }

  /** The workload classes of a namespace in the real analysis. */
  public classesIn(namespace: string): WorkloadClass[] {
    const classes = this.analysis.engine._classesIn(namespace);
    return classes.length > 0 ? classes as WorkloadClass[] : [];
  }

  /** The workload classes of a namespace in the imagined analysis. */
  public imaginedClassesIn(namespace: string): WorkloadClass[] {
    const classes = this.imagined.engine._classesIn(namespace);
    return classes.length > 0 ? classes as WorkloadClass[] : [];
  }

  /**
   * Where a namespace is defined: its own manifest if declared, else the first policy or workload that uses it (so
   * every finding carries a file and document index or a construct path).
   */
  public namespaceSource(namespace: string): SourceModel {
    if (!this.sources) {
      // For every namespace at once: the first declaration with a location, else the first policy with one, else the
      // first workload with one, else the first declaration's source.
      const sources = new Map<string, SourceModel>();
      const declared = new Map<string, SourceModel | undefined>();
      for (const n of this.cluster.namespaces) {
        if (!declared.has(n.name)) declared.set(n.name, n.source);
      }
      for (const [name, source] of declared) if (source && hasLocation(source)) sources.set(name, source);
      const located = (name: string, source: SourceModel | undefined) => {
        if (source && hasLocation(source) && !sources.has(name)) sources.set(name, source);
      };
      for (const p of this.cluster.policies) located(p.namespaceName ?? DEFAULT_NAMESPACE, p.source);
      for (const w of this.cluster.workloads) located(w.namespaceName, w.source);
      for (const [name, source] of declared) if (!sources.has(name)) sources.set(name, source ?? {});
      this.sources = sources;
    }
    return this.sources.get(namespace) ?? {};
  }

  /**
   * The analysis with imagined pods (see the module doc) and, unless the input has a pod of the DNS server (`dns`:
   * by default labelled `k8s-app=kube-dns` in kube-system), an imagined DNS server there with CoreDNS's named ports.
   * When nothing needs imagining, it is the real analysis.
   */
  public get imagined(): Analysis {
    return this.buildImagined().analysis;
  }

  /** The DNS server classes of the imagined analysis (never empty). */
  public get dnsClasses(): readonly WorkloadClass[] {
    return this.buildImagined().dns;
  }

  /** Whether a workload of the imagined analysis was imagined (not in the input). */
  public isImagined(workload: WorkloadModel): boolean {
    return this.buildImagined().imagined.has(workload);
  }

  private buildImagined(): { analysis: Analysis; imagined: Set<WorkloadModel>; dns: WorkloadClass[] } {
    if (this.imaginedCache) return this.imaginedCache;
    const imagined = new Set<WorkloadModel>();
    const added: WorkloadModel[] = [];
    // The selector keys imagined so far, per namespace.
    const seen = new Map<string, Set<string>>();
    const imagineServer = (namespace: string, selector: SelectorModel, ports?: WorkloadModel['ports']) => {
      const name = selectorKey(selector);
      let names = seen.get(namespace);
      if (!names) {
        names = new Set();
        seen.set(namespace, names);
      } else if (names.has(name)) {
        return;
      }
      names.add(name);
      const w: WorkloadModel = ports
        ? { kind: IMAGINED_KIND, name, namespaceName: namespace, podLabels: representativeLabels(selector), ports }
        : { kind: IMAGINED_KIND, name, namespaceName: namespace, podLabels: representativeLabels(selector) };
      imagined.add(w);
      added.push(w);
    };
    // Real workloads are the truth where there are any; the DNS server is imagined even there when the input lacks it.
    const imagine = (namespace: string, selector: SelectorModel) => {
      if (!this.hasWorkloads(namespace)) imagineServer(namespace, selector);
    };
    const imaginePeers = (namespace: string, rules: RuleModel[] | undefined) => {
      if (!rules) return;
      for (const rule of rules) {
        if (!rule.peers) continue;
        for (const peer of rule.peers) {
          if (peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) continue;
          const target = peer.namespaceSelector ? namespaceNamedBy(peer.namespaceSelector) : namespace;
          if (target !== undefined) imagine(target, peer.podSelector ?? {});
        }
      }
    };
    const dns = this.dns;
    const isDnsServer = (w: WorkloadModel) => isServer(w, dns);
    const dnsPorts = [{ name: 'dns', containerPort: dns.port, protocol: Protocol.UDP }, { name: 'dns-tcp', containerPort: dns.port, protocol: Protocol.TCP }];
    if (!this.cluster.workloads.some(isDnsServer)) imagineServer(dns.namespace, { matchLabels: { ...dns.podLabels } }, dnsPorts);
    for (const policy of this.cluster.policies) {
      const namespace = policy.namespaceName ?? DEFAULT_NAMESPACE;
      imagine(namespace, policy.podSelector);
      imaginePeers(namespace, policy.ingress);
      imaginePeers(namespace, policy.egress);
    }
    let analysis = this.analysis;
    if (added.length > 0) {
      const cluster = { ...this.cluster, workloads: [...this.cluster.workloads, ...added] };
      // The policies are those of the real analysis: reuse their compiled form when it was built from them.
      const compiled = this.analysis.engine.policies;
      const same = compiled.length === cluster.policies.length && compiled.every((p, i) => p.model === cluster.policies[i]);
      analysis = same ? Analysis._ofSamePolicies(this.analysis, cluster) : Analysis.of(cluster);
    }
    // Classes are grouped by namespace, so the DNS server classes are among the DNS namespace's (in class order).
    const servers = analysis.engine._classesIn(dns.namespace).filter(c => c.workloads.some(isDnsServer));
    this.imaginedCache = { analysis, imagined, dns: servers };
    return this.imaginedCache;
  }
}

/** Whether a workload is a pod of the DNS server (in its namespace, with its labels). */
function isServer(w: WorkloadModel, dns: DnsServer): boolean {
  if (w.namespaceName !== dns.namespace) return false;
  const labels = w.podLabels ?? {};
  for (const k of Object.keys(dns.podLabels)) if (labels[k] !== dns.podLabels[k]) return false;
  return true;
}

function hasLocation(source: SourceModel): boolean {
  return source.file !== undefined || source.constructPath !== undefined;
}

/** The namespace of a policy model. */
export function policyNamespace(policy: PolicyModel): string {
  return policy.namespaceName ?? DEFAULT_NAMESPACE;
}
