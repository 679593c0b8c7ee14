/**
 * The rollout mode of NetworkPolicies: where it is stored (per scope, the nearest scope wins) and how a policy's
 * manifest changes with it. `NetworkPolicy.toJson()` calls `rolloutTransform()` once, so every building block gets
 * the mode without knowing about it. The public API is `Rollout` (./rollout.ts).
 *
 * This module does not import `NetworkPolicy`, so `network-policy.ts` can import it without a cycle.
 */
import { IConstruct } from 'constructs';

/** The CNIs whose audit mechanism this library can target. */
export enum Cni {
  /**
   * Calico (Open Source 3.30 or later, Enterprise, Cloud): policies are written as `StagedKubernetesNetworkPolicy`,
   * which Calico evaluates and reports without enforcing.
   */
  CALICO = 'calico',
  /**
   * Cilium: policies are written unchanged, annotated `cdk8s-netpol.io/rollout: audit`; audit is switched on in the
   * cluster (`policy-audit-mode`), not by a manifest. See `Rollout.ciliumInstructions()`.
   */
  CILIUM = 'cilium',
}

/** Whether NetworkPolicies are enforced, or only report what they would deny. */
export enum RolloutMode {
  /** Plain `networking.k8s.io/v1` NetworkPolicies, enforced by the CNI (the default). */
  ENFORCE = 'enforce',
  /** What the chosen CNI needs to report would-be denials without dropping traffic. */
  AUDIT = 'audit',
}

/** The annotation written on every policy in Cilium audit mode. */
export const ROLLOUT_ANNOTATION = 'cdk8s-netpol.io/rollout';

/** The API group/version and kind of Calico's staged Kubernetes NetworkPolicy. */
export const CALICO_STAGED_API_VERSION = 'projectcalico.org/v3';
export const CALICO_STAGED_KIND = 'StagedKubernetesNetworkPolicy';

/** A rollout setting made on one scope. */
export interface RolloutSetting {
  readonly mode: RolloutMode;
  /** Set when mode is AUDIT. */
  readonly cni?: Cni;
  /** The path of the scope the setting was made on (for messages and instructions). */
  readonly scopePath: string;
}

/** The subset of a rendered `networking.k8s.io/v1` NetworkPolicy the transform reads and writes. */
interface KubernetesNetworkPolicyManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly annotations?: { [key: string]: string }; readonly [key: string]: unknown };
  readonly spec: unknown;
}

/**
 * Calico's staged Kubernetes NetworkPolicy: the Kubernetes NetworkPolicy with another apiVersion and kind; Calico
 * evaluates it and reports what it would allow or deny, without enforcing it.
 * @see https://docs.tigera.io/calico/latest/reference/resources/stagedkubernetesnetworkpolicy
 */
interface CalicoStagedKubernetesNetworkPolicy {
  readonly apiVersion: typeof CALICO_STAGED_API_VERSION;
  readonly kind: typeof CALICO_STAGED_KIND;
  readonly metadata: KubernetesNetworkPolicyManifest['metadata'];
  readonly spec: unknown;
}

/** Settings by the scope they were made on. */
const settings = new WeakMap<IConstruct, RolloutSetting>();

/** Records the setting of `scope` (replacing an earlier one on the same scope). */
export function setRollout(scope: IConstruct, setting: Omit<RolloutSetting, 'scopePath'>): void {
  settings.set(scope, { ...setting, scopePath: scope.node.path || '(the app)' });
}

/** The setting that applies to `construct`: the one on the nearest scope, itself included; undefined for none. */
export function rolloutOf(construct: IConstruct): RolloutSetting | undefined {
  const scopes = construct.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const setting = settings.get(scopes[i]);
    if (setting) return setting;
  }
  return undefined;
}

/** The manifest of `policy` in the rollout mode that applies to it; `manifest` is the enforcing NetworkPolicy. */
export function rolloutTransform(policy: IConstruct, manifest: KubernetesNetworkPolicyManifest): unknown {
  const setting = rolloutOf(policy);
  if (!setting || setting.mode !== RolloutMode.AUDIT) return manifest;
  switch (setting.cni) {
    case Cni.CALICO: {
      const staged: CalicoStagedKubernetesNetworkPolicy = {
        apiVersion: CALICO_STAGED_API_VERSION,
        kind: CALICO_STAGED_KIND,
        metadata: manifest.metadata,
        spec: manifest.spec,
      };
      return staged;
    }
    case Cni.CILIUM:
      return {
        ...manifest,
        metadata: { ...manifest.metadata, annotations: { ...manifest.metadata.annotations, [ROLLOUT_ANNOTATION]: RolloutMode.AUDIT } },
      };
    default:
      // Rollout.audit() only stores supported CNIs.
      throw new Error(`unreachable: CNI ${String(setting.cni)}`);
  }
}
