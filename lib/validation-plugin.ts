/**
 * The checker as a cdk8s-cli validation plugin: `cdk8s synth` runs it on the synthesized manifests, including
 * hand-written YAML the app includes. In cdk8s.yaml, by path into the app's own node_modules (cdk8s-cli would
 * otherwise install the package named under `package` from the public registry, not the app's copy):
 *
 *   validations:
 *     - package: ./node_modules/cdk8s-netpol
 *       version: 0.1.0
 *       class: NetpolValidation
 *       properties: { failOn: warning }
 */
import { ClusterDns } from './cluster-dns';
import { DiagnosticCode, DiagnosticSeverity, loadPaths, someOf } from './model/load';
import { acceptText, failingFindings, Finding, lint, objectLabel, ruleById, SUPPRESS_ANNOTATION } from './rules';

/** Properties of `NetpolValidation` (the `properties` of its cdk8s.yaml entry). */
export interface NetpolValidationProps {
  /**
   * The lowest severity that fails `cdk8s synth`: `error`, `warning`, `info` or `never`.
   * @default 'error'
   */
  readonly failOn?: string;
  /**
   * Rule ids not to run.
   * @default - every rule
   */
  readonly skipRules?: string[];
  /**
   * Check although the manifests hold policy kinds the checker does not model (Cilium's and Calico's own
   * policies, Antrea's, ...): its findings leave them out, and the plugin's log says so. Otherwise each
   * such object is a violation that fails `cdk8s synth`.
   * @default false
   */
  readonly ignoreUnmodelled?: boolean;
  /**
   * Where the cluster DNS runs, for the rules about DNS: a preset of `ClusterDns` (`kubernetes`, `openshift`).
   * @default 'kubernetes'
   */
  readonly dns?: string;
  /**
   * The namespace of the DNS pods, replacing the preset's.
   * @default - the preset's
   */
  readonly dnsNamespace?: string;
  /**
   * The labels of the DNS pods, replacing the preset's.
   * @default - the preset's
   */
  readonly dnsPodLabels?: { [key: string]: string };
  /**
   * The port the DNS pods listen on (UDP and TCP), replacing the preset's.
   * @default - the preset's
   */
  readonly dnsPort?: number;
}

const FAIL_ON = ['error', 'warning', 'info', 'never'];


/** The DNS server the plugin's properties describe; a bad value is an error naming the property. */
function pluginDns(props: NetpolValidationProps): ClusterDns {
  try {
    const preset = ClusterDns.preset(props.dns ?? 'kubernetes');
    if (props.dnsNamespace === undefined && props.dnsPodLabels === undefined && props.dnsPort === undefined) return preset;
    return ClusterDns.of({ namespaceName: props.dnsNamespace ?? preset.namespaceName, podLabels: props.dnsPodLabels ?? preset.podLabels, port: props.dnsPort ?? preset.port });
  } catch (e) {
    throw new Error(`NetpolValidation: properties: ${(e as Error).message.replace(/^ClusterDns\.\w+\(\): /, '')} Fix the validations entry in cdk8s.yaml (dns, dnsNamespace, dnsPodLabels, dnsPort).`);
  }
}

/** A cdk8s-cli validation plugin that runs the checker's rules (RULES.md) on the synthesized manifests. */
export class NetpolValidation {
  private readonly failOn: 'error' | 'warning' | 'info' | 'never';
  private readonly skipRules: string[];
  private readonly ignoreUnmodelled: boolean;
  private readonly dns: ClusterDns;

  constructor(props: NetpolValidationProps = {}) {
    const failOn = props.failOn ?? 'error';
    if (!FAIL_ON.includes(failOn)) {
      throw new Error(`NetpolValidation: properties.failOn "${failOn}" is not one of ${FAIL_ON.join(', ')}; fix the validations entry in cdk8s.yaml.`);
    }
    this.failOn = failOn as NetpolValidation['failOn'];
    this.skipRules = props.skipRules ?? [];
    if (props.ignoreUnmodelled !== undefined && typeof props.ignoreUnmodelled !== 'boolean') {
      throw new Error(`NetpolValidation: properties.ignoreUnmodelled ${JSON.stringify(props.ignoreUnmodelled)} is not true or false; fix the validations entry in cdk8s.yaml.`);
    }
    this.ignoreUnmodelled = props.ignoreUnmodelled ?? false;
    this.dns = pluginDns(props);
  }

  /**
   * Runs the rules on `context.manifests` and fills `context.report` (the cdk8s-cli `ValidationContext`).
   * @param context the cdk8s-cli validation context
   */
  public async validate(context: any): Promise<void> {
    const { cluster, diagnostics } = loadPaths([...context.manifests]);
    const invalid = diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR);
    for (const d of invalid) {
      context.report.addViolation({
        ruleName: 'invalid-manifest',
        recommendation: d.message,
        fix: 'Fix the manifest: the API server would reject it.',
        violatingResources: [{ resourceName: d.name ?? d.kind ?? 'document', locations: [d.field ?? `document ${d.documentIndex ?? 0}`], manifestPath: d.file ?? '' }],
      });
    }
    const unmodelled = diagnostics.filter(d => d.code === DiagnosticCode.UNMODELLED_POLICY);
    if (unmodelled.length > 0 && !this.ignoreUnmodelled) {
      context.report.addViolation({
        ruleName: 'unmodelled-policy',
        recommendation: `${someOf(unmodelled.map(d => `${d.kind} ${d.name}`))}: the checker does not model ${unmodelled.length === 1 ? 'this policy kind' : 'these policy kinds'}, so its findings leave ${unmodelled.length === 1 ? 'it' : 'them'} out (on the cluster ${unmodelled.length === 1 ? 'it' : 'they'} can allow or deny more).`,
        fix: 'Leave them out of the app, or set ignoreUnmodelled: true in the properties of this validation in cdk8s.yaml to check without them.',
        violatingResources: unmodelled.map(d => ({ resourceName: d.name ?? d.kind ?? 'document', locations: [`${d.kind} ${d.name}`], manifestPath: d.file ?? '' })),
      });
    } else if (unmodelled.length > 0) {
      context.logger.log(`cdk8s-netpol: the findings leave out ${someOf(unmodelled.map(d => `${d.kind} ${d.name}`))}, of policy kinds the checker does not model, as ignoreUnmodelled asked`);
    }
    const refused = unmodelled.length > 0 && !this.ignoreUnmodelled;
    const result = lint(cluster, { skip: this.skipRules, dns: this.dns._toServer() });
    const failing = failingFindings(result, this.failOn);
    const byRule = new Map<string, Finding[]>();
    for (const f of failing) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    for (const [id, findings] of byRule) {
      const rule = ruleById(id);
      context.report.addViolation({
        ruleName: `${id} ${rule?.name ?? ''}`.trim(),
        recommendation: findings.map(f => f.message).join('\n'),
        fix: rule ? `${rule.fix} Or accept it: ${acceptText(id)}, or the ${SUPPRESS_ANNOTATION} annotation.` : '',
        // cdk8s-cli finds the construct path by metadata.name (its construct-metadata.json), so the name goes alone.
        violatingResources: findings.map(f => ({
          resourceName: f.object.name,
          locations: [`${objectLabel(f.object)}: ${f.field ?? 'metadata'}`],
          manifestPath: f.source.file ?? '',
        })),
      });
    }
    for (const f of result.findings.filter(x => x.suppressed)) {
      context.logger.log(`cdk8s-netpol: ${f.ruleId} suppressed on ${f.object.kind} ${f.object.name}: ${f.suppressionReason}`);
    }
    const s = result.summary;
    context.report.submit(failing.length > 0 || invalid.length > 0 || refused ? 'failure' : 'success', {
      errors: String(s.error), warnings: String(s.warning), infos: String(s.info), suppressed: String(s.suppressed), failOn: this.failOn,
      ...(unmodelled.length > 0 ? { unmodelled: String(unmodelled.length), ignoreUnmodelled: String(this.ignoreUnmodelled) } : {}),
    });
  }
}
