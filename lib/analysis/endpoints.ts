/**
 * The two kinds of connection endpoints: workloads inside the cluster and address ranges outside it, and their
 * printed names (`ns/name[Kind]`, `first-last[External]`).
 */

/** A workload (or bare Pod) inside the cluster. */
export interface WorkloadEndpoint {
  /** Discriminator. */
  readonly type: 'workload';
  /** The namespace. */
  readonly namespace: string;
  /** The workload name. */
  readonly name: string;
  /** The workload kind (`Deployment`, `Pod`, ...). */
  readonly kind: string;
}

/** A range of addresses outside the cluster (a single address when `first === last`). */
export interface ExternalEndpoint {
  /** Discriminator. */
  readonly type: 'external';
  /** The first address, canonical text. */
  readonly first: string;
  /** The last address, canonical text. */
  readonly last: string;
}

/** Either end of a connection. */
export type Endpoint = WorkloadEndpoint | ExternalEndpoint;

/** The connlist name of an endpoint: `ns/name[Kind]` or `first-last[External]`. */
export function endpointName(endpoint: Endpoint): string {
  return endpoint.type === 'workload'
    ? `${endpoint.namespace}/${endpoint.name}[${endpoint.kind}]`
    : `${endpoint.first}-${endpoint.last}[External]`;
}

/** A short reference for messages: `ns/name` for a workload, the address or range for an external endpoint. */
export function endpointShortName(endpoint: Endpoint): string {
  if (endpoint.type === 'workload') return `${endpoint.namespace}/${endpoint.name}`;
  return endpoint.first === endpoint.last ? endpoint.first : `${endpoint.first}-${endpoint.last}`;
}
