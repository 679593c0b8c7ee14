/**
 * jest matchers that prove connectivity of a cdk8s app before it reaches a cluster:
 *
 *   expect.extend(netpolMatchers);
 *   expect(chart).toAllowConnection({ from: 'production/frontend', to: 'production/api', port: 8080 });
 *   expect(chart).toDenyConnection({ from: 'production/frontend', to: 'production/postgres', port: 5432 });
 *
 * A failure message is the engine's explanation: which policy isolated which side, and why no rule matched (or
 * which rules allowed what should have been denied).
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Protocol } from '../model/types';
import { analyze } from '../cluster-of';

/** A connection to check: endpoints as `namespace/name` (or `namespace/name[Kind]`, an IP address, or a workload construct). */
export interface ConnectionQuery {
  /** The source: `namespace/workload`, an IP address, or a cdk8s-plus workload. */
  readonly from: string | IConstruct;
  /** The destination: `namespace/workload`, an IP address, or a cdk8s-plus workload. */
  readonly to: string | IConstruct;
  /** The destination port (1-65535). */
  readonly port: number;
  /** The protocol; TCP when absent. */
  readonly protocol?: Protocol | 'TCP' | 'UDP' | 'SCTP';
}

/** What a jest matcher returns. */
interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** The `namespace/name` of a workload construct (its manifest's), or the string as given. */
export function endpointRef(endpoint: string | IConstruct): string {
  if (typeof endpoint === 'string') return endpoint;
  const object = ApiObject.of(endpoint);
  return `${object.metadata.namespace ?? Chart.of(endpoint).namespace ?? 'default'}/${object.name}`;
}

function check(scope: IConstruct, query: ConnectionQuery, expectAllowed: boolean): MatcherResult {
  const from = endpointRef(query.from);
  const to = endpointRef(query.to);
  const protocol = (query.protocol ?? Protocol.TCP) as Protocol;
  const explanation = analyze(scope).explain(from, to, query.port, protocol);
  const pass = explanation.allowed === expectAllowed;
  const expected = `expected ${from} → ${to} on ${protocol} ${query.port} to be ${expectAllowed ? 'allowed' : 'denied'}`;
  return { pass, message: () => `${pass ? `${expected}, and it is (.not was used)` : expected}:\n${explanation.text}` };
}

/** The matchers; register them with `expect.extend(netpolMatchers)`. */
export const netpolMatchers = {
  /** Passes when Kubernetes would allow the connection (egress at the source and ingress at the destination). */
  toAllowConnection(received: IConstruct, query: ConnectionQuery): MatcherResult {
    return check(received, query, true);
  },
  /** Passes when Kubernetes would deny the connection. */
  toDenyConnection(received: IConstruct, query: ConnectionQuery): MatcherResult {
    return check(received, query, false);
  },
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** Passes when the construct tree's policies allow the connection. */
      toAllowConnection(query: ConnectionQuery): R;
      /** Passes when the construct tree's policies deny the connection. */
      toDenyConnection(query: ConnectionQuery): R;
    }
  }
}
