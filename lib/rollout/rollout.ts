/**
 * Audit before enforce: a rollout mode for every NetworkPolicy of a scope (a chart, the app, or any construct).
 *
 * - `Rollout.audit(chart, { cni: Cni.CALICO })`: each policy is written as a Calico `StagedKubernetesNetworkPolicy`
 *   (same metadata, same spec), which Calico evaluates and reports without enforcing;
 * - `Rollout.audit(chart, { cni: Cni.CILIUM })`: policies are written unchanged and annotated
 *   `cdk8s-netpol.io/rollout: audit`; Cilium's audit mode is a cluster setting, and `Rollout.ciliumInstructions()`
 *   says how to switch it on and read the result;
 * - `Rollout.enforce(scope)`: plain enforced NetworkPolicies (the default), e.g. for a chart inside an audited app.
 *
 * The nearest setting wins: a policy's mode is looked up from the policy up through its scopes when it renders, so
 * the call may come before or after the policies are created.
 *
 * The constructs' model (`toModel()`, what the synth-time checker and `analyze()` read) stays the enforcing policy in
 * every mode: the checker lints what will be enforced when the rollout ends. The manifest loader (CLI, cdk8s.yaml
 * plugin) skips `StagedKubernetesNetworkPolicy` objects, which enforce nothing. See docs/rollout.md.
 */
import { IConstruct } from 'constructs';
import { ErrorCode, fail } from '../errors';
import { NetworkPolicy } from '../network-policy';
import { Cni, rolloutOf, RolloutMode, ROLLOUT_ANNOTATION, setRollout } from './transform';

export { Cni, RolloutMode } from './transform';

/** Options of `Rollout.audit()`. */
export interface RolloutAuditOptions {
  /** The CNI of the cluster, whose own audit mechanism is used. */
  readonly cni: Cni;
}

/**
 * Sets whether the NetworkPolicies of a scope are enforced or only audited, and says how to read an audit.
 *
 * @example
 * Rollout.audit(chart, { cni: Cni.CALICO });      // week 1: staged policies, nothing is dropped
 * Rollout.enforce(chart);                         // week 4: plain NetworkPolicies
 */
export class Rollout {
  /**
   * Writes every NetworkPolicy under `scope` (this library's building blocks, wherever created) in the chosen
   * CNI's audit form, unless a nearer scope says otherwise.
   *
   * Calico: a `projectcalico.org/v3` `StagedKubernetesNetworkPolicy` with the policy's metadata and spec; Calico
   * reports the traffic it would deny, and enforces nothing (apply it where Calico 3.30+ or Calico Enterprise/Cloud
   * runs: the kind is a Calico API resource). Cilium: the NetworkPolicy unchanged plus the annotation
   * `cdk8s-netpol.io/rollout: audit`; Cilium enforces it unless policy audit mode is on in the cluster, see
   * `ciliumInstructions()`.
   *
   * @param scope a chart, the app, or any construct above the policies
   * @example Rollout.audit(chart, { cni: Cni.CILIUM })
   * @see https://docs.tigera.io/calico/latest/reference/resources/stagedkubernetesnetworkpolicy
   * @see https://docs.cilium.io/en/stable/security/policy-creation/
   */
  public static audit(scope: IConstruct, options: RolloutAuditOptions): void {
    const api = `Rollout.audit(${describeScope(scope)})`;
    const cni: unknown = options?.cni;
    const supported = Object.values(Cni).map(c => `"${c}" (Cni.${c.toUpperCase()})`).join(', ');
    if (cni === undefined) {
      fail(ErrorCode.INVALID_VALUE, api, `options.cni is missing. Say which CNI enforces the cluster's policies: one of ${supported}.`);
    }
    if (!(Object.values(Cni) as unknown[]).includes(cni)) {
      fail(ErrorCode.INVALID_VALUE, api, `cni ${JSON.stringify(cni)} is not supported; the supported CNIs are ${supported}. Audit mode uses the CNI's own mechanism (Calico staged policies, Cilium policy audit mode); with another CNI, try the policies in enforce mode on a test namespace first.`);
    }
    setRollout(scope, { mode: RolloutMode.AUDIT, cni: cni as Cni });
  }

  /**
   * Writes every NetworkPolicy under `scope` as a plain, enforced `networking.k8s.io/v1` NetworkPolicy, overriding
   * an audit set on an enclosing scope (the default when nothing is set).
   * @example Rollout.enforce(paymentsChart) // the rest of the app stays in audit
   */
  public static enforce(scope: IConstruct): void {
    setRollout(scope, { mode: RolloutMode.ENFORCE });
  }

  /** The mode that applies to `construct` (a policy, or any scope): the nearest setting, else ENFORCE. */
  public static modeOf(construct: IConstruct): RolloutMode {
    return rolloutOf(construct)?.mode ?? RolloutMode.ENFORCE;
  }

  /** The CNI whose audit form applies to `construct`, or undefined when it is enforced. */
  public static auditCniOf(construct: IConstruct): Cni | undefined {
    const setting = rolloutOf(construct);
    return setting?.mode === RolloutMode.AUDIT ? setting.cni : undefined;
  }

  /**
   * What to do in the cluster for the policies under `scope` that are in Cilium audit mode: the setting that turns
   * policy audit mode on (agent-wide, or per endpoint), how to read would-be denials with Hubble for each namespace
   * concerned, how to capture flows for `cdk8s-netpol from-flows`, and how to switch back to enforcement.
   *
   * Cilium's audit mode is a cluster setting, not a manifest: this library does not write `cilium-config`.
   */
  public static ciliumInstructions(scope: IConstruct): string {
    const policies = scope.node.findAll().filter(NetworkPolicy.isNetworkPolicy).filter(p => Rollout.auditCniOf(p) === Cni.CILIUM);
    if (policies.length === 0) {
      return `No NetworkPolicy under ${describeScope(scope)} is in Cilium audit mode (Rollout.audit(scope, { cni: Cni.CILIUM })); nothing to enable.\n`;
    }
    const namespaces = [...new Set(policies.map(p => p.namespaceName ?? 'default'))].sort();
    const unnamespaced = policies.filter(p => p.namespaceName === undefined).map(p => p.name);
    const lines = [
      `Cilium policy audit mode for ${policies.length} NetworkPolic${policies.length === 1 ? 'y' : 'ies'} (annotated ${ROLLOUT_ANNOTATION}: audit) in namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.join(', ')}.`,
      '',
      'Audit mode is a Cilium setting, not a manifest: the policies are plain NetworkPolicies, and Cilium ENFORCES them',
      'unless audit mode is on for the pods they select. Turn it on before applying the policies.',
      '',
      '1. Turn policy audit mode on, either',
      '   agent-wide (every endpoint on every node; no policy is enforced anywhere while it is on):',
      '     helm upgrade cilium cilium/cilium --namespace kube-system --reuse-values --set policyAuditMode=true',
      '     kubectl -n kube-system rollout restart daemonset/cilium',
      '   (or, without Helm: cilium config set policy-audit-mode true — sets policy-audit-mode: "true" in the',
      '   cilium-config ConfigMap of kube-system and restarts the agents)',
      '   or per endpoint, for the pods of these namespaces only (lost when the pod is recreated):',
      ...namespaces.map(ns => `     kubectl -n ${ns} get ciliumendpoints   # the ENDPOINT ID column, and the node of each pod`),
      '     kubectl -n kube-system exec <cilium pod on that node> -c cilium-agent -- cilium-dbg endpoint config <endpoint id> PolicyAuditMode=Enabled',
      '',
      '2. Apply the synthesized manifests (kubectl apply -f dist/).',
      '',
      '3. Read what the policies would deny (verdict AUDIT: allowed only because of audit mode):',
      ...namespaces.map(ns => `     hubble observe --verdict AUDIT --namespace ${ns}`),
      '',
      '4. Capture the traffic the policies must allow, and write the missing allows from it:',
      ...namespaces.map(ns => `     hubble observe --namespace ${ns} -o json --last 10000 > flows-${ns}.jsonl`),
      '     cdk8s-netpol from-flows flows-<namespace>.jsonl',
      '',
      '5. When hubble observe --verdict AUDIT shows nothing unexpected: Rollout.enforce(scope) (or remove the audit call),',
      '   synthesize, and turn audit mode off (policyAuditMode=false / policy-audit-mode "false", or',
      '   PolicyAuditMode=Disabled per endpoint).',
    ];
    if (unnamespaced.length > 0) {
      lines.push('', `Policies without a namespace (${unnamespaced.join(', ')}) are listed under "default": kubectl applies them to the namespace of its context.`);
    }
    return lines.join('\n') + '\n';
  }

  private constructor() {}
}

function describeScope(scope: IConstruct): string {
  return scope?.node ? JSON.stringify(scope.node.path || '(the app)') : String(scope);
}
