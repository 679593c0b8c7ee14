/**
 * End to end: scripts/python-target.sh generates the Python package with jsii-pacmak. Importing it needs the jsii
 * Python runtime from PyPI, which this project's machines cannot reach (docs/languages.md), so these checks are
 * static: the package compiles, exports the building blocks, declares its runtime, its README samples are Python,
 * and the Python guide chart of docs/languages.md matches the generated API.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** Reads the generated package with Python's own parser and reports what the assertions below need. */
const INSPECT = String.raw`
import ast, json, re, sys
pkg, docs_path = sys.argv[1], sys.argv[2]
module = ast.parse(open(pkg + '/src/cdk8s_netpol/__init__.py', encoding='utf-8').read())
exported = next(ast.literal_eval(n.value) for n in module.body
                if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == '__all__' for t in n.targets))
classes = {n.name: n for n in module.body if isinstance(n, ast.ClassDef)}

def bases(name):
    return [b.id for b in classes[name].bases if isinstance(b, ast.Name) and b.id in classes]

def members(name):
    own = {f.name for f in classes[name].body if isinstance(f, ast.FunctionDef)}
    return own.union(*[members(b) for b in bases(name)])

def init_params(name):
    for f in classes[name].body:
        if isinstance(f, ast.FunctionDef) and f.name == '__init__':
            return [a.arg for a in f.args.args[1:] + f.args.kwonlyargs]
    return next((init_params(b) for b in bases(name)), [])

# The guide chart of docs/languages.md, checked name by name against the generated classes.
sample = re.search(r'` + '```python\\n(.*?)```' + String.raw`', open(docs_path, encoding='utf-8').read(), re.S).group(1)
tree = ast.parse(sample)
imported, instances, problems = set(), {}, []
for n in ast.walk(tree):
    if isinstance(n, ast.ImportFrom) and n.module == 'cdk8s_netpol':
        for alias in n.names:
            imported.add(alias.name)
            if alias.name not in exported:
                problems.append('cdk8s_netpol does not export ' + alias.name)
for n in ast.walk(tree):
    if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name) and n.value.func.id in imported:
        for t in n.targets:
            if isinstance(t, ast.Name):
                instances[t.id] = n.value.func.id
calls = 0
for n in ast.walk(tree):
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in imported:
        calls += 1
        params = init_params(n.func.id)
        for kw in n.keywords:
            if kw.arg not in params:
                problems.append(n.func.id + '() takes no keyword ' + str(kw.arg))
    if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
        owner = n.value.id if n.value.id in imported else instances.get(n.value.id)
        if owner and n.attr not in members(owner):
            problems.append(owner + ' has no member ' + n.attr)

# The README that becomes the package's long description. Samples that jsii-rosetta compiled against the library
# must come out as Python; those it could not compile (complete programs, Jest tests) are marked as such in the text.
readme = open(pkg + '/README.md', encoding='utf-8').read()
blocks = re.findall(r'` + '```python\\n(.*?)```' + String.raw`', readme, re.S)
compiled = [b for b in blocks if 'non-compiling source' not in b]
broken = []
for b in compiled:
    try:
        ast.parse(b)
    except SyntaxError as e:
        broken.append(str(e) + ': ' + b)

setup = open(pkg + '/setup.py', encoding='utf-8').read()
kwargs = json.loads(re.search(r'json\.loads\(\s*"""(.*?)"""\s*\)', setup, re.S).group(1))
print(json.dumps({
    'exported': exported,
    'problems': problems,
    'sampleCalls': calls,
    'readmeCompiled': len(compiled),
    'readmeBroken': broken,
    'readmeTypeScript': [b for b in compiled if re.search(r'^\s*(const |new )|;$', b, re.M)],
    # Untyped, rosetta turns the map argument of Selector.labels into keyword arguments, which Python rejects.
    'labelsAsKeywords': re.findall(r'Selector\.labels\(\w+=[^)]*\)', readme),
    'name': kwargs['name'],
    'installRequires': kwargs['install_requires'],
}))
`;

interface Inspection {
  exported: string[];
  problems: string[];
  sampleCalls: number;
  readmeCompiled: number;
  readmeBroken: string[];
  readmeTypeScript: string[];
  labelsAsKeywords: string[];
  name: string;
  installRequires: string[];
}

let out: string;
let pkg: string;
let inspection: Inspection;

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-python-'));
  execFileSync('bash', [path.join(ROOT, 'scripts', 'python-target.sh'), '--out', out], { cwd: ROOT, stdio: 'pipe' });
  pkg = path.join(out, 'python');
  inspection = JSON.parse(execFileSync('python3', ['-c', INSPECT, pkg, path.join(ROOT, 'docs', 'languages.md')], { encoding: 'utf-8' }));
}, 240_000);

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

test('jsii-pacmak writes a Python source package holding the library\'s npm tarball', () => {
  for (const file of ['setup.py', 'pyproject.toml', 'README.md', 'LICENSE', 'src/cdk8s_netpol/__init__.py', 'src/cdk8s_netpol/py.typed']) {
    expect(fs.existsSync(path.join(pkg, file))).toBe(true);
  }
  expect(fs.readdirSync(path.join(pkg, 'src', 'cdk8s_netpol', '_jsii')).filter(f => f.endsWith('.jsii.tgz'))).toHaveLength(1);
});

test('the generated package byte-compiles', () => {
  // WHEN / THEN: compileall exits non-zero on any syntax error
  execFileSync('python3', ['-m', 'compileall', '-q', path.join(pkg, 'src')], { stdio: 'pipe' });
});

test('the package exports the building blocks of the guide chart', () => {
  expect(inspection.exported).toEqual(expect.arrayContaining(
    ['DefaultDeny', 'DnsAccess', 'AllowFrom', 'AllowTo', 'AllowEgressCidr', 'AllowConnection', 'IsolatedNamespace', 'Peer', 'Port', 'Selector'],
  ));
});

test('setup.py declares the runtime that docs/languages.md names', () => {
  expect(inspection.name).toBe('cdk8s-netpol');
  const names = inspection.installRequires.map(r => r.split(/[<>=~!, ]/)[0]).sort();
  expect(names).toEqual(['cdk8s', 'constructs', 'jsii', 'publication']);
});

test('the README samples of the Python package that jsii-rosetta compiled are Python', () => {
  expect(inspection.readmeCompiled).toBeGreaterThan(3);
  expect(inspection.readmeBroken).toEqual([]);
  expect(inspection.readmeTypeScript).toEqual([]);
  expect(inspection.labelsAsKeywords).toEqual([]);
});

test('the Python guide chart of docs/languages.md uses only what the generated package defines', () => {
  expect(inspection.sampleCalls).toBeGreaterThanOrEqual(8);
  expect(inspection.problems).toEqual([]);
});
