/**
 * Helpers for the rule tests: manifests as objects (rendered to YAML and loaded like user input), a compliant
 * baseline app, and lint shortcuts.
 */
import { stringify } from 'yaml';
import { DiagnosticSeverity, formatDiagnostic, loadText } from '../../lib/model/load';
import { Finding, lint, LintOptions, LintResult, SUPPRESS_ANNOTATION } from '../../lib/rules';

type Obj = { [key: string]: unknown };

/** A NetworkPolicy manifest. */
export function np(namespace: string, name: string, spec: Obj, annotations?: { [k: string]: string }): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, spec };
}

/** A Namespace manifest. */
export function ns(name: string, labels?: { [k: string]: string }, annotations?: { [k: string]: string }): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } };
}

/** A Deployment manifest with pod labels, container ports (`http:8080/TCP`) and optionally hostNetwork. */
export function deploy(namespace: string, name: string, labels: { [k: string]: string }, ports: string[] = [], hostNetwork = false): Obj {
  const containerPorts = ports.map(p => {
    const m = /^(?:([a-z0-9-]+):)?(\d+)\/(TCP|UDP|SCTP)$/.exec(p)!;
    return { containerPort: Number(m[2]), protocol: m[3], ...(m[1] ? { name: m[1] } : {}) };
  });
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { ...(hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'main', image: 'x', ports: containerPorts }] } } },
  };
}

/** The suppression annotation for one rule. */
export function suppress(id: string, reason = 'reviewed by the platform team 2026-11'): { [k: string]: string } {
  return { [SUPPRESS_ANNOTATION]: JSON.stringify([{ id, reason }]) };
}

/** Label selector shorthand. */
export const app = (name: string) => ({ matchLabels: { app: name } });
/** kube-system by its name label. */
export const KUBE_SYSTEM = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } };
/** The DNS ports. */
export const DNS_PORTS = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];

/** Default deny in both directions. */
export const defaultDeny = (namespace: string, annotations?: { [k: string]: string }) =>
  np(namespace, 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, annotations);
/** DNS to kube-system over UDP and TCP for every pod. */
export const allowDns = (namespace: string) =>
  np(namespace, 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [KUBE_SYSTEM], ports: DNS_PORTS }] });

/**
 * A compliant app: namespace production with default deny and DNS, frontend → api on 8080 with both halves
 * written, and the workloads.
 */
export function baseline(): Obj[] {
  return [
    ns('production'),
    defaultDeny('production'),
    allowDns('production'),
    np('production', 'api-allow-from-frontend', { podSelector: app('api'), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: app('frontend') }], ports: [{ protocol: 'TCP', port: 8080 }] }] }),
    np('production', 'frontend-allow-to-api', { podSelector: app('frontend'), policyTypes: ['Egress'], egress: [{ to: [{ podSelector: app('api') }], ports: [{ protocol: 'TCP', port: 8080 }] }] }),
    deploy('production', 'api', { app: 'api' }, ['http:8080/TCP']),
    deploy('production', 'frontend', { app: 'frontend' }, ['http:80/TCP']),
  ];
}

/** YAML text of manifests. */
export function yamlOf(objects: Obj[]): string {
  return objects.map(o => stringify(o)).join('---\n');
}

/** Loads manifests like user YAML (failing on loader errors) and lints them. */
export function lintObjects(objects: Obj[], options: LintOptions = {}): LintResult {
  return lintText(yamlOf(objects), options);
}

/** Loads YAML text (failing on loader errors) and lints it. */
export function lintText(text: string, options: LintOptions = {}): LintResult {
  const { cluster, diagnostics } = loadText(text, 'test.yaml');
  const errors = diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR);
  if (errors.length > 0) throw new Error(`test YAML has errors:\n${errors.map(formatDiagnostic).join('\n')}`);
  return lint(cluster, options);
}

/** Unsuppressed findings of a rule. */
export function active(result: LintResult, id: string): Finding[] {
  return result.findings.filter(f => f.ruleId === id && !f.suppressed);
}

/** Suppressed findings of a rule. */
export function suppressed(result: LintResult, id: string): Finding[] {
  return result.findings.filter(f => f.ruleId === id && f.suppressed);
}

/** Replaces the manifest with the given kind and name. */
export function replace(objects: Obj[], name: string, replacement: Obj | undefined): Obj[] {
  const i = objects.findIndex(o => (o.metadata as Obj).name === name);
  if (i < 0) throw new Error(`no object ${name}`);
  const out = [...objects];
  if (replacement) out[i] = replacement;
  else out.splice(i, 1);
  return out;
}
