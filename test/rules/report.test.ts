import { formatJson, formatSarif, formatText, lint, RULES, SARIF_SCHEMA } from '../../lib/rules';
import { baseline, lintObjects, np, replace, suppress } from './helpers';

/** The baseline with an OR trap (error), an egress to 0.0.0.0/0 (warning, suppressed) and a duplicate rule (info). */
function mixed() {
  return lintObjects([
    ...baseline(),
    np('production', 'or-trap', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }, { podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 9090 }] }] }),
    np('production', 'internet', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }] }, suppress('NP007', 'public API, reviewed by security 2026-11')),
    np('production', 'frontend-allow-to-api-again', { podSelector: { matchLabels: { app: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] }),
  ], { skip: ['NP009'] });
}

describe('text report', () => {
  test('one line per finding with severity, id, object, message, file#doc and field, then a summary', () => {
    const lines = formatText(mixed()).trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^error NP001 NetworkPolicy production\/or-trap: production\/or-trap ingress\[0\]\.from lists .* \[test\.yaml#7 spec\.ingress\[0\]\.from\]$/),
      'warning NP007 NetworkPolicy production/internet: production/internet egress[0] allows egress to 0.0.0.0/0 on TCP 443 [test.yaml#8 spec.egress[0].to[0].ipBlock] (suppressed by NetworkPolicy production/internet: public API, reviewed by security 2026-11)',
      'info NP014 NetworkPolicy production/frontend-allow-to-api-again: production/frontend-allow-to-api-again egress[0] is fully shadowed by production/frontend-allow-to-api egress[0]: every peer and port it allows is already allowed [test.yaml#9 spec.egress[0]]',
      '1 error, 0 warnings, 1 info (1 suppressed); 24 rules over 7 policies, 1 namespace, 2 workloads',
    ]);
  });

  test('shows construct paths for objects defined by constructs', () => {
    const cluster = { namespaces: [], workloads: [], policies: [{ name: 'p', namespaceName: 'n', podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP' as any, port: 80 }] }], source: { constructPath: 'app/chart/p' } }] };
    expect(formatText(lint(cluster, { only: ['NP007'] }))).toContain('[app/chart/p spec.ingress[0]]');
  });
});

describe('json report', () => {
  test('holds summary, findings with suppression state, and rule metadata', () => {
    const json = JSON.parse(formatJson(mixed()));
    expect(json.summary).toMatchObject({ error: 1, warning: 0, info: 1, suppressed: 1 });
    expect(json.findings[1]).toMatchObject({ ruleId: 'NP007', severity: 'warning', suppressed: true, suppressionReason: 'public API, reviewed by security 2026-11', source: { file: 'test.yaml', documentIndex: 8 } });
    expect(json.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map(r => r.id).filter(id => id !== 'NP009'));
  });
});

describe('SARIF report', () => {
  const sarif = () => JSON.parse(formatSarif(mixed(), { toolVersion: '1.2.3', documentLine: (file, index) => (file === 'test.yaml' ? 10 * index + 1 : undefined) }));

  test('is SARIF 2.1.0 with the schema and the rules as tool.driver.rules', () => {
    const log = sarif();
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe(SARIF_SCHEMA);
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'cdk8s-netpol', version: '1.2.3' });
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map(r => r.id).filter(id => id !== 'NP009'));
    expect(driver.rules[1]).toMatchObject({ id: 'NP001', name: 'or-trap', shortDescription: { text: RULES[1].summary }, fullDescription: { text: `${RULES[1].why} Fix: ${RULES[1].fix}` }, defaultConfiguration: { level: 'error' } });
    expect(driver.rules[1].help.text).toContain(RULES[1].why);
    expect(driver.rules[1].help.text).toContain(`Fix: ${RULES[1].fix}`);
  });

  test('results carry ruleId, ruleIndex, level error/warning/note, message and locations with a region', () => {
    const results = sarif().runs[0].results;
    expect(results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`)).toEqual(['NP001 error', 'NP007 warning', 'NP014 note']);
    expect(results[0].ruleIndex).toBe(1);
    expect(results[0].message.text).toContain('production/or-trap');
    expect(results[0].locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'test.yaml' }, region: { startLine: 71 } },
      logicalLocations: [{ name: 'or-trap', fullyQualifiedName: 'NetworkPolicy production/or-trap', kind: 'object' }],
    });
  });

  test('suppressed findings carry an inSource suppression with the justification; others none', () => {
    const results = sarif().runs[0].results;
    expect(results[1].suppressions).toEqual([{ kind: 'inSource', justification: 'public API, reviewed by security 2026-11' }]);
    expect(results[0].suppressions).toBeUndefined();
  });

  test('objects without a file get a logical location with the construct path', () => {
    const cluster = { namespaces: [], workloads: [], policies: [{ name: 'p', namespaceName: 'n', podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP' as any, port: 80 }] }], source: { constructPath: 'app/chart/p' } }] };
    const log = JSON.parse(formatSarif(lint(cluster, { only: ['NP007'] })));
    expect(log.runs[0].results[0].locations).toEqual([{ logicalLocations: [{ name: 'p', fullyQualifiedName: 'app/chart/p', kind: 'object' }] }]);
  });

  test('has no region when the document line is unknown', () => {
    const log = JSON.parse(formatSarif(lintObjects(replace(baseline(), 'allow-dns', undefined), { only: ['NP004'] })));
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'test.yaml' } });
  });
});
