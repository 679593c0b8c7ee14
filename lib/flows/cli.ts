/**
 * `cdk8s-netpol from-flows FILE`: Hubble flow logs in, reviewable TypeScript (and the equivalent YAML) out.
 * A pure function over the file system, so the command wiring stays thin and tests need no process.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as Codegen from './codegen';
import { FlowFileError, parseHubbleFlowFile } from './flow-file';
import type { ParsedFlows } from './hubble';
import { inferPlan } from './infer';

/** Options of `fromFlows`. */
export interface FromFlowsOptions {
  /**
   * Write `<outDir>/<chartName>.ts` and `<outDir>/<chartName>.k8s.yaml` (the directory is created).
   * @default - print the TypeScript on stdout, write nothing
   */
  readonly outDir?: string;
  /**
   * The chart's name: file names, construct id, and (PascalCase + `Chart`) the class name.
   * @default 'observed-traffic'
   */
  readonly chartName?: string;
  /**
   * Namespaces where no policy is written (their pods stay peers).
   * @default ['kube-system']
   */
  readonly excludedNamespaces?: string[];
}

/** What the command prints and returns. */
export interface FromFlowsResult {
  /** The TypeScript (without `outDir`), or the list of files written. */
  readonly stdout: string;
  /** Diagnostics: skipped records (`file:line: problem. fix`), summaries, notes. */
  readonly stderr: string;
  /** 0: written; 2: the file is missing or unreadable, or no usable flow remains. */
  readonly exitCode: number;
}

/**
 * Reads Hubble flow records from `file` (`hubble observe -o json`: one per line, pretty-printed, or a JSON array) and
 * generates a chart allowing exactly the observed forwarded and audited connection starts.
 *
 * @example fromFlows('flows.jsonl', { outDir: 'generated', chartName: 'shop' }) // writes generated/shop.ts and generated/shop.k8s.yaml
 */
export function fromFlows(file: string, options: FromFlowsOptions = {}): FromFlowsResult {
  // The code generator loads cdk8s, which only this command needs: loaded here, every other command starts faster.
  const { chartClassName, DEFAULT_CHART_NAME, generateTypeScript, generateYaml } = require('./codegen') as typeof Codegen;
  const chartName = options.chartName ?? DEFAULT_CHART_NAME;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(chartName)) {
    return { stdout: '', stderr: `from-flows: chart name "${chartName}" is not a DNS label; use lowercase letters, digits and "-", e.g. "observed-traffic".\n`, exitCode: 2 };
  }
  let parsed: ParsedFlows;
  try {
    parsed = parseHubbleFlowFile(file);
  } catch (e) {
    if (!(e instanceof FlowFileError)) throw e;
    return { stdout: '', stderr: `${e.message}. Give the output of "hubble observe -o json > flows.jsonl".\n`, exitCode: 2 };
  }
  const stderr = parsed.diagnostics.map(d => `${d.severity}: ${d.message}\n`);
  if (parsed.flows.length === 0) {
    stderr.push(`error: ${file}: no usable flow (no FORWARDED or AUDIT connection start with TCP, UDP or SCTP ports and valid values; see above); nothing was generated. Capture flows with "hubble observe -o json --last 10000 > ${path.basename(file)}" while the application serves traffic.\n`);
    return { stdout: '', stderr: stderr.join(''), exitCode: 2 };
  }
  const plan = inferPlan(parsed.flows, { excludedNamespaces: options.excludedNamespaces });
  for (const note of plan.notes) stderr.push(`note: ${note}\n`);
  if (plan.connections.length === 0 && plan.cidrAllows.length === 0 && plan.namespaces.every(n => !n.isolated || !n.dns)) {
    stderr.push(`error: ${file}: no flow could be turned into an allow (see the notes above); nothing was generated.\n`);
    return { stdout: '', stderr: stderr.join(''), exitCode: 2 };
  }

  const source = generateTypeScript(plan, { chartName, sourceFile: path.basename(file) });
  if (options.outDir === undefined) return { stdout: source, stderr: stderr.join(''), exitCode: 0 };

  let yaml: string;
  try {
    yaml = generateYaml(plan, { chartName });
  } catch (e) {
    stderr.push(`error: ${file}: the generated constructs failed to synthesize: ${(e as Error).message}\n`);
    return { stdout: '', stderr: stderr.join(''), exitCode: 1 };
  }
  const tsFile = path.join(options.outDir, `${chartName}.ts`);
  const yamlFile = path.join(options.outDir, `${chartName}.k8s.yaml`);
  try {
    fs.mkdirSync(options.outDir, { recursive: true });
    fs.writeFileSync(tsFile, source);
    fs.writeFileSync(yamlFile, yaml);
  } catch (e) {
    stderr.push(`error: cannot write to ${options.outDir}: ${(e as Error).message}\n`);
    return { stdout: '', stderr: stderr.join(''), exitCode: 2 };
  }
  const summary = `${chartClassName(chartName)} from ${parsed.flows.length} flows: ${plan.namespaces.filter(n => n.isolated).length} namespaces, ${plan.connections.length} workload allows, ${plan.cidrAllows.length} external allows.\n`;
  return { stdout: `wrote ${tsFile}\nwrote ${yamlFile}\n${summary}`, stderr: stderr.join(''), exitCode: 0 };
}
