/**
 * Runs a probe plan against a live cluster with `kubectl`: looks up a running pod IP of each target, connects from
 * each source with a short-timeout client inside the source's pod (`kubectl exec`), and compares what happened with
 * what the policies say.
 *
 * Every process goes through an injectable `Exec`, so tests drive the whole run with a scripted stand-in.
 *
 * How kubectl's answers are read:
 * - exit 0 from `kubectl exec`: the client connected (observed allow);
 * - `command terminated with exit code N` on standard error: the client ran and did not connect (observed deny),
 *   except N = 126 or 127, which means the client is not in the container (the connection is not probed);
 * - anything else is kubectl's own failure: a missing context, an unreachable API server or a missing kubectl binary
 *   stop the run (`ProbeAbort`); a missing pod or workload, or a pod that does not run, leaves that connection
 *   unprobed.
 */
import { execFile } from 'child_process';
import { Protocol } from '../model/types';
import { execRef, ProbeCase, ProbePlan, ProbeVerdict, ProbeWorkload, workloadRef } from './plan';

/** What one process did. */
export interface ExecResult {
  /** The exit code (127 when the program could not be started, 124 when it was stopped after the time limit). */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** Runs a program with arguments (no shell) and resolves to what it did; never rejects. */
export type Exec = (command: string, args: string[]) => Promise<ExecResult>;

/** The clients `probe` can run in the source pods. */
export enum ProbeClient {
  /** `nc -z -w T IP PORT`: a TCP handshake, nothing sent (busybox, netcat-openbsd). The default. */
  NC = 'nc',
  /** `wget -q -O /dev/null -T T http://IP:PORT/`: an HTTP GET; only for HTTP ports (an HTTP error counts as denied). */
  WGET = 'wget',
  /** `timeout T bash -c '</dev/tcp/IP/PORT'`: bash's TCP redirection, for images with bash but no nc. */
  BASH = 'bash',
}

/** Options of `runProbe`. */
export interface ProbeRunOptions {
  /** The kubeconfig context (`kubectl --context`); required, so a probe never runs against whatever is current. */
  readonly context: string;
  /**
   * The kubectl program.
   * @default "kubectl" from PATH
   */
  readonly kubectl?: string;
  /**
   * How processes are run.
   * @default - `defaultExec(timeoutSeconds + 30)`
   */
  readonly exec?: Exec;
  /**
   * Seconds the client waits for a connection.
   * @default 2
   */
  readonly timeoutSeconds?: number;
  /**
   * The client run in the source pods.
   * @default ProbeClient.NC
   */
  readonly client?: ProbeClient;
}

/** What happened to one connection of the plan. */
export interface ProbeObservation {
  /** The connection. */
  readonly probe: ProbeCase;
  /** The target pod's IP, when one was found. */
  readonly address?: string;
  /** What happened, when the connection was probed. */
  readonly observed?: ProbeVerdict;
  /** Why the connection could not be probed. */
  readonly error?: string;
  /** The client's or kubectl's last words, trimmed (for differences and errors). */
  readonly detail?: string;
}

/** The result of a run. */
export interface ProbeReport {
  /** The context probed. */
  readonly context: string;
  /** One observation per connection of the plan, in plan order. */
  readonly observations: ProbeObservation[];
  /** The observations whose outcome differs from the expected verdict. */
  readonly differences: ProbeObservation[];
  /** The observations that could not be probed. */
  readonly errors: ProbeObservation[];
}

/** Why a run stopped before probing: kubectl cannot reach the cluster at all. */
export class ProbeAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeAbort';
  }
}

/**
 * The default `Exec`: `child_process.execFile`, no shell, stopped after `timeoutSeconds`, with this process's
 * environment (read at each call, so KUBECONFIG set by the caller counts).
 */
export function defaultExec(timeoutSeconds: number): Exec {
  return (command, args) => new Promise(resolve => {
    const options = { env: { ...process.env }, timeout: timeoutSeconds * 1000, maxBuffer: 1024 * 1024, windowsHide: true };
    execFile(command, args, options, (error, stdout, stderr) => {
      const out = String(stdout ?? '');
      const err = String(stderr ?? '');
      if (!error) return resolve({ code: 0, stdout: out, stderr: err });
      const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: string };
      if (e.code === 'ENOENT') return resolve({ code: 127, stdout: out, stderr: `${err}spawn ${command} ENOENT: no such program` });
      if (e.code === 'EACCES') return resolve({ code: 126, stdout: out, stderr: `${err}spawn ${command} EACCES: not executable` });
      if (e.killed || e.signal) return resolve({ code: 124, stdout: out, stderr: `${err}stopped after ${timeoutSeconds}s` });
      resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout: out, stderr: err });
    });
  });
}

/** The client command run inside a source pod. */
export function clientCommand(client: ProbeClient, address: string, port: number, timeoutSeconds: number): string[] {
  const t = String(timeoutSeconds);
  switch (client) {
    case ProbeClient.WGET: return ['wget', '-q', '-O', '/dev/null', '-T', t, `http://${address.includes(':') ? `[${address}]` : address}:${port}/`];
    case ProbeClient.BASH: return ['timeout', t, 'bash', '-c', `</dev/tcp/${address}/${port}`];
    default: return ['nc', '-z', '-w', t, address, String(port)];
  }
}

/** The kubectl arguments that look up the IPs of a target's running pods (by name for a bare Pod, else by labels). */
export function podIpArgs(context: string, target: ProbeWorkload): string[] {
  if (target.kind === 'Pod') {
    return ['--context', context, '-n', target.namespaceName, 'get', 'pod', target.name, '-o', 'jsonpath={.status.podIP}'];
  }
  const selector = Object.keys(target.podLabels).sort().map(k => `${k}=${target.podLabels[k]}`).join(',');
  return ['--context', context, '-n', target.namespaceName, 'get', 'pods', '-l', selector,
    '--field-selector=status.phase=Running', '-o', 'jsonpath={.items[*].status.podIP}'];
}

/** The kubectl arguments that run the client in a source's pod. */
export function execArgs(context: string, source: ProbeWorkload, client: string[]): string[] {
  return ['--context', context, '-n', source.namespaceName, 'exec', execRef(source), '--', ...client];
}

/** Probes every connection of the plan, one at a time. Throws `ProbeAbort` when kubectl cannot reach the cluster. */
export async function runProbe(plan: ProbePlan, options: ProbeRunOptions): Promise<ProbeReport> {
  const timeoutSeconds = options.timeoutSeconds ?? 2;
  const kubectl = options.kubectl ?? 'kubectl';
  const exec = options.exec ?? defaultExec(timeoutSeconds + 30);
  const client = options.client ?? ProbeClient.NC;
  const context = options.context;
  const kube = async (args: string[]) => {
    const result = await exec(kubectl, args);
    if (result.code !== 0) abortIfFatal(kubectl, context, result);
    return result;
  };

  const addresses = new Map<string, { address?: string; error?: string; detail?: string }>();
  const lookUp = async (target: ProbeWorkload) => {
    const key = `${target.kind}/${workloadRef(target)}`;
    let found = addresses.get(key);
    if (!found) {
      const result = await kube(podIpArgs(context, target));
      const ips = result.stdout.trim().split(/\s+/).filter(ip => ip !== '');
      if (result.code !== 0) {
        found = { error: `target ${workloadRef(target)}: ${describeKubectlError(result)}`, detail: lastLine(result.stderr) };
      } else if (ips.length === 0) {
        found = { error: `target ${workloadRef(target)} has no running pod with an IP (looked up with kubectl ${podIpArgs(context, target).slice(4).join(' ')}); deploy the app first` };
      } else {
        found = { address: ips[0] };
      }
      addresses.set(key, found);
    }
    return found;
  };

  const observations: ProbeObservation[] = [];
  for (const probe of plan.cases) {
    const target = await lookUp(probe.target);
    if (!target.address) {
      observations.push({ probe, error: target.error, detail: target.detail });
      continue;
    }
    const command = clientCommand(client, target.address, probe.port, timeoutSeconds);
    const result = await kube(execArgs(context, probe.source, command));
    observations.push({ probe, address: target.address, ...readExec(result, probe, command[0]) });
  }
  return {
    context,
    observations,
    differences: observations.filter(o => o.observed !== undefined && o.observed !== o.probe.expected),
    errors: observations.filter(o => o.error !== undefined),
  };
}

function readExec(result: ExecResult, probe: ProbeCase, program: string): { observed?: ProbeVerdict; error?: string; detail?: string } {
  if (result.code === 0) return { observed: ProbeVerdict.ALLOW };
  const remote = /command terminated with exit code (\d+)/.exec(result.stderr);
  const detail = lastLine(result.stderr.replace(/command terminated with exit code \d+\s*/g, '')) || undefined;
  if (remote) {
    const code = Number(remote[1]);
    if (code === 126 || code === 127) {
      return {
        error: `source ${workloadRef(probe.source)}: the client "${program}" is not in its container (exit ${code}); choose another with --client (nc, wget, bash) or add a debug container`,
        detail,
      };
    }
    return { observed: ProbeVerdict.DENY, detail: detail ?? `${program} exited with ${code}` };
  }
  if (result.code === 124) return { error: `source ${workloadRef(probe.source)}: kubectl exec did not return in time (${lastLine(result.stderr)})` };
  return { error: `source ${workloadRef(probe.source)}: ${describeKubectlError(result)}`, detail: lastLine(result.stderr) };
}

/** Throws `ProbeAbort` when kubectl's failure means no call can work (no context, no cluster, no kubectl). */
function abortIfFatal(kubectl: string, context: string, result: ExecResult): void {
  const text = result.stderr;
  if (/spawn .* ENOENT/.test(text) || (result.code === 127 && !/command terminated/.test(text))) {
    throw new ProbeAbort(`cannot run kubectl "${kubectl}": no such program. Install kubectl, or pass its path with --kubectl.`);
  }
  if (/spawn .* EACCES/.test(text)) {
    throw new ProbeAbort(`cannot run kubectl "${kubectl}": not executable. Pass an executable kubectl with --kubectl.`);
  }
  if (/command terminated with exit code/.test(text)) return;
  if (/context\b.*\b(does not exist|not found)/i.test(text)) {
    throw new ProbeAbort(`kubectl has no context "${context}" (${lastLine(text)}). List the contexts with "kubectl config get-contexts" and pass one with --context.`);
  }
  if (/Unable to connect to the server|The connection to the server .* was refused|connection refused|no such host|i\/o timeout|TLS handshake timeout|x509:|You must be logged in|Unauthorized|the server has asked for the client to provide credentials/i.test(text)) {
    throw new ProbeAbort(`the cluster of context "${context}" is unreachable (${lastLine(text)}). Check the API server and your credentials with "kubectl --context ${context} get nodes"; nothing was probed.`);
  }
}

function describeKubectlError(result: ExecResult): string {
  const text = result.stderr;
  if (/container not found|is not running|ContainerCreating|unable to upgrade connection/i.test(text)) return `its pod is not running (${lastLine(text)})`;
  if (/NotFound|not found/i.test(text)) return `not found in the cluster (${lastLine(text)}); deploy the app, or check the namespace and name`;
  if (/Forbidden/i.test(text)) return `kubectl is not allowed to do this (${lastLine(text)}); the probe needs get pods and create pods/exec`;
  return `kubectl failed with exit code ${result.code} (${lastLine(text) || 'no message'})`;
}

function lastLine(text: string): string {
  const lines = text.split('\n').map(l => l.trim()).filter(l => l !== '');
  return lines.length > 0 ? lines[lines.length - 1] : '';
}

/** `TCP 8080`. */
function portText(probe: ProbeCase): string {
  return `${probe.protocol === Protocol.TCP ? 'TCP' : probe.protocol} ${probe.port}`;
}

/** One cell per column, aligned; the last column is not padded. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  return rows.map(r => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

/** The plan as a table (for `--dry-run`), with the kubectl commands that would run. */
export function formatPlan(plan: ProbePlan, options: { context: string; kubectl?: string; client?: ProbeClient; timeoutSeconds?: number }): string {
  const client = options.client ?? ProbeClient.NC;
  const rows = [['SOURCE', 'TARGET', 'PORT', 'EXPECTED', 'WHY']];
  for (const c of plan.cases) rows.push([workloadRef(c.source), workloadRef(c.target), portText(c), c.expected, c.reason]);
  let out = plan.cases.length > 0 ? table(rows) : '';
  const kubectl = options.kubectl ?? 'kubectl';
  const commands = new Set<string>();
  for (const c of plan.cases) {
    const command = clientCommand(client, `<ip of ${workloadRef(c.target)}>`, c.port, options.timeoutSeconds ?? 2);
    commands.add(`${kubectl} ${podIpArgs(options.context, c.target).map(quote).join(' ')}`);
    commands.add(`${kubectl} ${execArgs(options.context, c.source, command).map(quote).join(' ')}`);
  }
  if (commands.size > 0) out += `\nkubectl commands:\n${[...commands].map(c => `  ${c}`).join('\n')}\n`;
  return out;
}

/** The report as a table of expected vs observed per connection, then the differences and errors spelled out. */
export function formatReport(report: ProbeReport): string {
  const rows = [['SOURCE', 'TARGET', 'ADDRESS', 'PORT', 'EXPECTED', 'OBSERVED', 'RESULT']];
  for (const o of report.observations) {
    const result = o.error !== undefined ? 'NOT PROBED' : o.observed === o.probe.expected ? 'ok' : 'DIFFERENT';
    rows.push([workloadRef(o.probe.source), workloadRef(o.probe.target), o.address ?? '-', portText(o.probe), o.probe.expected,
      o.observed ?? '-', result]);
  }
  let out = table(rows);
  const probed = report.observations.length - report.errors.length;
  out += `\n${probed} of ${report.observations.length} connections probed in context "${report.context}": `
    + `${probed - report.differences.length} as the policies say, ${report.differences.length} different, ${report.errors.length} not probed.\n`;
  if (report.differences.length > 0) {
    out += '\nDifferences (expected -> observed):\n';
    for (const o of report.differences) {
      const what = o.observed === ProbeVerdict.ALLOW ? 'connected' : `did not connect${o.detail ? `: ${o.detail}` : ''}`;
      out += `  ${workloadRef(o.probe.source)} -> ${workloadRef(o.probe.target)} (${o.address}) ${portText(o.probe)}: `
        + `expected ${o.probe.expected} (${o.probe.reason}), ${what}\n`;
    }
    const denies = report.observations.filter(o => o.observed !== undefined && o.probe.expected === ProbeVerdict.DENY);
    if (denies.length > 0 && denies.every(o => o.observed === ProbeVerdict.ALLOW)) {
      out += '\nNot one denied connection was blocked: policies created, nothing enforced. Check that the cluster\'s CNI '
        + 'enforces NetworkPolicy (Calico, Cilium, ...; kubenet and the bare AWS VPC CNI do not); CniEnforcementProbe '
        + 'checks that on its own.\n';
    }
    if (report.differences.some(o => o.observed === ProbeVerdict.DENY)) {
      out += '\nAn allowed connection that did not connect can also mean: nothing listens on the port, the pod is not '
        + 'ready, or a policy in the cluster that is not in the manifests denies it.\n';
    }
  }
  if (report.errors.length > 0) {
    out += '\nNot probed:\n';
    for (const o of report.errors) {
      out += `  ${workloadRef(o.probe.source)} -> ${workloadRef(o.probe.target)} ${portText(o.probe)}: ${o.error}\n`;
    }
  }
  return out;
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, '\'\\\'\'')}'`;
}
