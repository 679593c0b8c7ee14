/**
 * End to end, from outside the repository: the packed library installed into a new user's cdk8s app, compiled with
 * that app's tsconfig, tested with its jest, and synthesized with its cdk8s CLI and validation plugin; once per
 * cdk8s-plus major version. The app is laid out as `cdk8s init typescript-app` lays one out (test/e2e/user-app/);
 * its main.ts and main.test.ts are the README's "A first chart" and "Test it" blocks.
 *
 * The install is offline, from the npm cache that `npm ci` of this repository filled. `npm install --offline` cannot
 * do it: npm 11 resolves a new dependency from the full packument (arborist's #fetchManifest asks for fullMetadata),
 * while `npm ci` of a lockfile without `resolved` URLs (as this repository's is) caches only the abbreviated ("corgi")
 * packuments and the tarballs, so every range fails with ENOTCACHED. The app therefore gets a package-lock.json made
 * of this repository's lockfile entries for the packages it needs (same node_modules paths, so the same versions and
 * layout), and `npm ci --offline` installs exactly those from the cache.
 */
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'user-app');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).version as string;
const REPO_LOCK = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf-8')).packages as { [location: string]: any };
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');

/** The README's TypeScript block that starts with `// <file>`. */
function readmeFile(file: string): string {
  const blocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]).filter(b => b.startsWith(`// ${file}\n`));
  if (blocks.length !== 1) throw new Error(`expected one \`// ${file}\` block in README.md, found ${blocks.length}`);
  return blocks[0];
}

/** `text` with `from` replaced by `to`, which must occur exactly once. */
function replaceOnce(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`expected one occurrence of ${JSON.stringify(from)}, found ${parts.length - 1}`);
  return parts.join(to);
}

/** The scrape's AND peer in the README's main.ts, and the OR mistake it becomes with NETPOL_OR_MISTAKE=1. */
const AND_PEERS = "peers: [Peer.podsInNamespaces(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }))],";
const SWITCHABLE_PEERS = `peers: process.env.NETPOL_OR_MISTAKE
        ? [Peer.namespaces(Selector.labels({ purpose: 'monitoring' })), Peer.pods(Selector.labels({ app: 'prometheus' }))]
        : [Peer.podsInNamespaces(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }))],`;

/** The app's jest tests (the README's main.test.ts), in order. */
const APP_TESTS = [
  'synthesizes the manifests in the snapshot',
  'lets the frontend reach the api on 8080, and nothing back',
  'lets only prometheus pods of monitoring namespaces scrape the api',
  'passes the checker at warning level',
];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a shell in which a user works: none of this repository's npm, jest or checker settings (under
 * `npm test`, npm_config_local_prefix alone would make the app's npm install into this repository), but the npm cache
 * that npm uses.
 */
function userEnv(extra: { [key: string]: string } = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const keep = !/^(npm_|JEST_|TS_NODE_|CDK8S_)/i.test(key) || /^npm_config_cache$/i.test(key);
    if (keep && key !== 'NODE_ENV' && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string, extraEnv: { [key: string]: string } = {}, timeoutMs = 100_000): Run {
  const result = spawnSync(command, args, { cwd, env: userEnv(extraEnv), encoding: 'utf-8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function checked(command: string, args: string[], cwd: string, result: Run): Run {
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** Runs a command that must succeed; otherwise fails with its output. */
function mustRun(command: string, args: string[], cwd: string, extraEnv: { [key: string]: string } = {}, timeoutMs?: number): Run {
  return checked(command, args, cwd, run(command, args, cwd, extraEnv, timeoutMs));
}

/** `run` in the background. */
function runAsync(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('error', reject);
    child.on('close', status => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function lockVersion(name: string): string {
  const version = REPO_LOCK[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

/**
 * Lays out the app in `dir`: test/e2e/user-app, whose `*.tmpl` files lose the suffix and get their `{{ ... }}` filled
 * in, and the README's main.ts (on `cdk8sPlus`, the OR mistake behind NETPOL_OR_MISTAKE) and main.test.ts.
 */
function scaffold(dir: string, cdk8sPlus: string, tarball: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(FIXTURE)) {
    let text = fs.readFileSync(path.join(FIXTURE, file), 'utf-8');
    if (file.endsWith('.tmpl')) {
      text = text
        .replace(/\{\{ cdk8s-plus \}\}/g, cdk8sPlus)
        .replace(/\{\{ tarball \}\}/g, path.relative(dir, tarball))
        .replace(/\{\{ version (\S+) \}\}/g, (_m, name: string) => lockVersion(name));
      if (text.includes('{{')) throw new Error(`${file}: a placeholder is left: ${text}`);
    }
    fs.writeFileSync(path.join(dir, file.replace(/\.tmpl$/, '')), text);
  }
  const main = replaceOnce(readmeFile('main.ts'), "from 'cdk8s-plus-33';", `from '${cdk8sPlus}';`);
  fs.writeFileSync(path.join(dir, 'main.ts'), replaceOnce(main, AND_PEERS, SWITCHABLE_PEERS));
  fs.writeFileSync(path.join(dir, 'main.test.ts'), readmeFile('main.test.ts'));
}

/**
 * Writes the app's package-lock.json: this repository's lockfile entries for the app's dependencies and everything
 * they need (found the way Node resolves them, from the entry's own node_modules up to the root), plus the tarball.
 */
function writeLockfile(dir: string, tarball: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
  const lib = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], dir).stdout);
  const entries: { [location: string]: any } = {};
  // The dependency flags describe this repository (cdk8s-plus is a devDependency here, a dependency there).
  const withoutFlags = ({ dev, devOptional, peer, ...entry }: any) => entry;
  const parentOf = (location: string) => location.slice(0, Math.max(0, location.lastIndexOf('/node_modules/')));
  const resolve = (from: string, name: string): string | undefined => {
    for (let location = from; ; location = parentOf(location)) {
      const candidate = `${location ? `${location}/` : ''}node_modules/${name}`;
      if (REPO_LOCK[candidate]) return candidate;
      if (!location) return undefined;
    }
  };
  const add = (from: string, deps: { [name: string]: string } | undefined, optional: (name: string) => boolean) => {
    for (const name of Object.keys(deps ?? {})) {
      const location = resolve(from, name);
      if (!location) {
        if (optional(name)) continue;
        throw new Error(`${name}, needed by ${from || 'the app'}, is not in package-lock.json`);
      }
      if (entries[location]) continue;
      const entry = REPO_LOCK[location];
      entries[location] = withoutFlags(entry);
      add(location, entry.dependencies, () => false);
      add(location, entry.optionalDependencies, () => true);
      add(location, entry.peerDependencies, n => entry.peerDependenciesMeta?.[n]?.optional === true);
    }
  };
  const { 'cdk8s-netpol': spec, ...registryDeps } = pkg.dependencies;
  add('', { ...registryDeps, ...pkg.devDependencies }, () => false);
  add('', lib.peerDependencies, () => false);
  entries['node_modules/cdk8s-netpol'] = {
    version: lib.version,
    resolved: spec,
    integrity: `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
    license: lib.license,
    bundleDependencies: lib.bundleDependencies,
    dependencies: lib.dependencies,
    peerDependencies: lib.peerDependencies,
    bin: lib.bin,
    engines: lib.engines,
  };
  // The bundled packages and what they need in turn (npm pack bundles those too), inside the library's node_modules.
  const bundle = (from: string, names: readonly string[]) => {
    for (const name of names) {
      const location = resolve(from, name);
      if (!location) throw new Error(`${name}, bundled from ${from || 'the library'}, is not in package-lock.json`);
      const target = `node_modules/cdk8s-netpol/${location}`;
      if (entries[target]) continue;
      const { inBundle, resolved, integrity, ...entry } = withoutFlags(REPO_LOCK[location]);
      entries[target] = { ...entry, inBundle: true };
      bundle(location, Object.keys(entry.dependencies ?? {}));
    }
  };
  bundle('', lib.bundleDependencies ?? []);
  const root = { name: pkg.name, version: pkg.version, license: pkg.license, dependencies: pkg.dependencies, devDependencies: pkg.devDependencies };
  const packages = { '': root, ...Object.fromEntries(Object.keys(entries).sort().map(k => [k, entries[k]])) };
  fs.writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

/**
 * The app's jest run (its `npm test`), from `--json --outputFile`: each test's status by title, a failure with its
 * message (`failed: ...`).
 */
function appTests(dir: string, name: string, extraEnv: { [key: string]: string }, ci: boolean): { run: Run; results: any; status: { [title: string]: string } } {
  // Outside the app, whose whole directory is jest's root.
  const outputFile = `${dir}.${name}.jest.json`;
  const result = run('npm', ['test', '--', `--ci=${ci}`, '--json', `--outputFile=${outputFile}`, `--cacheDirectory=${dir}.jest-cache`], dir, extraEnv);
  if (!fs.existsSync(outputFile)) throw new Error(`the app's jest wrote no results:\n${result.stdout}\n${result.stderr}`);
  const results = JSON.parse(fs.readFileSync(outputFile, 'utf-8'));
  const assertions = results.testResults.flatMap((file: any) => file.assertionResults);
  if (assertions.length === 0) throw new Error(`the app's test file did not run:\n${results.testResults.map((file: any) => file.message).join('\n')}`);
  const status = Object.fromEntries(assertions.map((a: any) => [a.title, a.status === 'failed' ? `failed: ${a.failureMessages.join('\n')}` : a.status]));
  return { run: result, results, status };
}

/**
 * The app's `cdk8s synth` (its own CLI), with the validation report as JSON. ts-node only transpiles: the app's types
 * are proven by `npm run compile`, and type checking the cdk8s-plus declarations again would triple the time.
 */
function synth(dir: string, name: string, extraEnv: { [key: string]: string } = {}): { run: Run; report: any } {
  const reportFile = `${dir}.${name}.validation.json`;
  const result = run(path.join(dir, 'node_modules', '.bin', 'cdk8s'), ['synth', '--check-upgrade', 'false', '--validation-reports-output-file', reportFile], dir, { TS_NODE_TRANSPILE_ONLY: 'true', ...extraEnv });
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf-8')).reports : undefined;
  return { run: result, report };
}

function manifests(dir: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(path.join(dir, 'dist', 'shop.k8s.yaml'), 'utf-8')).map(d => d.toJS());
}

const CDK8S_PLUS = ['cdk8s-plus-28', 'cdk8s-plus-33'];

let work: string;
let tarball: string;
let packed: string[];
/**
 * Each app's `npm ci` and then its `npm run compile` (tsc), run in the background from the start, so that one app
 * installs and compiles while the other's tests run.
 */
const prepared = new Map<string, { installed: Promise<Run>; compiled: Promise<Run> }>();

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-user-app-'));
  mustRun('npm', ['pack', '--pack-destination', work], ROOT, {}, 90_000);
  const tarballs = fs.readdirSync(work).filter(f => f.endsWith('.tgz'));
  expect(tarballs).toEqual([`cdk8s-netpol-${VERSION}.tgz`]);
  tarball = path.join(work, tarballs[0]);
  packed = mustRun('tar', ['-tzf', tarball], work).stdout.split('\n').filter(Boolean).map(f => f.replace(/^package\//, ''));

  for (const cdk8sPlus of CDK8S_PLUS) {
    const app = path.join(work, cdk8sPlus);
    scaffold(app, cdk8sPlus, tarball);
    writeLockfile(app, tarball);
    const args = ['ci', '--offline', '--no-audit', '--no-fund'];
    const installed = runAsync('npm', args, app, 150_000).then(result => checked('npm', args, app, result));
    const compiled = installed.then(() => runAsync('npm', ['run', 'compile'], app, 150_000));
    compiled.catch(() => undefined); // reported by the app's tests
    prepared.set(cdk8sPlus, { installed, compiled });
  }
}, 100_000);

afterAll(async () => {
  await Promise.allSettled([...prepared.values()].map(p => p.compiled));
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 300_000);

test('the packed library holds the compiled library, its entry points and its documents, and no sources, tests or examples', () => {
  const own = packed.filter(f => !f.startsWith('node_modules/'));
  expect(own).toEqual(expect.arrayContaining(['package.json', '.jsii', 'README.md', 'RULES.md', 'LICENSE', 'CHANGELOG.md',
    'bin/cdk8s-netpol.js', 'bin/load-lib.js', 'plugin/index.js', 'lib/index.js', 'lib/index.d.ts', 'lib/testing/index.js', 'lib/testing/index.d.ts']));
  // Every source module of lib/ is there compiled, with its declarations.
  const sources = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? sources(`${dir}/${entry.name}`) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [`${dir}/${entry.name}`] : []);
  const missing = sources('lib').flatMap(ts => [ts.replace(/\.ts$/, '.js'), ts.replace(/\.ts$/, '.d.ts')]).filter(f => !own.includes(f));
  expect(missing).toEqual([]);
  expect(own.filter(f => /^(test|examples|bench|scripts)\//.test(f))).toEqual([]);
  expect(own.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  // The bundled dependencies travel inside the tarball.
  expect(packed).toEqual(expect.arrayContaining(['node_modules/yaml/package.json', 'node_modules/commander/package.json', 'node_modules/@hpcc-js/wasm-graphviz/package.json']));
});

describe.each(CDK8S_PLUS.map(p => [p]))('a new cdk8s app using %s', cdk8sPlus => {
  let app: string;

  beforeAll(async () => {
    app = path.join(work, cdk8sPlus);
    await prepared.get(cdk8sPlus)!.installed;
  }, 300_000);

  test('installs the packed library and the locked versions offline from the npm cache', () => {
    const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf-8')).version;
    expect(installed('cdk8s-netpol')).toBe(VERSION);
    expect(fs.existsSync(path.join(app, 'node_modules', 'cdk8s-netpol', 'lib', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules', 'cdk8s-netpol', 'node_modules', 'yaml', 'package.json'))).toBe(true);
    for (const name of [cdk8sPlus, 'cdk8s', 'constructs', 'cdk8s-cli', 'jest', 'ts-jest', 'typescript']) {
      expect(`${name}@${installed(name)}`).toBe(`${name}@${lockVersion(name)}`);
    }
  });

  test('passes its own jest tests: the snapshot, the connections, the AND form for would-be pods, and the checks', () => {
    const { run: result, results, status } = appTests(app, 'and-form', {}, false);

    expect(status).toEqual(Object.fromEntries(APP_TESTS.map(t => [t, 'passed'])));
    expect(results.snapshot.added).toBe(1);
    expect(result.status).toBe(0);
  }, 120_000);

  test('fails exactly the tests that catch the OR mistake when the app makes it', () => {
    const { run: result, status } = appTests(app, 'or-mistake', { NETPOL_OR_MISTAKE: '1' }, true);

    expect(Object.keys(status)).toEqual(APP_TESTS);
    expect(Object.keys(status).filter(t => status[t].startsWith('failed'))).toEqual([
      'synthesizes the manifests in the snapshot',
      'lets only prometheus pods of monitoring namespaces scrape the api',
      'passes the checker at warning level',
    ]);
    // The checker fails Testing.synth; the engine explains which rule lets grafana in; the checks list both findings.
    expect(status['synthesizes the manifests in the snapshot']).toContain('[shop/allow-monitoring-scrape] [NP001]');
    expect(status['lets only prometheus pods of monitoring namespaces scrape the api']).toMatch(/a pod \{app=grafana\} in namespace monitoring .* to be denied:\n.*api-allow-from-monitoring-prometheus ingress\[0\] allows monitoring\//);
    expect(status['passes the checker at warning level']).toMatch(/error \[NP001\][\s\S]*warning \[NP011\]/);
    expect(result.status).not.toBe(0);
  }, 120_000);

  test('synthesizes with cdk8s synth: the NetworkPolicies in dist/, and the validation plugin\'s report passing', () => {
    const { run: result, report } = synth(app, 'and-form');

    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(app, 'dist')).filter(f => f.endsWith('.k8s.yaml'))).toEqual(['shop.k8s.yaml']);
    const all = manifests(app);
    const policies: { [name: string]: any } = Object.fromEntries(all.filter(m => m.kind === 'NetworkPolicy').map(m => [m.metadata.name, m]));
    expect(Object.keys(policies).sort()).toEqual(['allow-dns', 'api-allow-from-frontend', 'api-allow-from-monitoring-prometheus', 'default-deny-all', 'frontend-allow-to-api']);
    expect(Object.values(policies).map(p => p.metadata.namespace)).toEqual(Array(5).fill('shop'));
    expect(all.filter(m => m.kind === 'Namespace').map(m => m.metadata.name)).toEqual(['shop']);
    expect(policies['default-deny-all'].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policies['frontend-allow-to-api'].spec).toEqual({
      podSelector: { matchLabels: { app: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    expect(policies['api-allow-from-frontend'].spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    // The AND form: one from-entry holding both selectors.
    expect(policies['api-allow-from-monitoring-prometheus'].spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }],
        ports: [{ port: 9090, protocol: 'TCP' }],
      }],
    });
    // No checker findings on stderr, and the plugin ran and passed.
    expect(result.stderr).not.toMatch(/\[NP\d{3}\]/);
    expect(result.stdout).toContain('Validation Report (');
    expect(result.stdout).toContain('Validations ended succesfully');
    expect(report).toHaveLength(1);
    expect(report[0].summary).toMatchObject({ status: 'success', metadata: { errors: '0', warnings: '0', failOn: 'warning' } });
  }, 120_000);

  test('fails cdk8s synth on the OR mistake with rule NP001 at the construct, and prints the checker\'s warnings with their fixes', () => {
    const { run: result } = synth(app, 'or-mistake-checker', { NETPOL_OR_MISTAKE: '1' });

    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\[shop\/allow-monitoring-scrape\] \[NP001\] [^\n]*namespaceSelector[^\n]*Fix: /);
    // A warning below failOn does not fail synth, but is printed: rule, construct path, fix.
    expect(result.stderr).toMatch(/warning \[NP011\] [^\n]*\n\s+at shop\/allow-monitoring-scrape\n\s+Fix: /);
    expect(fs.existsSync(path.join(app, 'dist', 'shop.k8s.yaml'))).toBe(false);
  }, 120_000);

  test('fails cdk8s synth through the cdk8s.yaml validation plugin on the OR mistake, reporting construct paths', () => {
    // The checker at synth is off, so the manifests reach the plugin.
    const { run: result, report } = synth(app, 'or-mistake-plugin', { NETPOL_OR_MISTAKE: '1', CDK8S_NETPOL_CHECK: 'off' });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Validation failed');
    expect(result.stdout).toContain('NP001 or-trap');
    expect(report[0].summary).toMatchObject({ status: 'failure', metadata: { errors: '1', failOn: 'warning' } });
    const or = report[0].violations.find((v: any) => v.ruleName === 'NP001 or-trap');
    expect(or.violatingConstructs).toEqual([expect.objectContaining({
      constructPath: 'shop/allow-monitoring-scrape',
      locations: [expect.stringContaining('spec.ingress[0].from')],
    })]);
    const constructPaths = [...result.stdout.matchAll(/- Construct Path: (.*)/g)].map(m => m[1]);
    expect(constructPaths.length).toBeGreaterThan(0);
    expect(constructPaths.filter(p => p !== 'shop/allow-monitoring-scrape')).toEqual([]);
  }, 120_000);

  // Last, so that it has been compiling in the background while the tests above ran.
  test('compiles with the tsconfig of cdk8s init, which checks the library\'s declarations (no skipLibCheck)', async () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.json'), 'utf-8'));
    expect(tsconfig.compilerOptions).toMatchObject({ lib: ['es2016'], target: 'ES2017', strict: true });
    expect(tsconfig.compilerOptions.skipLibCheck).toBeUndefined();

    const result = await prepared.get(cdk8sPlus)!.compiled;

    expect(`${result.stdout}${result.stderr}`).not.toMatch(/error TS\d+/);
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(app, 'main.js'))).toBe(true);
  }, 300_000);
});
