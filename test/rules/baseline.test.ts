import { formatText, lint } from '../../lib/rules';
import { baseline, lintObjects } from './helpers';

describe('the compliant baseline', () => {
  test('lints with no finding at all', () => {
    // GIVEN a namespace with default deny, DNS and both halves of frontend → api
    // WHEN
    const result = lintObjects(baseline());
    // THEN
    expect(formatText(result)).toBe('0 errors, 0 warnings, 0 infos (0 suppressed); 25 rules over 4 policies, 1 namespace, 2 workloads\n');
  });

  test('an empty cluster lints clean', () => {
    const result = lint({ namespaces: [], workloads: [], policies: [] });
    expect(result.findings).toEqual([]);
    expect(result.rules.length).toBeGreaterThan(15);
  });
});
