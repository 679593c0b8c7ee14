/**
 * `cdk8s-netpol diff --base REF [--app-dir DIR]` on a scratch git repository holding a minimal cdk8s-like app: its
 * `cdk8s.yaml` app command is a small node script writing one manifest into $CDK8S_OUTDIR, as `cdk8s synth` expects.
 * The script requires a package from the app's (untracked) node_modules, so the synthesis at the ref only works when
 * the worktree reuses them.
 *
 * Semantics: shop holds frontend and api; the only policy selects api and allows ingress from frontend. frontend's
 * egress is not isolated, so frontend → api is what the policy's ports say; nothing else reaches api.
 * - commit 1: TCP 8080
 * - commit 2: TCP 8080 and 9090          → diff --base HEAD~1: changed, TCP 8080 → TCP 8080,9090
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from '../cli/support';

const HAS_GIT = spawnSync('git', ['--version']).status === 0;
const describeGit = HAS_GIT ? describe : describe.skip;

const CHANGED_LINE = 'diff-type: changed, source: shop/frontend[Deployment], destination: shop/api[Deployment], ref1: TCP 8080, ref2: TCP 8080,9090';

/** The app script: the manifests of shop, with the policy's ports taken from ports.json. */
const APP_JS = `
const fs = require('fs');
const path = require('path');
const { deployment } = require('fake-cdk8s');
const ports = JSON.parse(fs.readFileSync(path.join(__dirname, 'ports.json'), 'utf8'));
const out = process.env.CDK8S_OUTDIR;
if (!out) { console.error('CDK8S_OUTDIR is not set'); process.exit(3); }
fs.mkdirSync(out, { recursive: true });
const policy = [
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: api-ingress, namespace: shop}',
  'spec:',
  '  podSelector: {matchLabels: {app: api}}',
  '  policyTypes: [Ingress]',
  '  ingress:',
  '    - from: [{podSelector: {matchLabels: {app: frontend}}}]',
  '      ports: [' + ports.map(p => '{protocol: TCP, port: ' + p + '}').join(', ') + ']',
].join('\\n');
const namespace = ['apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop}'].join('\\n');
fs.writeFileSync(path.join(out, 'app.k8s.yaml'), [namespace, deployment('frontend'), deployment('api'), policy].join('\\n---\\n') + '\\n');
`;

/** A package the app requires, in node_modules (untracked, like an installed dependency). */
const FAKE_DEP = `
exports.deployment = name => [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: ' + name + ', namespace: shop}',
  'spec:',
  '  selector: {matchLabels: {app: ' + name + '}}',
  '  template:',
  '    metadata: {labels: {app: ' + name + '}}',
  '    spec: {containers: [{name: main, image: example/' + name + ':1}]}',
].join('\\n');
`;

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The temporary directories `--base` leaves behind (none, when it cleans up). */
function leftovers(): string[] {
  return fs.readdirSync(os.tmpdir()).filter(n => n.startsWith('cdk8s-netpol-base-'));
}

describeGit('cdk8s-netpol diff --base REF', () => {
  let scratch: string;
  let repo: string;
  let app: string;

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-base-test-'));
    repo = path.join(scratch, 'repo');
    app = path.join(repo, 'infra');
    fs.mkdirSync(path.join(app, 'node_modules', 'fake-cdk8s'), { recursive: true });
    fs.writeFileSync(path.join(app, 'node_modules', 'fake-cdk8s', 'index.js'), FAKE_DEP);
    fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\ndist/\n');
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: node app.js\noutput: dist\n');
    fs.writeFileSync(path.join(app, 'app.js'), APP_JS);
    fs.writeFileSync(path.join(app, 'ports.json'), '[8080]\n');
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'api open to frontend on 8080');
    fs.writeFileSync(path.join(app, 'ports.json'), '[8080, 9090]\n');
    git(repo, 'commit', '-q', '-am', 'api open to frontend on 9090 too');
  });

  afterEach(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('synthesizes the app at the ref and in the working tree, prints the diff and exits 0', async () => {
    // GIVEN the two commits, leftovers of other runs noted
    const before = leftovers();
    // WHEN diffed against the previous commit
    const result = await cli('diff', '--base', 'HEAD~1', '--app-dir', app);
    // THEN the changed ports, exit 0, and no worktree or temporary directory left behind
    expect(result.stdout).toBe(`Connectivity diff:\n${CHANGED_LINE}\n`);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(leftovers()).toEqual(before);
    expect(fs.existsSync(path.join(app, 'dist'))).toBe(false);
  });

  test('includes the uncommitted changes of the working tree', async () => {
    // GIVEN ports.json edited back to 8080 without committing
    fs.writeFileSync(path.join(app, 'ports.json'), '[8080]\n');
    // WHEN diffed against HEAD (9090 open) and against HEAD~1 (the same as the working tree)
    const vsHead = await cli('diff', '--base', 'HEAD', '--app-dir', app);
    const vsFirst = await cli('diff', '--base', 'HEAD~1', '--app-dir', app);
    // THEN 9090 is no longer allowed against HEAD, and nothing differs from HEAD~1
    expect(vsHead.stdout).toBe('Connectivity diff:\ndiff-type: changed, source: shop/frontend[Deployment], destination: shop/api[Deployment], ref1: TCP 8080,9090, ref2: TCP 8080\n');
    expect(vsFirst.stdout).toBe('');
    expect(vsFirst.stderr).toContain('note: no connectivity difference');
    expect([vsHead.code, vsFirst.code]).toEqual([0, 0]);
  });

  test('writes the other formats, and --fail-on judges the diff (exit 1, still printed)', async () => {
    // GIVEN the two commits
    // WHEN diffed as Markdown with --fail-on gained, and with --fail-on removed
    const gained = await cli('diff', '--base', 'HEAD~1', '--app-dir', app, '--output', 'md', '--fail-on', 'gained');
    const removed = await cli('diff', '--base', 'HEAD~1', '--app-dir', app, '--fail-on', 'removed');
    // THEN the gained 9090 fails, with the diff printed; nothing was removed
    expect(gained.code).toBe(1);
    expect(gained.stdout).toContain('9090');
    expect(gained.stderr).toMatch(/^error: the diff has 1 entry of the kinds --fail-on gained names/);
    expect([removed.code, removed.stdout]).toEqual([0, `Connectivity diff:\n${CHANGED_LINE}\n`]);
  });

  test('exits 2 with one line on an unknown ref, and cleans up', async () => {
    // GIVEN a ref that does not exist
    const before = leftovers();
    // WHEN diffed against it
    const result = await cli('diff', '--base', 'no-such-branch', '--app-dir', app);
    // THEN exit 2, one error line naming the ref, nothing on standard output
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: --base no-such-branch: no such commit in .*fetch-depth: 0\)\.\n$/);
    expect(leftovers()).toEqual(before);
  });

  test('exits 2 showing the tail of the app\'s standard error when the app fails at the ref, and removes the worktree', async () => {
    // GIVEN a third commit whose app fails, then the working tree restored to a working app
    fs.writeFileSync(path.join(app, 'app.js'), 'console.error("loading stack");\nconsole.error("Error: boom in chart");\nprocess.exit(1);\n');
    git(repo, 'commit', '-q', '-am', 'broken app');
    fs.writeFileSync(path.join(app, 'app.js'), APP_JS);
    const before = leftovers();
    // WHEN diffed against the broken commit
    const result = await cli('diff', '--base', 'HEAD', '--app-dir', app);
    // THEN exit 2, one line with the app's last words, and the worktree gone
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: synthesizing HEAD (infra) failed: "node app.js" exited 1: loading stack | Error: boom in chart.\n');
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(leftovers()).toEqual(before);
  });

  test('exits 2 when the directory has no cdk8s.yaml, or its cdk8s.yaml no app command', async () => {
    // GIVEN the repository root (no cdk8s.yaml) and an app whose cdk8s.yaml lacks app
    const noConfig = await cli('diff', '--base', 'HEAD~1', '--app-dir', repo);
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\n');
    const noApp = await cli('diff', '--base', 'HEAD~1', '--app-dir', app);
    // THEN exit 2 with one line each
    expect([noConfig.code, noApp.code]).toEqual([2, 2]);
    expect(noConfig.stderr).toMatch(/^error: no cdk8s\.yaml in the working tree .*--app-dir.*\n$/);
    expect(noApp.stderr).toMatch(/^error: the cdk8s\.yaml in the working tree .* has no app command: add one, e\.g\. app: npx ts-node main\.ts\.\n$/);
  });

  test('exits 2 outside a git repository', async () => {
    // GIVEN a directory that is not in a repository
    const outside = path.join(scratch, 'not-a-repo');
    fs.mkdirSync(outside);
    // WHEN diffed with --base
    const result = await cli('diff', '--base', 'HEAD', '--app-dir', outside);
    // THEN exit 2, one line
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --base needs a git repository, and .* is not in one; .*\n$/);
  });

  test('rejects OLD/NEW with --base, and --app-dir without --base', async () => {
    // GIVEN conflicting options
    // WHEN run
    const both = await cli('diff', 'a/', 'b/', '--base', 'HEAD');
    const appDirAlone = await cli('diff', 'a/', 'b/', '--app-dir', app);
    // THEN exit 2 with one line each
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^error: --base HEAD synthesizes both sides itself, so it takes no OLD, NEW, --old or --new \(got "a\/", "b\/"\).*\n$/);
    expect(appDirAlone.code).toBe(2);
    expect(appDirAlone.stderr).toMatch(/^error: --app-dir .* goes with --base REF/);
  });
});
