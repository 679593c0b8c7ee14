/**
 * Report formats of a lint run: `text` (one line per finding and a summary line), `json`, and `sarif` (SARIF 2.1.0,
 * for GitHub code scanning and other SARIF viewers).
 */
import { LintResult } from './lint';
import { ruleById } from './registry';
import { Finding, objectLabel, Rule, Severity } from './rule';

/** Options of the text format. */
export interface TextOptions {
  /**
   * Whether to list suppressed findings (they are always counted).
   * @default true
   */
  readonly showSuppressed?: boolean;
}

/** Where a finding's object was defined, as text: `file#doc`, or the construct path. */
export function sourceText(f: Finding): string {
  const { file, documentIndex, constructPath } = f.source;
  if (file !== undefined) return `${file}${documentIndex !== undefined ? `#${documentIndex}` : ''}`;
  return constructPath ?? '(unknown source)';
}

/** How to accept a finding of `ruleId` instead of fixing it, in the constructs' words. */
export function acceptText(ruleId: string): string {
  return `suppress('${ruleId}', '<why>') on the policy or its IsolatedNamespace`;
}

/** The fix of a finding's rule, and how to accept the finding instead: `Fix: ... Or accept it: suppress(...).` */
export function fixText(f: Finding): string {
  return `Fix: ${ruleById(f.ruleId)?.fix ?? ''} Or accept it: ${acceptText(f.ruleId)}.`;
}

/** A finding as three indented lines, for people at synth and in tests: severity, rule and message; where; the fix. */
export function findingBlock(f: Finding, where: string): string {
  return `  ${f.severity} [${f.ruleId}] ${f.message}\n    at ${where}\n    ${fixText(f)}`;
}

/**
 * One line per finding: `error NP001 NetworkPolicy production/x: message [file.yaml#3 spec.ingress[0].from]`,
 * suppressed findings with `(suppressed: reason)`, then a summary line.
 */
export function formatText(result: LintResult, options: TextOptions = {}): string {
  const lines: string[] = [];
  for (const f of result.findings) {
    if (f.suppressed && options.showSuppressed === false) continue;
    const where = [sourceText(f), f.field].filter(Boolean).join(' ');
    const suppressed = f.suppressed ? ` (suppressed by ${f.suppressedBy}: ${f.suppressionReason})` : '';
    lines.push(`${f.severity} ${f.ruleId} ${objectLabel(f.object)}: ${f.message} [${where}]${suppressed}`);
  }
  lines.push(summaryLine(result));
  return `${lines.join('\n')}\n`;
}

/** `2 errors, 1 warning, 0 infos (1 suppressed); 16 rules over 5 policies, 2 namespaces, 3 workloads`. */
export function summaryLine(result: LintResult): string {
  const s = result.summary;
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  return `${n(s.error, 'error')}, ${n(s.warning, 'warning')}, ${n(s.info, 'info')} (${s.suppressed} suppressed); `
    + `${n(result.rules.length, 'rule')} over ${n(s.policies, 'policy').replace('policys', 'policies')}, ${n(s.namespaces, 'namespace')}, ${n(s.workloads, 'workload')}`;
}

/** The JSON report: `{ summary, findings, rules }`, pretty-printed. */
export function formatJson(result: LintResult): string {
  return `${JSON.stringify({
    summary: result.summary,
    findings: result.findings.map(f => ({
      ruleId: f.ruleId,
      severity: f.severity,
      object: f.object,
      message: f.message,
      source: f.source,
      ...(f.field !== undefined ? { field: f.field } : {}),
      suppressed: f.suppressed,
      ...(f.suppressed ? { suppressionReason: f.suppressionReason, suppressedBy: f.suppressedBy } : {}),
    })),
    rules: result.rules.map(ruleJson),
  }, null, 2)}\n`;
}

function ruleJson(r: Rule): { id: string; name: string; severity: Severity; summary: string; why: string; fix: string } {
  return { id: r.id, name: r.name, severity: r.severity, summary: r.summary, why: r.why, fix: r.fix };
}

/** The SARIF 2.1.0 JSON schema URI. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Options of the SARIF format. */
export interface SarifOptions {
  /**
   * The 1-based line where a YAML document starts, for a region (the CLI reads it from the file).
   * @default - no region
   */
  readonly documentLine?: (file: string, documentIndex: number) => number | undefined;
  /**
   * The tool version.
   * @default - the package version
   */
  readonly toolVersion?: string;
}

const LEVEL: { [s in Severity]: 'error' | 'warning' | 'note' } = {
  [Severity.ERROR]: 'error',
  [Severity.WARNING]: 'warning',
  [Severity.INFO]: 'note',
};

function toolVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return String(require('../../package.json').version);
  } catch {
    return '0.0.0';
  }
}

/** A file path as a SARIF artifact URI: relative paths with forward slashes, absolute paths as file:// URIs. */
export function artifactUri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${encodeURI(slashed)}`;
  if (slashed.startsWith('/')) return `file://${encodeURI(slashed)}`;
  return encodeURI(slashed.replace(/^\.\//, ''));
}

/**
 * SARIF 2.1.0: one run, `tool.driver.rules` from the rules' metadata, one result per finding with level
 * error/warning/note, a physical location (file, and a region at the document's first line when known) and a
 * logical location naming the object; suppressed findings carry `suppressions: [{kind: 'inSource', justification}]`.
 */
export function formatSarif(result: LintResult, options: SarifOptions = {}): string {
  const ruleIndex = new Map(result.rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk8s-netpol',
          informationUri: 'https://github.com/cdk8s-netpol/cdk8s-netpol',
          version: options.toolVersion ?? toolVersion(),
          rules: result.rules.map(r => ({
            id: r.id,
            name: r.name,
            shortDescription: { text: r.summary },
            fullDescription: { text: `${r.why} Fix: ${r.fix}` },
            help: { text: `${r.summary}\n\n${r.why}\n\nFix: ${r.fix}`, markdown: `**${r.id} ${r.name}**: ${r.summary}\n\n${r.why}\n\n**Fix:** ${r.fix}` },
            defaultConfiguration: { level: LEVEL[r.severity] },
            properties: { tags: ['security', 'kubernetes', 'networkpolicy'] },
          })),
        },
      },
      results: result.findings.map(f => {
        const logical = {
          name: f.object.name,
          fullyQualifiedName: objectLabel(f.object),
          kind: 'object',
        };
        const locations: object[] = [];
        if (f.source.file !== undefined) {
          const line = f.source.documentIndex !== undefined ? options.documentLine?.(f.source.file, f.source.documentIndex) : undefined;
          locations.push({
            physicalLocation: {
              artifactLocation: { uri: artifactUri(f.source.file) },
              ...(line !== undefined ? { region: { startLine: line } } : {}),
            },
            logicalLocations: [logical],
          });
        } else {
          locations.push({ logicalLocations: [f.source.constructPath !== undefined ? { ...logical, fullyQualifiedName: f.source.constructPath } : logical] });
        }
        return {
          ruleId: f.ruleId,
          ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations,
          properties: {
            object: objectLabel(f.object),
            ...(f.field !== undefined ? { field: f.field } : {}),
            ...(f.source.documentIndex !== undefined ? { documentIndex: f.source.documentIndex } : {}),
            ...(f.source.constructPath !== undefined ? { constructPath: f.source.constructPath } : {}),
          },
          ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressionReason ?? '' }] } : {}),
        };
      }),
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
