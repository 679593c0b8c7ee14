import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../lib/rules';
import { rulesMarkdown } from '../../scripts/rules-md';

describe('RULES.md', () => {
  test('equals the generator output (regenerate: npx ts-node --project tsconfig.dev.json scripts/rules-md.ts RULES.md)', () => {
    const checkedIn = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf-8');
    expect(checkedIn).toBe(rulesMarkdown());
  });

  test('lists every rule with its severity and summary', () => {
    const md = rulesMarkdown();
    for (const r of RULES) expect(md).toContain(`| ${r.severity} | ${r.name} |`);
  });
});

describe('the rule registry', () => {
  test('ids are unique, NP and three digits, in order; names are kebab-case', () => {
    const ids = RULES.map(r => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
    for (const r of RULES) {
      expect(r.id).toMatch(/^NP\d{3}$/);
      expect(r.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['error', 'warning', 'info']).toContain(r.severity);
      expect(r.summary.length).toBeGreaterThan(20);
      expect(r.why.length).toBeGreaterThan(r.summary.length);
      expect(r.fix).toMatch(/^[A-Z].{20,}\.$/);
      expect(r.why).not.toContain('Fix:');
    }
  });

  test('only NP000 is unsuppressible', () => {
    expect(RULES.filter(r => !r.suppressible).map(r => r.id)).toEqual(['NP000']);
  });
});
