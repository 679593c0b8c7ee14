/**
 * Synthesizes a cdk8s app as it is at a git ref and as it is in the working tree, for `cdk8s-netpol diff --base REF`.
 *
 * The ref is checked out in a temporary detached git worktree (`git worktree add --detach`), so the working tree, the
 * index and the branches are left alone. The app command of that ref's `cdk8s.yaml` (`app: npx ts-node main.ts`) runs
 * there with `CDK8S_OUTDIR` set to a temporary directory, as `cdk8s synth` runs it. A worktree has no `node_modules`
 * (they are not committed): each directory from the app up to the repository root whose `node_modules` the working
 * tree has gets a symlink to it, so nothing is installed. The worktree and the temporary directories are always
 * removed, also when something fails.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { CliError } from './command';

/** The two synthesized sides, valid until `cleanup` is called. */
export interface SynthesizedSides {
  /** The directory the app at the ref was synthesized into. */
  readonly oldDir: string;
  /** The directory the working tree's app was synthesized into. */
  readonly newDir: string;
  /** The commit the ref names (full hash). */
  readonly commit: string;
}

const MAX_BUFFER = 256 * 1024 * 1024;

/** Runs git in `cwd`; throws a `CliError` when git is not installed. */
function git(cwd: string, args: string[]): SpawnSyncReturns<string> {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: MAX_BUFFER });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT'
      ? '--base needs git, and git is not installed (not found on PATH); install git, or diff two synthesized directories: cdk8s-netpol diff OLD NEW.'
      : `could not run git: ${result.error.message}.`);
  }
  return result;
}

/** The last lines of a process's output, on one line: what is shown when the app fails. */
export function outputTail(text: string, lines = 5, maxChars = 600): string {
  const tail = text.split(/\r?\n/).map(l => l.trim()).filter(l => l.length > 0).slice(-lines).join(' | ');
  return tail.length > maxChars ? `…${tail.slice(tail.length - maxChars)}` : tail;
}

/** The `app` command of the `cdk8s.yaml` in `appDir`; `where` names the side in errors. */
export function readAppCommand(appDir: string, where: string): string {
  const file = path.join(appDir, 'cdk8s.yaml');
  if (!fs.existsSync(file)) {
    throw new CliError(`no cdk8s.yaml in ${where}: --base synthesizes a cdk8s app, so point --app-dir at the directory holding its cdk8s.yaml (e.g. --app-dir infra/).`);
  }
  let config: unknown;
  try {
    config = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`the cdk8s.yaml in ${where} is not valid YAML: ${(err as Error).message.split('\n')[0]}.`);
  }
  const app = (config !== null && typeof config === 'object') ? (config as Record<string, unknown>).app : undefined;
  if (typeof app !== 'string' || app.trim() === '') {
    throw new CliError(`the cdk8s.yaml in ${where} has no app command: add one, e.g. app: npx ts-node main.ts.`);
  }
  return app;
}

/** Runs the app of `appDir` with `CDK8S_OUTDIR=outDir`, as `cdk8s synth` does; a `CliError` with its stderr tail on failure. */
export function synthApp(appDir: string, outDir: string, where: string): void {
  const command = readAppCommand(appDir, where);
  const result = spawnSync(command, {
    cwd: appDir, shell: true, encoding: 'utf8', maxBuffer: MAX_BUFFER,
    env: { ...process.env, CDK8S_OUTDIR: outDir },
  });
  if (result.error) throw new CliError(`could not run the app of ${where} (${command}): ${result.error.message}.`);
  if (result.status !== 0) {
    const how = result.status === null ? `was killed (${result.signal})` : `exited ${result.status}`;
    const tail = outputTail(result.stderr || result.stdout || '');
    throw new CliError(`synthesizing ${where} failed: "${command}" ${how}${tail ? `: ${tail}` : ' without output'}.`);
  }
}

/** Links each `node_modules` the working tree has, from the app up to the root, into the worktree where it has none. */
function linkNodeModules(root: string, appDir: string, worktree: string): string[] {
  const links: string[] = [];
  for (let dir = appDir; ; dir = path.dirname(dir)) {
    const source = path.join(dir, 'node_modules');
    const target = path.join(worktree, path.relative(root, dir), 'node_modules');
    if (fs.existsSync(source) && fs.existsSync(path.dirname(target)) && !fs.existsSync(target)) {
      try {
        fs.lstatSync(target);
      } catch {
        fs.symlinkSync(fs.realpathSync(source), target, 'junction');
        links.push(target);
      }
    }
    if (dir === root || path.dirname(dir) === dir) break;
  }
  return links;
}

/**
 * Synthesizes the app in `appDir` at `ref` (in a temporary worktree) and as it is in the working tree, then calls
 * `use` with the two output directories. Everything temporary is removed when `use` settles, or on failure.
 */
export async function withSynthesizedSides<T>(appDir: string, ref: string, use: (sides: SynthesizedSides) => Promise<T>): Promise<T> {
  const absApp = path.resolve(appDir);
  if (!fs.existsSync(absApp) || !fs.statSync(absApp).isDirectory()) {
    throw new CliError(`--app-dir ${appDir}: no such directory; give the directory holding the app's cdk8s.yaml.`);
  }
  const top = git(absApp, ['rev-parse', '--show-toplevel']);
  if (top.status !== 0) {
    throw new CliError(`--base needs a git repository, and ${absApp} is not in one; run it in the app's repository, or diff two synthesized directories: cdk8s-netpol diff OLD NEW.`);
  }
  const root = fs.realpathSync(top.stdout.trim());
  const realApp = fs.realpathSync(absApp);
  const rel = path.relative(root, realApp);
  const resolved = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (resolved.status !== 0 || resolved.stdout.trim() === '') {
    throw new CliError(`--base ${ref}: no such commit in ${root}; give a branch, tag or commit (e.g. --base origin/main), and in CI fetch the history (actions/checkout with fetch-depth: 0).`);
  }
  const commit = resolved.stdout.trim();
  readAppCommand(realApp, `the working tree (${realApp})`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-netpol-base-'));
  const worktree = path.join(tmp, 'worktree');
  const oldDir = path.join(tmp, 'old');
  const newDir = path.join(tmp, 'new');
  let added = false;
  let links: string[] = [];
  try {
    fs.mkdirSync(oldDir);
    fs.mkdirSync(newDir);
    const add = git(root, ['worktree', 'add', '--detach', worktree, commit]);
    if (add.status !== 0) throw new CliError(`could not check out ${ref} in a temporary worktree: ${outputTail(add.stderr)}.`);
    added = true;
    const wtApp = path.join(worktree, rel);
    const where = `${ref}${rel ? ` (${rel})` : ''}`;
    if (!fs.existsSync(wtApp)) throw new CliError(`no cdk8s.yaml in ${where}: the directory ${rel} does not exist at ${ref}.`);
    links = linkNodeModules(root, realApp, worktree);
    synthApp(wtApp, oldDir, where);
    synthApp(realApp, newDir, `the working tree${rel ? ` (${rel})` : ''}`);
    return await use({ oldDir, newDir, commit });
  } finally {
    for (const link of links) {
      try { fs.unlinkSync(link); } catch { /* already gone */ }
    }
    if (added) {
      const removed = git(root, ['worktree', 'remove', '--force', worktree]);
      if (removed.status !== 0) {
        fs.rmSync(worktree, { recursive: true, force: true });
        git(root, ['worktree', 'prune']);
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
