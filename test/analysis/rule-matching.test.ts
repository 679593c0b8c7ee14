/**
 * `Engine.ruleMatchesOneClass`, which matches a rule's peers against one class without making the rule's class set,
 * against `ruleMatchesClass`, which makes the set: the same answer for every rule and class of random clusters, with
 * host-network pods in both modes, whichever is asked first.
 */
import * as fc from 'fast-check';
import { Analysis } from '../../lib/analysis';
import { HostNetworkMode } from '../../lib/analysis/engine';
import { ClusterModel } from '../../lib/model/types';
import { clusterArb } from '../support/arbitraries';

/** A random cluster whose workloads use the host network at random. */
const withHostNetworkArb: fc.Arbitrary<ClusterModel> = clusterArb.chain(cluster => fc
  .array(fc.boolean(), { minLength: cluster.workloads.length, maxLength: cluster.workloads.length })
  .map(flags => ({ ...cluster, workloads: cluster.workloads.map((w, i) => (flags[i] ? { ...w, hostNetwork: true } : w)) })));

describe('matching a rule against one class', () => {
  test.each([HostNetworkMode.AS_POD, HostNetworkMode.NODE])('gives what the rule\'s class set gives, for every rule and class (random clusters, host network %s)', mode => {
    fc.assert(fc.property(withHostNetworkArb, fc.boolean(), (cluster, setsFirst) => {
      const direct = Analysis.of(cluster, { hostNetwork: mode }).engine;
      const bySet = Analysis.of(cluster, { hostNetwork: mode }).engine;
      const rules = bySet.policies.flatMap(p => [...p.ingress, ...p.egress]);
      const directRules = direct.policies.flatMap(p => [...p.ingress, ...p.egress]);
      // With the sets made first, the one-class answer comes from them; otherwise from the peers' selectors.
      if (setsFirst) for (const rule of directRules) direct.ruleClasses(rule);
      rules.forEach((rule, r) => {
        bySet.classes.forEach((cls, c) => {
          const expected = bySet.ruleMatchesClass(rule, cls);
          expect([r, c, direct.ruleMatchesOneClass(directRules[r], direct.classes[c])]).toEqual([r, c, expected]);
        });
      });
    }), { numRuns: 200 });
  });
});
