/**
 * What the API server (or kubectl's decoder, before it) would reject in a Namespace or a workload: metadata of the
 * wrong type, invalid names, labels and container ports. Each check returns the model value and adds what is wrong
 * to a list of problems with the field path, as `checkPolicy` does for NetworkPolicies.
 */
import { ContainerPortModel, Protocol } from '../types';
import { checkLabelKey, checkLabelValue, checkNamespaceName, checkObjectName, checkPortName, checkPortNumber, Problem } from '../validation';
import { isObject, Json } from './kinds';

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** The fields of ObjectMeta that must be strings, and those that must be maps of strings. */
const STRING_FIELDS = ['name', 'namespace', 'generateName'];
const STRING_MAP_FIELDS = ['labels', 'annotations'];

/**
 * What kubectl cannot decode in an object's metadata, whatever its kind (it decodes every object's ObjectMeta):
 * metadata that is not a map, a name or namespace that is not a string, labels or annotations that are not maps of
 * strings (`enabled: yes` is a boolean to kubectl).
 */
export function metadataTypeProblems(object: Json): Problem[] {
  const problems: Problem[] = [];
  const metadata = object.metadata;
  if (metadata === undefined || metadata === null) return problems;
  if (!isObject(metadata)) return [{ field: 'metadata', message: `metadata must be a map, got ${show(metadata)}` }];
  for (const key of STRING_FIELDS) {
    const value = metadata[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      problems.push({ field: `metadata.${key}`, message: `metadata.${key} ${show(value)} is not a string; quote it in YAML` });
    }
  }
  for (const key of STRING_MAP_FIELDS) {
    const value = metadata[key];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) {
      problems.push({ field: `metadata.${key}`, message: `metadata.${key} must be a map of keys to string values, got ${show(value)}` });
      continue;
    }
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (typeof v !== 'string') {
        problems.push({ field: `metadata.${key}.${k}`, message: `${key === 'labels' ? 'label' : 'annotation'} value ${show(v)} is not a string; quote it in YAML` });
      }
    }
  }
  return problems;
}

/**
 * Labels as the API server checks them: a map of valid keys to valid string values. Key problems name the map's
 * field, value problems the key's (as `checkSelector` does).
 */
export function readLabels(value: unknown, field: string, problems: Problem[]): { [key: string]: string } {
  const labels: { [key: string]: string } = {};
  if (value === undefined || value === null) return labels;
  if (!isObject(value)) {
    problems.push({ field, message: `labels must be a map of label keys to string values, got ${show(value)}` });
    return labels;
  }
  for (const key of Object.keys(value)) {
    const v = value[key];
    const keyProblem = checkLabelKey(key);
    if (keyProblem) problems.push({ field, message: keyProblem });
    if (typeof v !== 'string') {
      problems.push({ field: `${field}.${key}`, message: `label value ${show(v)} is not a string; quote it in YAML` });
      continue;
    }
    const valueProblem = checkLabelValue(v);
    if (valueProblem) problems.push({ field: `${field}.${key}`, message: valueProblem });
    labels[key] = v;
  }
  return labels;
}

/** The name rules of a kind: a DNS-1123 label for a Namespace, a DNS-1123 subdomain otherwise (at most 52 characters for a CronJob). */
export function nameProblems(kind: string, name: string): Problem[] {
  const problem = kind === 'Namespace' ? checkNamespaceName(name) : checkObjectName(name);
  if (problem) return [{ field: 'metadata.name', message: problem }];
  if (kind === 'CronJob' && name.length > 52) {
    return [{ field: 'metadata.name', message: `CronJob name "${name}" is ${name.length} characters long; at most 52 are allowed (the Jobs it creates append 11 characters)` }];
  }
  return [];
}

/** The namespace rule of a namespaced object: a DNS-1123 label when set. */
export function namespaceProblems(metadata: Json): Problem[] {
  const namespace = metadata.namespace;
  if (typeof namespace !== 'string' || namespace === '') return [];
  const problem = checkNamespaceName(namespace);
  return problem ? [{ field: 'metadata.namespace', message: problem }] : [];
}

const PROTOCOLS: readonly string[] = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];

/**
 * One container port with the API server's rules, or undefined when it breaks one (added to `problems`).
 * @param here the port's field path, built only for a problem
 * @param names the port names of the container so far
 */
function readContainerPort(port: unknown, here: () => string, names: Set<string>, problems: Problem[]): ContainerPortModel | undefined {
  if (!isObject(port)) {
    problems.push({ field: here(), message: `a container port must be a map with containerPort, protocol and name, got ${show(port)}` });
    return undefined;
  }
  let ok = true;
  const number = port.containerPort;
  if (number === undefined || number === null) {
    problems.push({ field: `${here()}.containerPort`, message: `containerPort is missing (got ${show(port)}); it must be an integer from 1 to 65535` });
    ok = false;
  } else if (typeof number !== 'number') {
    problems.push({ field: `${here()}.containerPort`, message: `containerPort ${show(number)} is not a number; write it without quotes` });
    ok = false;
  } else if (checkPortNumber(number)) {
    problems.push({ field: `${here()}.containerPort`, message: `containerPort ${number} is not an integer from 1 to 65535` });
    ok = false;
  }
  const protocol = port.protocol === undefined || port.protocol === null ? Protocol.TCP : port.protocol;
  if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) {
    problems.push({ field: `${here()}.protocol`, message: `protocol ${show(protocol)} is not one of TCP, UDP, SCTP` });
    ok = false;
  }
  const name = port.name;
  if (name !== undefined && name !== null && name !== '') {
    const problem = typeof name !== 'string' ? `port name ${show(name)} is not a string; quote it in YAML` : checkPortName(name);
    if (problem) {
      problems.push({ field: `${here()}.name`, message: problem });
      ok = false;
    } else if (names.has(name as string)) {
      problems.push({ field: `${here()}.name`, message: `port name "${name}" is used twice in this container; names must be unique within a container` });
      ok = false;
    } else names.add(name as string);
  }
  if (!ok) return undefined;
  return typeof name === 'string' && name !== ''
    ? { name, containerPort: number as number, protocol: protocol as Protocol }
    : { containerPort: number as number, protocol: protocol as Protocol };
}

/** A pod spec's container ports and hostNetwork, with the API server's rules on ports. */
export function readPodSpec(spec: unknown, field: string, problems: Problem[]): { ports: ContainerPortModel[]; hostNetwork: boolean } {
  const ports: ContainerPortModel[] = [];
  if (!isObject(spec)) return { ports, hostNetwork: false };
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  for (let c = 0; c < containers.length; c++) {
    const container = containers[c];
    if (!isObject(container) || container.ports === undefined || container.ports === null) continue;
    const at = `${field}.containers[${c}].ports`;
    if (!Array.isArray(container.ports)) {
      problems.push({ field: at, message: `ports must be a list of container ports, got ${show(container.ports)}` });
      continue;
    }
    const names = new Set<string>();
    for (let p = 0; p < container.ports.length; p++) {
      if (!(p in container.ports)) continue; // a hole of a sparse array, as forEach skips it
      const port = readContainerPort(container.ports[p], () => `${at}[${p}]`, names, problems);
      if (port) ports.push(port);
    }
  }
  return { ports, hostNetwork: spec.hostNetwork === true };
}
