/**
 * A NetworkPolicy manifest -> PolicyModel. Type errors the API server's decoder would reject are collected as
 * problems (field paths as in the manifest); value rules are left to checkPolicy.
 */
import {
  IpBlockModel, LabelExpressionModel, LabelOperator, PeerModel, PolicyModel, PolicyType, PortModel, Protocol, RuleModel,
  SelectorModel, SourceModel,
} from '../types';
import { Problem } from '../validation';
import { isObject, Json } from './kinds';
import { readLabels } from './objects';

/** Reads a label selector; what its types get wrong is added to `problems` (absent or null: the empty selector). */
export function parseSelector(value: unknown, field: string, problems: Problem[]): SelectorModel {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problems.push({ field, message: `a label selector must be a map with matchLabels and/or matchExpressions, got ${JSON.stringify(value)}` });
    return {};
  }
  const selector: { matchLabels?: { [key: string]: string }; matchExpressions?: LabelExpressionModel[] } = {};
  if (value.matchLabels !== undefined && value.matchLabels !== null) {
    if (!isObject(value.matchLabels)) {
      problems.push({ field: `${field}.matchLabels`, message: 'matchLabels must be a map of label keys to string values' });
    } else {
      const labels: { [key: string]: string } = {};
      for (const [k, v] of Object.entries(value.matchLabels)) {
        if (typeof v !== 'string') problems.push({ field: `${field}.matchLabels.${k}`, message: `label value ${JSON.stringify(v)} is not a string; quote it in YAML` });
        else labels[k] = v;
      }
      selector.matchLabels = labels;
    }
  }
  if (value.matchExpressions !== undefined && value.matchExpressions !== null) {
    if (!Array.isArray(value.matchExpressions)) {
      problems.push({ field: `${field}.matchExpressions`, message: 'matchExpressions must be a list' });
    } else {
      selector.matchExpressions = value.matchExpressions.map((e, i) => {
        const at = `${field}.matchExpressions[${i}]`;
        if (!isObject(e)) {
          problems.push({ field: at, message: 'a match expression must be a map with key, operator and values' });
          return { key: '', op: LabelOperator.EXISTS };
        }
        const values = e.values === undefined || e.values === null ? undefined : e.values;
        if (values !== undefined && (!Array.isArray(values) || values.some(v => typeof v !== 'string'))) {
          problems.push({ field: `${at}.values`, message: `values must be a list of strings, got ${JSON.stringify(values)}` });
        }
        const expr: LabelExpressionModel = {
          key: typeof e.key === 'string' ? e.key : String(e.key ?? ''),
          op: e.operator as LabelOperator,
          ...(Array.isArray(values) ? { values: values.map(String) } : {}),
        };
        return expr;
      });
    }
  }
  return selector;
}

function parsePeer(value: unknown, field: string, problems: Problem[]): PeerModel {
  if (!isObject(value)) {
    problems.push({ field, message: `a peer must be a map with podSelector, namespaceSelector or ipBlock, got ${JSON.stringify(value)}` });
    return {};
  }
  const peer: { podSelector?: SelectorModel; namespaceSelector?: SelectorModel; ipBlock?: IpBlockModel } = {};
  if (value.podSelector !== undefined && value.podSelector !== null) peer.podSelector = parseSelector(value.podSelector, `${field}.podSelector`, problems);
  if (value.namespaceSelector !== undefined && value.namespaceSelector !== null) peer.namespaceSelector = parseSelector(value.namespaceSelector, `${field}.namespaceSelector`, problems);
  if (value.ipBlock !== undefined && value.ipBlock !== null) {
    const block = value.ipBlock;
    if (!isObject(block) || typeof block.cidr !== 'string') {
      problems.push({ field: `${field}.ipBlock.cidr`, message: `ipBlock needs a cidr string, got ${JSON.stringify(block)}` });
    } else {
      const except = block.except;
      if (except !== undefined && except !== null && (!Array.isArray(except) || except.some(e => typeof e !== 'string'))) {
        problems.push({ field: `${field}.ipBlock.except`, message: `except must be a list of CIDR strings, got ${JSON.stringify(except)}` });
      }
      peer.ipBlock = { cidr: block.cidr, ...(Array.isArray(except) && except.length > 0 ? { exceptCidrs: except.map(String) } : {}) };
    }
  }
  return peer;
}

function parsePort(value: unknown, field: string, problems: Problem[]): PortModel {
  if (!isObject(value)) {
    problems.push({ field, message: `a port entry must be a map with protocol, port and endPort, got ${JSON.stringify(value)}` });
    return { protocol: Protocol.TCP };
  }
  const protocol = (value.protocol === undefined || value.protocol === null ? Protocol.TCP : value.protocol) as Protocol;
  const port: { protocol: Protocol; port?: number; endPort?: number; portName?: string } = { protocol };
  // IntOrString: a number is a port number, a string is a port name (even "80", which the API server rejects).
  if (typeof value.port === 'number') port.port = value.port;
  else if (typeof value.port === 'string') port.portName = value.port;
  else if (value.port !== undefined && value.port !== null) problems.push({ field: `${field}.port`, message: `port must be a number or a name, got ${JSON.stringify(value.port)}` });
  if (typeof value.endPort === 'number') port.endPort = value.endPort;
  else if (value.endPort !== undefined && value.endPort !== null) problems.push({ field: `${field}.endPort`, message: `endPort must be a number, got ${JSON.stringify(value.endPort)}` });
  return port;
}

function parseRules(value: unknown, direction: 'ingress' | 'egress', problems: Problem[]): RuleModel[] | undefined {
  if (value === undefined || value === null) return undefined;
  const field = `spec.${direction}`;
  if (!Array.isArray(value)) {
    problems.push({ field, message: `${direction} must be a list of rules` });
    return undefined;
  }
  const peersField = direction === 'ingress' ? 'from' : 'to';
  return value.map((rule, i) => {
    const at = `${field}[${i}]`;
    if (rule === null || rule === undefined) return {};
    if (!isObject(rule)) {
      problems.push({ field: at, message: `a rule must be a map with ${peersField} and ports` });
      return {};
    }
    const out: { peers?: PeerModel[]; ports?: PortModel[] } = {};
    const peers = rule[peersField];
    if (peers !== undefined && peers !== null) {
      if (!Array.isArray(peers)) problems.push({ field: `${at}.${peersField}`, message: `${peersField} must be a list of peers` });
      else out.peers = peers.map((p, j) => parsePeer(p, `${at}.${peersField}[${j}]`, problems));
    }
    if (rule.ports !== undefined && rule.ports !== null) {
      if (!Array.isArray(rule.ports)) problems.push({ field: `${at}.ports`, message: 'ports must be a list' });
      else out.ports = rule.ports.map((p, j) => parsePort(p, `${at}.ports[${j}]`, problems));
    }
    return out;
  });
}

/** Reads a NetworkPolicy manifest; what its types or labels get wrong is added to `problems`. */
export function parsePolicy(object: Json, name: string, namespace: string, metadata: Json, source: SourceModel, problems: Problem[]): PolicyModel {
  const spec = isObject(object.spec) ? object.spec : {};
  if (!isObject(object.spec)) problems.push({ field: 'spec', message: 'a NetworkPolicy needs a spec map' });
  let policyTypes: PolicyType[] | undefined;
  if (spec.policyTypes !== undefined && spec.policyTypes !== null) {
    if (!Array.isArray(spec.policyTypes)) problems.push({ field: 'spec.policyTypes', message: 'policyTypes must be a list of Ingress and/or Egress' });
    else policyTypes = spec.policyTypes as PolicyType[];
  }
  const labels = isObject(metadata.labels) ? readLabels(metadata.labels, 'metadata.labels', problems) : undefined;
  const annotations = isObject(metadata.annotations) ? metadata.annotations as { [key: string]: string } : undefined;
  const ingress = parseRules(spec.ingress, 'ingress', problems);
  const egress = parseRules(spec.egress, 'egress', problems);
  return {
    name,
    namespaceName: namespace,
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
    podSelector: parseSelector(spec.podSelector, 'spec.podSelector', problems),
    ...(policyTypes ? { policyTypes } : {}),
    ...(ingress ? { ingress } : {}),
    ...(egress ? { egress } : {}),
    source,
  };
}

