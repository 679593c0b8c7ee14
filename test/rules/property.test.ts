import * as fc from 'fast-check';
import { lint, RULES } from '../../lib/rules';
import { clusterArb } from '../support/arbitraries';

describe('lint on random clusters', () => {
  test('never throws, is deterministic, and every finding names its object and carries a known rule id', () => {
    const ids = new Set(RULES.map(r => r.id));
    fc.assert(fc.property(clusterArb, cluster => {
      const first = lint(cluster);
      expect(lint(cluster).findings).toEqual(first.findings);
      for (const f of first.findings) {
        expect(ids.has(f.ruleId)).toBe(true);
        expect(f.message).not.toContain('undefined');
        expect(f.message).not.toContain('\n');
        expect(f.object.name.length).toBeGreaterThan(0);
      }
    }), { numRuns: 200 });
  });
});
