/**
 * Kubernetes' own syntax rules for the fields a NetworkPolicy or Namespace holds, as functions that return the
 * problem (a sentence quoting the value and saying what is allowed) or undefined when the value is valid.
 * Shared by the value types (which throw) and the manifest loader (which reports).
 *
 * Rules from k8s.io/apimachinery/pkg/util/validation and pkg/apis/networking/validation.
 */
import { LabelOperator, PeerModel, PolicyModel, PolicyType, PortModel, Protocol, RuleModel, SelectorModel } from './types';
import { checkCidr, checkExcept } from './cidr';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A Namespace name: a DNS-1123 label. */
export function checkNamespaceName(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return `namespace name ${JSON.stringify(name)} is empty; it must be a DNS-1123 label such as "production"`;
  if (name.length > 63) return `namespace name "${name}" is ${name.length} characters long; at most 63 are allowed`;
  if (!DNS1123_LABEL.test(name)) {
    return `namespace name "${name}" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. "${suggestDnsName(name, false)}")`;
  }
  return undefined;
}

/** An object name such as a NetworkPolicy's: a DNS-1123 subdomain. */
export function checkObjectName(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return `name ${JSON.stringify(name)} is empty; it must be a DNS-1123 subdomain such as "api-allow-from-frontend"`;
  if (name.length > 253) return `name "${name.slice(0, 40)}..." is ${name.length} characters long; at most 253 are allowed`;
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return `name "${name}" is not a DNS-1123 subdomain: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. "${suggestDnsName(name, true)}")`;
  }
  return undefined;
}

/** Lowercases and replaces what a DNS name cannot hold; used for suggestions and derived names. */
export function suggestDnsName(text: string, allowDots: boolean): string {
  const replaced = text.toLowerCase().replace(allowDots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, '-');
  // Each dot-separated part must itself start and end with a letter or digit.
  const parts = replaced.split('.').map(part => part.replace(/^-+|-+$/g, '')).filter(part => part.length > 0);
  return parts.join('.') || 'x';
}

/** A label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function checkLabelKey(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return `label key ${JSON.stringify(key)} is empty; keys look like "app" or "app.kubernetes.io/name"`;
  const slash = key.indexOf('/');
  if (slash !== -1 && key.indexOf('/', slash + 1) !== -1) return `label key "${key}" has more than one '/'; keys are "name" or "prefix/name"`;
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0) return `label key "${key}" has an empty prefix before '/'`;
    if (prefix.length > 253) return `label key "${key}" has a prefix longer than 253 characters`;
    if (!DNS1123_SUBDOMAIN.test(prefix)) {
      return `label key "${key}" has prefix "${prefix}", which is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`;
    }
  }
  if (name.length === 0) return `label key "${key}" has an empty name after the prefix`;
  if (name.length > 63) return `label key "${key}" has a name of ${name.length} characters; at most 63 are allowed`;
  if (!QUALIFIED_NAME_PART.test(name)) {
    return `label key "${key}" is not a valid name: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** A label value: empty, or at most 63 characters of letters, digits, '-', '_' and '.', with alphanumeric ends. */
export function checkLabelValue(value: string): string | undefined {
  if (typeof value !== 'string') return `label value ${JSON.stringify(value)} is not a string`;
  if (value.length > 63) return `label value "${value}" is ${value.length} characters long; at most 63 are allowed`;
  if (!LABEL_VALUE.test(value)) {
    return `label value "${value}" is not valid: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or the empty string)`;
  }
  return undefined;
}

/** A port number: an integer from 1 to 65535. */
export function checkPortNumber(port: number): string | undefined {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return `port ${typeof port === 'number' ? String(port) : JSON.stringify(port)} is not an integer from 1 to 65535`;
  }
  return undefined;
}

/** A named port (IANA_SVC_NAME): 1-15 lowercase letters, digits and '-', at least one letter, no '--', no '-' at the ends. */
export function checkPortName(name: string): string | undefined {
  const quoted = () => JSON.stringify(name);
  if (typeof name !== 'string' || name.length === 0) return `port name ${quoted()} is empty`;
  if (name.length > 15) return `port name ${quoted()} is ${name.length} characters long; at most 15 are allowed`;
  if (!/^[-a-z0-9]+$/.test(name)) return `port name ${quoted()} may contain only lowercase letters, digits and '-'`;
  if (!/[a-z]/.test(name)) return `port name ${quoted()} must contain at least one letter (a number is a port number, not a name)`;
  if (name.includes('--')) return `port name ${quoted()} must not contain '--'`;
  if (name.startsWith('-') || name.endsWith('-')) return `port name ${quoted()} must not start or end with '-'`;
  return undefined;
}

/** One problem found in a model object, with the field path it concerns (`spec.ingress[0].from[1].ipBlock.cidr`). */
export interface Problem {
  readonly field: string;
  readonly message: string;
}

/** Every problem of a label selector, as the API server would see it. */
export function checkSelector(selector: SelectorModel, field: string): Problem[] {
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const keyProblem = checkLabelKey(key);
    if (keyProblem) problems.push({ field: `${field}.matchLabels`, message: keyProblem });
    const valueProblem = checkLabelValue(value);
    if (valueProblem) problems.push({ field: `${field}.matchLabels.${key}`, message: valueProblem });
  }
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    const keyProblem = checkLabelKey(expr.key);
    if (keyProblem) problems.push({ field: `${at}.key`, message: keyProblem });
    const values = expr.values ?? [];
    switch (expr.op) {
      case LabelOperator.IN:
      case LabelOperator.NOT_IN:
        if (values.length === 0) {
          problems.push({ field: `${at}.values`, message: `operator ${expr.op} on key "${expr.key}" needs at least one value` });
        }
        for (const value of values) {
          const valueProblem = checkLabelValue(value);
          if (valueProblem) problems.push({ field: `${at}.values`, message: valueProblem });
        }
        break;
      case LabelOperator.EXISTS:
      case LabelOperator.DOES_NOT_EXIST:
        if (values.length > 0) {
          problems.push({ field: `${at}.values`, message: `operator ${expr.op} on key "${expr.key}" takes no values, got ${JSON.stringify(values)}` });
        }
        break;
      default:
        problems.push({ field: `${at}.operator`, message: `operator ${JSON.stringify(expr.op)} is not one of In, NotIn, Exists, DoesNotExist` });
    }
  });
  return problems;
}

/** Every problem of one port entry. */
export function checkPort(port: PortModel, field: string): Problem[] {
  const problems: Problem[] = [];
  if (![Protocol.TCP, Protocol.UDP, Protocol.SCTP].includes(port.protocol)) {
    problems.push({ field: `${field}.protocol`, message: `protocol ${JSON.stringify(port.protocol)} is not one of TCP, UDP, SCTP` });
  }
  if (port.portName !== undefined) {
    const nameProblem = checkPortName(port.portName);
    if (nameProblem) problems.push({ field: `${field}.port`, message: nameProblem });
    if (port.endPort !== undefined) problems.push({ field: `${field}.endPort`, message: `endPort ${port.endPort} may not be set when port is a name ("${port.portName}")` });
    return problems;
  }
  if (port.port === undefined) {
    if (port.endPort !== undefined) problems.push({ field: `${field}.endPort`, message: `endPort ${port.endPort} may not be set without port` });
    return problems;
  }
  const portProblem = checkPortNumber(port.port);
  if (portProblem) problems.push({ field: `${field}.port`, message: portProblem });
  if (port.endPort !== undefined) {
    const endProblem = checkPortNumber(port.endPort);
    if (endProblem) problems.push({ field: `${field}.endPort`, message: `end ${endProblem}` });
    else if (!portProblem && port.endPort < port.port) {
      problems.push({ field: `${field}.endPort`, message: `endPort ${port.endPort} is less than port ${port.port}; a range must not end before it starts` });
    }
  }
  return problems;
}

/** Every problem of one `from`/`to` entry. */
export function checkPeer(peer: PeerModel, field: string): Problem[] {
  const problems: Problem[] = [];
  if (!peer.podSelector && !peer.namespaceSelector && !peer.ipBlock) {
    problems.push({ field, message: 'a peer must set podSelector, namespaceSelector or ipBlock' });
  }
  if (peer.ipBlock && (peer.podSelector || peer.namespaceSelector)) {
    problems.push({ field, message: 'a peer may not combine ipBlock with podSelector or namespaceSelector' });
  }
  if (peer.podSelector) problems.push(...checkSelector(peer.podSelector, `${field}.podSelector`));
  if (peer.namespaceSelector) problems.push(...checkSelector(peer.namespaceSelector, `${field}.namespaceSelector`));
  if (peer.ipBlock) {
    const cidrProblem = checkCidr(peer.ipBlock.cidr);
    if (cidrProblem) problems.push({ field: `${field}.ipBlock.cidr`, message: cidrProblem });
    (peer.ipBlock.exceptCidrs ?? []).forEach((except, i) => {
      const exceptProblem = cidrProblem ? undefined : checkExcept(peer.ipBlock!.cidr, except);
      if (exceptProblem) problems.push({ field: `${field}.ipBlock.except[${i}]`, message: exceptProblem });
    });
  }
  return problems;
}

function checkRules(rules: RuleModel[], direction: 'ingress' | 'egress'): Problem[] {
  const peersField = direction === 'ingress' ? 'from' : 'to';
  const problems: Problem[] = [];
  rules.forEach((rule, i) => {
    const at = `spec.${direction}[${i}]`;
    (rule.ports ?? []).forEach((port, j) => problems.push(...checkPort(port, `${at}.ports[${j}]`)));
    (rule.peers ?? []).forEach((peer, j) => problems.push(...checkPeer(peer, `${at}.${peersField}[${j}]`)));
  });
  return problems;
}

/** Every problem the API server would report for a NetworkPolicy (and a few it accepts but nobody means). */
export function checkPolicy(policy: PolicyModel): Problem[] {
  const problems: Problem[] = [];
  const nameProblem = checkObjectName(policy.name);
  if (nameProblem) problems.push({ field: 'metadata.name', message: nameProblem });
  if (policy.namespaceName !== undefined) {
    const nsProblem = checkNamespaceName(policy.namespaceName);
    if (nsProblem) problems.push({ field: 'metadata.namespace', message: nsProblem });
  }
  problems.push(...checkSelector(policy.podSelector, 'spec.podSelector'));
  const types = policy.policyTypes ?? [];
  if (types.length > 2) problems.push({ field: 'spec.policyTypes', message: `may not list more than two policyTypes, got ${JSON.stringify(types)}` });
  types.forEach((type, i) => {
    if (type !== PolicyType.INGRESS && type !== PolicyType.EGRESS) {
      problems.push({ field: `spec.policyTypes[${i}]`, message: `policy type ${JSON.stringify(type)} is not one of Ingress, Egress` });
    }
  });
  problems.push(...checkRules(policy.ingress ?? [], 'ingress'));
  problems.push(...checkRules(policy.egress ?? [], 'egress'));
  return problems;
}
