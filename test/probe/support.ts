/** Helpers for the probe tests: the CLI with `probe` registered, and the scripted kubectl stand-in. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommanderError } from 'commander';
import { CliError, ExitCode } from '../../lib/cli/command';
import { createProgram } from '../../lib/cli/main';
import { registerProbe } from '../../lib/cli/probe';
import { Exec } from '../../lib/probe/run';

/** The kubectl stand-in (test/probe/fixtures/kubectl), which answers from the scenario file in $KUBECTL_SCENARIO. */
export const KUBECTL = path.join(__dirname, 'fixtures', 'kubectl');

/** A file under test/probe/fixtures. */
export function fixture(name: string): string {
  return path.join(__dirname, 'fixtures', name);
}

/** The field guide's production namespace (frontend, api, postgres, kube-system/coredns and the guide's policies). */
export const PRODUCTION = path.join(__dirname, '..', 'cli', 'fixtures', 'production');

/** What one CLI run wrote and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cdk8s-netpol ARGS...` in-process as `run()` in lib/cli/main.ts does, with `probe` registered (until main.ts
 * lists it) and kubectl run through `exec` when given.
 */
export async function cli(args: string[], exec?: Exec): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = { out: (t: string) => { stdout += t; }, err: (t: string) => { stderr += t; } };
  let code: number = ExitCode.OK;
  try {
    const program = createProgram(io, c => { code = c; });
    const existing = program.commands.find(c => c.name() === 'probe');
    if (existing && exec) throw new Error('probe is registered by main.ts: remove it from the program before adding the scripted one');
    if (!existing) registerProbe(exec)(program, io, c => { code = c; });
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
    else if (err instanceof CliError) { stderr += `error: ${err.message}\n`; code = err.exitCode; } else throw err;
  }
  return { code, stdout, stderr };
}

/** Runs `probe` through the stand-in with the scenario; returns the result and every kubectl call's arguments. */
export async function probeWithStandIn(scenario: string, args: string[]): Promise<CliResult & { calls: string[][] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
  const log = path.join(dir, 'kubectl.log');
  const saved = { scenario: process.env.KUBECTL_SCENARIO, log: process.env.KUBECTL_LOG };
  process.env.KUBECTL_SCENARIO = fixture(scenario);
  process.env.KUBECTL_LOG = log;
  try {
    const result = await cli(['probe', ...args, '--kubectl', KUBECTL]);
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf-8').trim().split('\n').filter(l => l).map(l => JSON.parse(l)) : [];
    return { ...result, calls };
  } finally {
    restore('KUBECTL_SCENARIO', saved.scenario);
    restore('KUBECTL_LOG', saved.log);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]; else process.env[name] = value;
}
