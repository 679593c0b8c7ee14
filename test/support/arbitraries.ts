/**
 * fast-check arbitraries for small random clusters: 2-3 namespaces (some only referenced, not declared), a few workloads with labels from a tiny
 * vocabulary and named ports, and 0-4 valid NetworkPolicies with random selectors (matchLabels and
 * matchExpressions), peers (pod, namespace, both, ipBlock), ports (numbers, ranges, names, bare protocols, SCTP)
 * and policy types.
 */
import * as fc from 'fast-check';
import {
  ClusterModel, ContainerPortModel, IpBlockModel, LabelExpressionModel, LabelOperator, NamespaceModel, PeerModel,
  PolicyModel, PolicyType, PortModel, Protocol, RuleModel, SelectorModel, WorkloadModel,
} from '../../lib/model/types';

const NAMESPACES = ['alpha', 'beta', 'gamma'];
const KEYS = ['app', 'tier'];
const VALUES = ['web', 'db', 'x'];
const PROTOCOLS = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];

/** Ports worth sampling: every number and range boundary the generators use, plus the extremes. */
export const SAMPLE_PORTS = [1, 52, 53, 54, 79, 80, 81, 443, 8079, 8080, 8081, 8082, 9000, 9090, 65535];
/** Addresses worth sampling: inside and outside every CIDR and except the generators use. */
export const SAMPLE_IPS = ['0.0.0.0', '8.8.8.8', '9.255.255.255', '10.0.0.1', '10.1.0.1', '10.1.255.255', '10.2.0.0', '10.255.255.255', '11.0.0.0', '172.16.0.1', '172.31.255.255', '192.168.1.1', '192.168.1.128', '192.168.2.1', '255.255.255.255'];

const IP_BLOCKS: IpBlockModel[] = [
  { cidr: '0.0.0.0/0' },
  { cidr: '0.0.0.0/0', exceptCidrs: ['10.0.0.0/8'] },
  { cidr: '10.0.0.0/8', exceptCidrs: ['10.1.0.0/16'] },
  { cidr: '10.0.0.0/8' },
  { cidr: '172.16.0.0/12' },
  { cidr: '192.168.1.0/24', exceptCidrs: ['192.168.1.128/25'] },
  { cidr: '8.8.8.8/32' },
];

const NAMED_PORTS: ContainerPortModel[] = [
  { name: 'http', containerPort: 80, protocol: Protocol.TCP },
  { name: 'http', containerPort: 8080, protocol: Protocol.TCP },
  { name: 'dns', containerPort: 53, protocol: Protocol.UDP },
  { name: 'dns', containerPort: 53, protocol: Protocol.TCP },
  { name: 'metrics', containerPort: 9090, protocol: Protocol.TCP },
  { name: 'assoc', containerPort: 9000, protocol: Protocol.SCTP },
];

const labelsArb: fc.Arbitrary<{ [k: string]: string }> = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });

const expressionArb: fc.Arbitrary<LabelExpressionModel> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS, 'team'), op: fc.constantFrom(LabelOperator.IN, LabelOperator.NOT_IN), values: fc.uniqueArray(fc.constantFrom(...VALUES, 'red'), { minLength: 1, maxLength: 2 }) }),
  fc.record({ key: fc.constantFrom(...KEYS, 'team'), op: fc.constantFrom(LabelOperator.EXISTS, LabelOperator.DOES_NOT_EXIST) }),
);

const selectorArb: fc.Arbitrary<SelectorModel> = fc.record({
  matchLabels: fc.option(fc.dictionary(fc.constantFrom(...KEYS, 'team'), fc.constantFrom(...VALUES, 'red'), { maxKeys: 1 }), { nil: undefined }),
  matchExpressions: fc.option(fc.array(expressionArb, { maxLength: 2 }), { nil: undefined }),
}, { requiredKeys: [] });

const peerArb: fc.Arbitrary<PeerModel> = fc.oneof(
  selectorArb.map(podSelector => ({ podSelector })),
  selectorArb.map(namespaceSelector => ({ namespaceSelector })),
  fc.tuple(selectorArb, selectorArb).map(([namespaceSelector, podSelector]) => ({ namespaceSelector, podSelector })),
  fc.constantFrom(...IP_BLOCKS).map(ipBlock => ({ ipBlock })),
);

const portArb: fc.Arbitrary<PortModel> = fc.oneof(
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(53, 80, 443, 8080, 9000) }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(1, 80, 8080, 9000), endPort: fc.constantFrom(80, 8081, 65535) })
    .filter(p => p.endPort >= p.port),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), portName: fc.constantFrom('http', 'dns', 'metrics', 'assoc', 'nothing') }),
  fc.constantFrom(...PROTOCOLS).map(protocol => ({ protocol })),
);

const ruleArb: fc.Arbitrary<RuleModel> = fc.record({
  peers: fc.option(fc.array(peerArb, { maxLength: 2 }), { nil: undefined }),
  ports: fc.option(fc.array(portArb, { maxLength: 2 }), { nil: undefined }),
}, { requiredKeys: [] });

const rulesArb = fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined });

const policyTypesArb: fc.Arbitrary<PolicyType[] | undefined> = fc.constantFrom(
  undefined, [PolicyType.INGRESS], [PolicyType.EGRESS], [PolicyType.INGRESS, PolicyType.EGRESS]);

function policyArb(index: number, namespaces: string[]): fc.Arbitrary<PolicyModel> {
  return fc.record({
    namespaceName: fc.constantFrom(...namespaces),
    podSelector: selectorArb,
    policyTypes: policyTypesArb,
    ingress: rulesArb,
    egress: rulesArb,
  }).map(p => {
    const out: PolicyModel = { name: `policy-${index}`, namespaceName: p.namespaceName, podSelector: p.podSelector };
    return {
      ...out,
      ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}),
      ...(p.ingress ? { ingress: p.ingress } : {}),
      ...(p.egress ? { egress: p.egress } : {}),
    };
  });
}

/** A small random cluster whose policies all pass `checkPolicy`. */
export const clusterArb: fc.Arbitrary<ClusterModel> = fc.integer({ min: 2, max: 3 }).chain(nsCount => {
  const names = NAMESPACES.slice(0, nsCount);
  const namespacesArb: fc.Arbitrary<NamespaceModel[]> = fc.tuple(...names.map(name =>
    fc.dictionary(fc.constantFrom('team', 'env'), fc.constantFrom('red', 'blue'), { maxKeys: 2 }).map(labels => ({ name, labels }))));
  const workloadArb = (i: number): fc.Arbitrary<WorkloadModel> => fc.record({
    namespaceName: fc.constantFrom(...names),
    podLabels: labelsArb,
    ports: fc.subarray(NAMED_PORTS, { maxLength: 3 }),
  }).map(w => ({ kind: 'Deployment', name: `w${i}`, ...w }));
  // Some namespaces stay undeclared: they exist only through their workloads and policies.
  const declaredArb = fc.tuple(namespacesArb, fc.array(fc.boolean(), { minLength: nsCount, maxLength: nsCount }))
    .map(([namespaces, keep]) => namespaces.filter((_, i) => keep[i] || i === 0));
  return fc.tuple(
    declaredArb,
    fc.integer({ min: 2, max: 5 }).chain(n => fc.tuple(...Array.from({ length: n }, (_, i) => workloadArb(i)))),
    fc.integer({ min: 0, max: 4 }).chain(n => (n === 0 ? fc.constant([] as PolicyModel[]) : fc.tuple(...Array.from({ length: n }, (_, i) => policyArb(i, names))))),
  ).map(([namespaces, workloads, policies]) => ({ namespaces, workloads, policies }));
});

/** A cluster and a mutated copy: some policies and workloads dropped, some of another cluster's added, some relabelled. */
export const clusterPairArb: fc.Arbitrary<[ClusterModel, ClusterModel]> = fc.record({
  base: clusterArb,
  other: clusterArb,
  keepPolicy: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  keepWorkload: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  takePolicy: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  takeWorkload: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  relabel: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  samePolicies: fc.boolean(),
}).map(({ base, other, keepPolicy, keepWorkload, takePolicy, takeWorkload, relabel, samePolicies }) => {
  const policies: PolicyModel[] = samePolicies ? base.policies : [
    ...base.policies.filter((_, i) => keepPolicy[i]),
    ...other.policies.filter((_, i) => takePolicy[i]).map(p => ({ ...p, name: `other-${p.name}` })),
  ];
  const workloads: WorkloadModel[] = [
    ...base.workloads.filter((_, i) => keepWorkload[i]).map((w, i) => (relabel[i] && other.workloads[i] ? { ...w, podLabels: other.workloads[i].podLabels } : w)),
    ...other.workloads.filter((_, i) => takeWorkload[i]).map(w => ({ ...w, name: `x${w.name}` })),
  ];
  const namespaces = [...base.namespaces, ...other.namespaces.filter(n => !base.namespaces.some(b => b.name === n.name))];
  return [base, { namespaces, workloads, policies }];
});
