/**
 * `CniEnforcementProbe`: "verify that your CNI actually enforces NetworkPolicies before writing a single policy", as a
 * construct. It emits a small, self-contained probe set in its own namespace and a Job whose exit status says
 * whether the cluster's CNI enforces NetworkPolicies.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { AllowFrom } from '../allow';
import { DefaultDeny } from '../default-deny';
import { ErrorCode, fail } from '../errors';
import { renderNamespace } from '../model/render';
import { PolicyType } from '../model/types';
import { checkNamespaceName } from '../model/validation';
import { Peer } from '../peer';
import { Port } from '../port';
import { Selector } from '../selector';
import { addSuppression } from '../suppress';
import { Rollout } from '../rollout/rollout';

/** Props of `CniEnforcementProbe`. */
export interface CniEnforcementProbeProps {
  /**
   * The namespace the probe set lives in (a DNS-1123 label). The construct declares it; use a namespace of its own,
   * since the probe puts a default deny of ingress on every pod of it.
   * @default "netpol-probe"
   */
  readonly namespaceName?: string;
  /**
   * The image of the source workload and of the check Job: it needs `sh`, `wget` (with `-T`), `sleep` and `date`.
   * @default "busybox:1.36"
   */
  readonly clientImage?: string;
  /**
   * The image of the two targets: an HTTP server answering `GET /` on port 80. The default (Alpine-based) also has
   * busybox's `nc` and `wget`, so `cdk8s-netpol probe` can use the targets as sources too.
   * @default "nginx:1.27-alpine"
   */
  readonly serverImage?: string;
  /**
   * How long one connection attempt may take, in seconds (1-60): the blocked connection must not succeed within it.
   * @default 3
   */
  readonly timeoutSeconds?: number;
  /**
   * How long the check Job keeps retrying the allowed connection while the targets start, in seconds (0-3600). The
   * blocked connection is tested only once the allowed one works (both targets run the same image and spec).
   * @default 120
   */
  readonly startupGraceSeconds?: number;
}

/** The label that tells the probe's pods apart; its values are the `CniEnforcementProbe.ROLE_*` constants. */
const ROLE_LABEL = 'cdk8s-netpol.io/probe-role';
const PART_OF = { 'app.kubernetes.io/part-of': 'cdk8s-netpol-probe' };
const IMAGE_REFERENCE = buildImageReferencePattern();

/**
 * A probe set that proves the cluster's CNI enforces NetworkPolicies, before any policy is relied on: with a CNI that
 * does not enforce them, NetworkPolicy objects are accepted by the API server and change nothing.
 *
 * In its own namespace (default `netpol-probe`) it emits:
 * - `probe-source`: a busybox Deployment that sleeps, labelled `cdk8s-netpol.io/probe-role: source`, for
 *   `kubectl exec` by hand or by `cdk8s-netpol probe`;
 * - `probe-target` and `probe-control`: two nginx Deployments on port 80 (roles `target` and `control`), each with
 *   a ClusterIP Service of the same name;
 * - `default-deny-ingress` (a `DefaultDeny` of ingress for every pod of the namespace), so nothing may reach
 *   `probe-target`, and `control-allow-from-source` (an `AllowFrom`), which lets the source pods reach
 *   `probe-control` on TCP 80;
 * - `probe-check`: a Job whose pod is a source too (same role label). It retries the allowed connection to
 *   `probe-control` until it works (up to `startupGraceSeconds`), then connects once to `probe-target` with
 *   `wget -T timeoutSeconds`, prints one `PASS`/`FAIL` line per connection, and exits 1 when the blocked connection
 *   succeeds ("policies created, nothing enforced") or the allowed one never does.
 *
 * Egress is left open on purpose (the Job resolves the Services by name); the namespace carries a suppression of
 * NP003 saying so. Read the verdict with `kubectl -n netpol-probe wait --for=condition=complete job/probe-check`
 * and `kubectl -n netpol-probe logs job/probe-check`, or run `cdk8s-netpol probe` on the synthesized manifests.
 *
 * @example
 * new CniEnforcementProbe(chart, 'probe');                                  // namespace netpol-probe
 * new CniEnforcementProbe(chart, 'probe', { namespaceName: 'cni-check', timeoutSeconds: 2 });
 * @see https://kubernetes.io/docs/tasks/administer-cluster/declare-network-policy/
 */
export class CniEnforcementProbe extends Construct {
  /** The role label value of the source pods (the `probe-source` Deployment and the check Job). */
  public static readonly ROLE_SOURCE = 'source';
  /** The role label value of the target that must be unreachable. */
  public static readonly ROLE_TARGET = 'target';
  /** The role label value of the control target that must be reachable. */
  public static readonly ROLE_CONTROL = 'control';
  /** The label key carrying the roles. */
  public static readonly ROLE_LABEL = ROLE_LABEL;

  /** The namespace of the probe set. */
  public readonly namespaceName: string;
  /** The seconds one connection attempt may take. */
  public readonly timeoutSeconds: number;
  /** The Namespace object. */
  public readonly namespaceObject: ApiObject;
  /** The default deny of ingress that must stop source -> target. */
  public readonly defaultDeny: DefaultDeny;
  /** The allow of source -> control on TCP 80. */
  public readonly allowControl: AllowFrom;
  /** The Job that runs the check; its pod's exit status is the verdict. */
  public readonly job: ApiObject;
  /** The check script the Job runs (`sh -c`), for review. */
  public readonly script: string;

  constructor(scope: Construct, id: string, props: CniEnforcementProbeProps = {}) {
    super(scope, id);
    const api = `new CniEnforcementProbe(${JSON.stringify(id)})`;
    const namespaceName = props.namespaceName ?? 'netpol-probe';
    const problem = checkNamespaceName(namespaceName);
    if (problem) fail(ErrorCode.INVALID_NAME, api, `namespaceName: ${problem}.`);
    const clientImage = checkImage(api, 'clientImage', props.clientImage ?? 'busybox:1.36');
    const serverImage = checkImage(api, 'serverImage', props.serverImage ?? 'nginx:1.27-alpine');
    const timeoutSeconds = checkSeconds(api, 'timeoutSeconds', props.timeoutSeconds ?? 3, 1, 60);
    const graceSeconds = checkSeconds(api, 'startupGraceSeconds', props.startupGraceSeconds ?? 120, 0, 3600);
    this.namespaceName = namespaceName;
    this.timeoutSeconds = timeoutSeconds;

    this.namespaceObject = new ApiObject(this, 'Namespace', renderNamespace({ name: namespaceName, labels: { ...PART_OF } }));
    // A Namespace is cluster-scoped; cdk8s would give it the chart's namespace.
    if (this.namespaceObject.metadata.namespace !== undefined) this.namespaceObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    addSuppression(`${api} (namespace)`, this.namespaceObject, undefined, 'NP003',
      'the CNI probe tests ingress enforcement only; egress stays open so the check Job can resolve the probe Services');

    const role = (value: string) => ({ ...PART_OF, [ROLE_LABEL]: value });
    const source = Selector.labels({ [ROLE_LABEL]: CniEnforcementProbe.ROLE_SOURCE });

    this.deployment('probe-source', role(CniEnforcementProbe.ROLE_SOURCE), {
      name: 'client', image: clientImage, command: ['sleep', '2147483647'],
    });
    for (const name of ['probe-target', 'probe-control']) {
      const labels = role(name === 'probe-target' ? CniEnforcementProbe.ROLE_TARGET : CniEnforcementProbe.ROLE_CONTROL);
      this.deployment(name, labels, {
        name: 'server', image: serverImage, ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 2 },
      });
      new ApiObject(this, `${name}-service`, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: namespaceName, labels },
        spec: { selector: { [ROLE_LABEL]: labels[ROLE_LABEL] }, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }] },
      });
    }

    this.defaultDeny = new DefaultDeny(this, 'DefaultDenyIngress', { namespaceName, policyTypes: [PolicyType.INGRESS], labels: { ...PART_OF } });
    this.allowControl = new AllowFrom(this, 'AllowControl', {
      namespaceName,
      name: 'control-allow-from-source',
      labels: { ...PART_OF },
      pods: Selector.labels({ [ROLE_LABEL]: CniEnforcementProbe.ROLE_CONTROL }),
      peers: [Peer.pods(source)],
      ports: [Port.tcp(80)],
    });

    this.script = checkScript(namespaceName, timeoutSeconds, graceSeconds);
    this.job = new ApiObject(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'probe-check', namespace: namespaceName, labels: role(CniEnforcementProbe.ROLE_SOURCE) },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: graceSeconds + 4 * timeoutSeconds + 60,
        template: {
          metadata: { labels: role(CniEnforcementProbe.ROLE_SOURCE) },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'check', image: clientImage, command: ['sh', '-c', this.script] }],
          },
        },
      },
    });
    // The probe proves enforcement, so it is never audited, whatever rollout mode its scope is in.
    Rollout.enforce(this);
  }

  private deployment(name: string, labels: { [key: string]: string }, container: any): ApiObject {
    return new ApiObject(this, name, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: this.namespaceName, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { [ROLE_LABEL]: labels[ROLE_LABEL] } },
        template: { metadata: { labels }, spec: { containers: [container] } },
      },
    });
  }
}

/**
 * The Job's script: wait until the allowed connection works, then test the blocked one; one line per verdict.
 * @internal
 */
export function checkScript(namespaceName: string, timeoutSeconds: number, graceSeconds: number): string {
  const host = (service: string) => `${service}.${namespaceName}.svc`;
  return [
    `T=${timeoutSeconds}; GRACE=${graceSeconds}; START=$(date +%s)`,
    `ALLOWED=http://${host('probe-control')}/; BLOCKED=http://${host('probe-target')}/`,
    'until wget -q -O /dev/null -T "$T" "$ALLOWED"; do',
    '  if [ $(( $(date +%s) - START )) -ge "$GRACE" ]; then',
    '    echo "FAIL allowed: source -> probe-control:80 did not connect within ${GRACE}s; the allowed connection must work before the blocked one means anything (are the pods running? does DNS work?)"',
    '    exit 1',
    '  fi',
    '  sleep 2',
    'done',
    'echo "PASS allowed: source -> probe-control:80 connected (control-allow-from-source)"',
    'if wget -q -O /dev/null -T "$T" "$BLOCKED"; then',
    '  echo "FAIL blocked: source -> probe-target:80 connected although default-deny-ingress denies it: policies created, nothing enforced. Check that the CNI supports NetworkPolicy (Calico, Cilium, ...)."',
    '  exit 1',
    'fi',
    'echo "PASS blocked: source -> probe-target:80 did not connect within ${T}s (default-deny-ingress enforced)"',
  ].join('\n');
}

function checkImage(api: string, prop: string, image: string): string {
  if (typeof image !== 'string' || !IMAGE_REFERENCE.test(image) || image.length > 4096) {
    fail(ErrorCode.INVALID_VALUE, api, `${prop} ${JSON.stringify(image)} is not an image reference: write [registry[:port]/]repository[:tag][@digest] with a lowercase repository, e.g. "busybox:1.36" or "registry.example.com/mirror/nginx:1.27".`);
  }
  return image;
}

function checkSeconds(api: string, prop: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(ErrorCode.INVALID_VALUE, api, `${prop} ${JSON.stringify(value)} is not a whole number of seconds from ${min} to ${max}. Pass e.g. ${prop}: ${Math.min(max, Math.max(min, 3))}.`);
  }
  return value;
}

/** The image reference grammar of github.com/distribution/reference (name, optional tag, optional digest). */
function buildImageReferencePattern(): RegExp {
  const alnum = '[a-z0-9]+';
  const separator = '(?:[._]|__|[-]+)';
  const component = `${alnum}(?:${separator}${alnum})*`;
  const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
  const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
  const name = `(?:${domain}/)?${component}(?:/${component})*`;
  const tag = '[\\w][\\w.-]{0,127}';
  const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
  return new RegExp(`^${name}(?::${tag})?(?:@${digest})?$`);
}
