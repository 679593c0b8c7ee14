/**
 * `cdk8s-netpol diff` on our own fixtures (test/diff/fixtures, see its README). The expected diff of before/ → after/
 * is derived here from NetworkPolicy semantics:
 *
 * before: shop is closed by default-deny-all (Ingress and Egress); frontend → api is open on TCP 8080 (api's ingress
 *   and frontend's egress) and api → db on TCP 5432 (db's ingress and api's egress). legacy/old-batch (a Job) has no
 *   policy: the outside reaches it and it reaches the outside, on everything (one range each way: no ipBlock cuts).
 * after:
 *   - frontend → api: both halves now list TCP 8080 and 9090                         → changed, TCP 8080 → TCP 8080,9090
 *   - db's ingress policy is gone; db is still selected by default-deny-all           → removed api → db, TCP 5432
 *   - api may reach 10.0.0.0/8 on TCP 443 (ipBlocks never match pods)                  → added api → 10.0.0.0-10.255.255.255
 *   - legacy is gone                                                                  → removed both old-batch lines, workload removed
 *   - tools (no policy) holds cache and cron: open to each other and to and from outside → added, workloads added. The
 *     new 10/8 egress ipBlock cuts the egress space into three ranges in the new connection list; all three change
 *     the same way, so each diff entry covers 0.0.0.0-255.255.255.255.
 * Nothing reaches into shop from tools (shop's ingress is closed) and shop's egress reaches no pod of tools.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis, DIFF_OUTPUT_FORMATS, diffConnectivity, formatDiff } from '../../lib/analysis';
import { loadPaths } from '../../lib/model/load';
import { cli } from '../cli/support';

const FIXTURES = path.join(__dirname, 'fixtures');
const fx = (...parts: string[]) => path.join(FIXTURES, ...parts);
const BEFORE = fx('before');
const AFTER = fx('after');

const EXPECTED_TXT = [
  'Connectivity diff:',
  'diff-type: changed, source: shop/frontend[Deployment], destination: shop/api[Deployment], ref1: TCP 8080, ref2: TCP 8080,9090',
  'diff-type: added, source: 0.0.0.0-255.255.255.255[External], destination: tools/cache[Deployment], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload tools/cache[Deployment] added',
  'diff-type: added, source: 0.0.0.0-255.255.255.255[External], destination: tools/cron[CronJob], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload tools/cron[CronJob] added',
  'diff-type: added, source: shop/api[Deployment], destination: 10.0.0.0-10.255.255.255[External], ref1: No Connections, ref2: TCP 443',
  'diff-type: added, source: tools/cache[Deployment], destination: 0.0.0.0-255.255.255.255[External], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload tools/cache[Deployment] added',
  'diff-type: added, source: tools/cache[Deployment], destination: tools/cron[CronJob], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload tools/cache[Deployment] and tools/cron[CronJob] added',
  'diff-type: added, source: tools/cron[CronJob], destination: 0.0.0.0-255.255.255.255[External], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload tools/cron[CronJob] added',
  'diff-type: added, source: tools/cron[CronJob], destination: tools/cache[Deployment], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload tools/cron[CronJob] and tools/cache[Deployment] added',
  'diff-type: removed, source: 0.0.0.0-255.255.255.255[External], destination: legacy/old-batch[Job], ref1: All Connections, ref2: No Connections, workloads-diff-info: workload legacy/old-batch[Job] removed',
  'diff-type: removed, source: legacy/old-batch[Job], destination: 0.0.0.0-255.255.255.255[External], ref1: All Connections, ref2: No Connections, workloads-diff-info: workload legacy/old-batch[Job] removed',
  'diff-type: removed, source: shop/api[Deployment], destination: shop/db[Deployment], ref1: TCP 5432, ref2: No Connections',
  '',
].join('\n');

describe('cdk8s-netpol diff OLD NEW', () => {
  test('prints the connections added, removed and changed, in np-guard\'s text format, and exits 0', async () => {
    // GIVEN the before/ and after/ fixtures
    // WHEN diffed
    const result = await cli('diff', BEFORE, AFTER);
    // THEN the lines derived above, in netpol-analyzer's order, and exit 0 (no --fail-on)
    expect(result.stdout).toBe(EXPECTED_TXT);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  test('reads several paths per side with --old and --new, with the same result', async () => {
    // GIVEN the fixture files, one argument each
    // WHEN diffed with --old/--new
    const result = await cli('diff', '--old', fx('before', 'shop.yaml'), fx('before', 'legacy.yaml'), '--new', fx('after', 'shop.yaml'), fx('after', 'tools.yaml'));
    // THEN the same diff
    expect([result.code, result.stdout]).toEqual([0, EXPECTED_TXT]);
  });

  test('prints nothing for two equal inputs, says so on standard error, and exits 0', async () => {
    // GIVEN the same manifests on both sides
    // WHEN diffed in the text and review formats
    const txt = await cli('diff', BEFORE, BEFORE, '--fail-on', 'any');
    const md = await cli('diff', BEFORE, BEFORE, '--output', 'md');
    // THEN no text (as netpol-analyzer), a note, exit 0 even with --fail-on any; md says there is no change
    expect([txt.code, txt.stdout]).toEqual([0, '']);
    expect(txt.stderr).toBe('note: no connectivity difference between the old and the new manifests\n');
    expect(md.stdout).toBe('**Connectivity diff:** no change. The new manifests allow exactly the connections the old ones do.\n');
  });

  test('warns when a side holds no workload, since every connection of the other then shows as added', async () => {
    // GIVEN a namespace and a policy without workloads as the old side
    // WHEN diffed against after/
    const result = await cli('diff', fx('no-workloads'), AFTER);
    // THEN a warning names the side, every entry is added, and the exit code is still 0
    expect(result.stderr).toBe("warning: the old manifests hold no workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or ReplicationController), so every connection of the new ones shows as added. Pass the workloads' manifests on both sides, e.g. --old policies/ workloads/ --new policies/ workloads/\n");
    expect(result.stdout.split('\n').slice(1, -1).every(l => l.startsWith('diff-type: added, '))).toBe(true);
    expect(result.code).toBe(0);
  });

  test('reverses: after → before swaps added and removed', async () => {
    // GIVEN the fixtures the other way round
    // WHEN diffed
    const result = await cli('diff', AFTER, BEFORE);
    const types = result.stdout.trim().split('\n').slice(1).map(l => /^diff-type: (\w+),/.exec(l)![1]);
    // THEN 1 changed, 3 added (legacy back, api → db back), 7 removed
    expect(types).toEqual(['changed', ...Array(3).fill('added'), ...Array(7).fill('removed')]);
    expect(result.stdout).toContain('diff-type: removed, source: tools/cache[Deployment], destination: tools/cron[CronJob], ref1: All Connections, ref2: No Connections, workloads-diff-info: workload tools/cache[Deployment] and tools/cron[CronJob] removed\n');
  });
});

describe('diff --fail-on', () => {
  test.each([
    [['--fail-on', 'added'], 1],
    [['--fail-on', 'removed'], 1],
    [['--fail-on', 'changed'], 1],
    [['--fail-on', 'gained'], 1],
    [['--fail-on', 'any'], 1],
    [[], 0],
  ])('%j exits %d on the fixtures, after printing the diff', async (args, code) => {
    // GIVEN the fixtures (1 changed, 7 added, 3 removed)
    // WHEN diffed with the option
    const result = await cli('diff', BEFORE, AFTER, ...args);
    // THEN the exit code, and the diff is printed either way
    expect(result.code).toBe(code);
    expect(result.stdout).toBe(EXPECTED_TXT);
  });

  test('names the matching entries in a one-line message', async () => {
    // GIVEN the fixtures
    // WHEN failing on removed and changed (repeated option and comma list accumulate)
    const result = await cli('diff', BEFORE, AFTER, '--fail-on', 'removed', '--fail-on', 'changed,removed');
    // THEN 3 removed + 1 changed match
    expect(result.stderr).toBe('error: the diff has 4 entries of the kinds --fail-on removed,changed names (of 7 added, 1 changed, 3 removed). Review them, or change --fail-on.\n');
    expect(result.code).toBe(1);
  });

  test('gained counts a changed entry only when it allows something new', async () => {
    // GIVEN the fixtures the other way round: frontend → api loses TCP 9090 (changed, nothing gained), and api → db
    // and both lines of legacy/old-batch come back (added)
    // WHEN failing on gained
    const narrowed = await cli('diff', AFTER, BEFORE, '--fail-on', 'gained');
    // THEN the 3 added entries match, the narrowing change does not
    expect(narrowed.stderr).toContain('error: the diff has 3 entries of the kinds --fail-on gained names');
    expect(narrowed.code).toBe(1);
  });
});

describe('diff --group namespace', () => {
  test('gathers the pairs of each pair of namespaces (an external range stays its own group) with their count', async () => {
    // GIVEN the fixtures, whose 11 entries fall into 8 groups: tools/cache and tools/cron change alike
    // WHEN grouped by namespace
    const result = await cli('diff', BEFORE, AFTER, '--group', 'namespace');
    // THEN one line per kind, pair of groups and before/after, in the text format's kind order, with the pairs
    expect(result.stdout).toBe([
      'Connectivity diff by namespace:',
      'diff-type: changed, source: shop, destination: shop, ref1: TCP 8080, ref2: TCP 8080,9090, pairs: 1',
      'diff-type: added, source: 0.0.0.0-255.255.255.255[External], destination: tools, ref1: No Connections, ref2: All Connections, pairs: 2',
      'diff-type: added, source: shop, destination: 10.0.0.0-10.255.255.255[External], ref1: No Connections, ref2: TCP 443, pairs: 1',
      'diff-type: added, source: tools, destination: 0.0.0.0-255.255.255.255[External], ref1: No Connections, ref2: All Connections, pairs: 2',
      'diff-type: added, source: tools, destination: tools, ref1: No Connections, ref2: All Connections, pairs: 2',
      'diff-type: removed, source: 0.0.0.0-255.255.255.255[External], destination: legacy, ref1: All Connections, ref2: No Connections, pairs: 1',
      'diff-type: removed, source: legacy, destination: 0.0.0.0-255.255.255.255[External], ref1: All Connections, ref2: No Connections, pairs: 1',
      'diff-type: removed, source: shop, destination: shop, ref1: TCP 5432, ref2: No Connections, pairs: 1',
      '',
    ].join('\n'));
    expect(result.code).toBe(0);
  });

  test('md has the full summary, the number of rows, and a pairs column; json the groups with their ports', async () => {
    // WHEN grouped as md and as json
    const md = await cli('diff', BEFORE, AFTER, '--group', 'namespace', '--output', 'md');
    const json = await cli('diff', BEFORE, AFTER, '--group', 'namespace', '--output', 'json');
    // THEN md: the ungrouped summary line, then tables of namespaces with the pairs each row holds for
    const lines = md.stdout.split('\n');
    expect(lines[0]).toBe('**Connectivity diff:** 7 connections newly allowed, 1 changed (1 allows more), 3 removed.');
    expect(lines).toContain('Grouped by namespace: 11 pairs of peers in 8 rows.');
    expect(lines.filter(l => l.startsWith('### '))).toEqual(['### Newly allowed (4)', '### Changed (1)', '### Removed (3)']);
    expect(lines).toContain('| source | destination | allowed now | pairs |');
    expect(lines).toContain('| tools | tools | All Connections | 2 |');
    // AND json: the counts of pairs, and each group with structured ports
    const doc = JSON.parse(json.stdout);
    expect(doc.counts).toEqual({ changed: 1, added: 7, removed: 3 });
    expect(doc.groups).toHaveLength(8);
    expect(doc.groups[0]).toEqual({
      type: 'changed', src: 'shop', dst: 'shop', pairs: 1,
      old: { conn: 'TCP 8080', all: false, ports: { TCP: [[8080, 8080]] } },
      new: { conn: 'TCP 8080,9090', all: false, ports: { TCP: [[8080, 8080], [9090, 9090]] } },
      gained: { conn: 'TCP 9090', all: false, ports: { TCP: [[9090, 9090]] } },
      lost: { conn: 'No Connections', all: false, ports: {} },
    });
  });

  test('--fail-on still counts pairs of peers; other formats and unknown groupings are refused before loading', async () => {
    const failing = await cli('diff', BEFORE, AFTER, '--group', 'namespace', '--fail-on', 'added');
    const csv = await cli('diff', fx('missing-old'), fx('missing-new'), '--group', 'namespace', '--output', 'csv');
    const unknown = await cli('diff', BEFORE, AFTER, '--group', 'class');
    expect([failing.code, failing.stderr]).toEqual([1, expect.stringContaining('the diff has 7 entries of the kinds --fail-on added names')]);
    expect([csv.code, csv.stdout, csv.stderr]).toEqual([2, '', 'error: --group namespace is written as txt, md or json, not csv; use e.g. --group namespace --output md, or leave --group out.\n']);
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toContain("argument 'class' is invalid. Use one of none, namespace, e.g. --group namespace.");
  });
});

describe('diff output formats', () => {
  test('md starts with the summary line, then newly allowed, changed and removed tables', async () => {
    // GIVEN the fixtures
    // WHEN printed as md
    const result = await cli('diff', BEFORE, AFTER, '--output', 'md');
    const lines = result.stdout.split('\n');
    // THEN the summary counts, then the sections in that order, each a table
    expect(lines[0]).toBe('**Connectivity diff:** 7 connections newly allowed, 1 changed (1 allows more), 3 removed.');
    expect(lines.filter(l => l.startsWith('### '))).toEqual(['### Newly allowed (7)', '### Changed (1)', '### Removed (3)']);
    expect(lines).toContain('| shop/api[Deployment] | 10.0.0.0-10.255.255.255[External] | TCP 443 |  |');
    expect(lines).toContain('| shop/frontend[Deployment] | shop/api[Deployment] | TCP 8080 | TCP 8080,9090 | TCP 9090 | — |');
    expect(lines).toContain('| shop/api[Deployment] | shop/db[Deployment] | TCP 5432 |  |');
    expect(lines).toContain('| source | destination | allowed now | workloads |');
    expect(result.code).toBe(0);
  });

  test('md-np-guard is netpol-analyzer\'s single table, in the text format\'s order', async () => {
    // GIVEN the fixtures
    // WHEN printed as md-np-guard
    const result = await cli('diff', BEFORE, AFTER, '-o', 'md-np-guard');
    const lines = result.stdout.split('\n');
    // THEN the header, then one row per text line
    expect(lines.slice(0, 3)).toEqual([
      '| diff-type | source | destination | ref1 | ref2 | workloads-diff-info |',
      '|-----------|--------|-------------|------|------|---------------------|',
      '| changed | shop/frontend[Deployment] | shop/api[Deployment] | TCP 8080 | TCP 8080,9090 |  |',
    ]);
    expect(lines).toHaveLength(2 + 11 + 1);
  });

  test('csv quotes connection lists holding commas', async () => {
    // GIVEN the fixtures
    // WHEN printed as csv
    const result = await cli('diff', BEFORE, AFTER, '-o', 'csv');
    const lines = result.stdout.split('\n');
    // THEN netpol-analyzer's header and RFC 4180 rows
    expect(lines[0]).toBe('diff-type,source,destination,ref1,ref2,workloads-diff-info');
    expect(lines[1]).toBe('changed,shop/frontend[Deployment],shop/api[Deployment],TCP 8080,"TCP 8080,9090",');
    expect(lines).toContain('removed,legacy/old-batch[Job],0.0.0.0-255.255.255.255[External],All Connections,No Connections,workload legacy/old-batch[Job] removed');
  });

  test('json holds the counts and, per entry, the old, new, gained and lost ports', async () => {
    // GIVEN the fixtures
    // WHEN printed as json
    const parsed = JSON.parse((await cli('diff', BEFORE, AFTER, '-o', 'json')).stdout);
    // THEN counts, and the changed entry in full
    expect(parsed.counts).toEqual({ changed: 1, added: 7, removed: 3 });
    expect(parsed.diffs).toHaveLength(11);
    expect(parsed.diffs[0]).toEqual({
      type: 'changed', src: 'shop/frontend[Deployment]', dst: 'shop/api[Deployment]',
      source: { type: 'workload', namespace: 'shop', name: 'frontend', kind: 'Deployment' },
      destination: { type: 'workload', namespace: 'shop', name: 'api', kind: 'Deployment' },
      old: { conn: 'TCP 8080', all: false, ports: { TCP: [[8080, 8080]] } },
      new: { conn: 'TCP 8080,9090', all: false, ports: { TCP: [[8080, 8080], [9090, 9090]] } },
      gained: { conn: 'TCP 9090', all: false, ports: { TCP: [[9090, 9090]] } },
      lost: { conn: 'No Connections', all: false, ports: {} },
      workloads: [], workloadsDiffInfo: '',
    });
    expect(parsed.diffs[10].workloads).toEqual([]);
    expect(parsed.diffs[8].workloads).toEqual(['legacy/old-batch[Job]']);
  });

  test('dot tells added, changed and removed edges apart by colour and style, with a legend', async () => {
    // GIVEN the fixtures
    // WHEN drawn as dot
    const dot = (await cli('diff', BEFORE, AFTER, '-o', 'dot')).stdout;
    // THEN each kind has its own style, new and removed workloads are marked, and the legend names the three kinds
    expect(dot).toMatch(/-> n\d+ \[label="TCP 8080 → TCP 8080,9090", color="#b35900", fontcolor="#b35900", penwidth=1.5\];/);
    expect(dot).toMatch(/-> n\d+ \[label="TCP 443", color="#1a7f37", fontcolor="#1a7f37", penwidth=2.5\];/);
    expect(dot).toMatch(/-> n\d+ \[label="TCP 5432", color="#cf222e", fontcolor="#cf222e", style=dashed\];/);
    expect(dot).toMatch(/\[label="cache\[Deployment\] \(new\)", color="#1a7f37", penwidth=2\]/);
    expect(dot).toMatch(/\[label="old-batch\[Job\] \(removed\)", color="#cf222e", style=dashed\]/);
    expect(dot).toContain('subgraph cluster_legend {');
    expect(dot).toContain('label="added: newly allowed"');
  });

  test('mermaid styles the edges by kind with linkStyle, in the order the edges appear', async () => {
    // GIVEN the fixtures
    // WHEN drawn as mermaid
    const mermaid = (await cli('diff', BEFORE, AFTER, '-o', 'mermaid')).stdout;
    const edges = mermaid.split('\n').filter(l => /(==>|-->|-\.->)\|/.test(l));
    // THEN 11 entries and 3 legend edges; linkStyle lists the added ones (entries 1-7 and legend edge 11) in green
    expect(edges).toHaveLength(14);
    expect(edges[0]).toMatch(/^ {2}n\d+ -->\|"TCP 8080 → TCP 8080,9090"\| n\d+$/);
    expect(mermaid).toContain('  linkStyle 1,2,3,4,5,6,7,11 stroke:#1a7f37,color:#1a7f37\n');
    expect(mermaid).toContain('  linkStyle 8,9,10,13 stroke:#cf222e,color:#cf222e\n');
    expect(mermaid).toMatch(/\("cron\[CronJob\] \(new\)"\):::added/);
  });

  test('svg is the dot picture laid out by Graphviz', async () => {
    // GIVEN the fixtures
    // WHEN drawn as svg
    const result = await cli('diff', BEFORE, AFTER, '-o', 'svg');
    // THEN an SVG document with the legend's text and the changed edge's label
    expect(result.stdout).toContain('<svg');
    expect(result.stdout).toContain('added: newly allowed');
    expect(result.stdout).toContain('TCP 8080 → TCP 8080,9090');
    expect(result.code).toBe(0);
  });
});

describe('diff on bad input exits 2 with nothing on standard output', () => {
  test.each([
    ['no argument', [], 'error: diff compares two sets of manifests and got none: give OLD and NEW'],
    ['one argument', ['OLD'], 'error: diff compares two sets of manifests and got only "OLD"'],
    ['three arguments', ['OLD', 'NEW', 'MORE'], "error: too many arguments for 'diff'. Expected 2 arguments but got 3."],
    ['arguments and --old/--new', ['X', '--old', 'OLD', '--new', 'NEW'], 'error: give the manifests either as two arguments OLD NEW or with --old and --new, not both (got "X" besides --old/--new)'],
    ['--old without --new', ['--old', 'OLD'], 'error: --new is missing: --old PATH... and --new PATH... go together'],
    ['an unknown format', ['OLD', 'NEW', '-o', 'pdf'], "error: option '-o, --output <format>' argument 'pdf' is invalid. Use one of txt, md, md-np-guard, csv, json, dot, mermaid, svg, e.g. --output md."],
    ['an unknown --fail-on', ['OLD', 'NEW', '--fail-on', 'added,more'], "error: option '--fail-on <kinds>' argument 'added,more' is invalid. Use added, removed, changed, gained, any, or several separated by commas, e.g. --fail-on added,changed."],
  ])('%s', async (_name, args, message) => {
    // GIVEN bad arguments (OLD/NEW stand for the fixtures)
    const real = args.map(a => (a === 'OLD' ? BEFORE : a === 'NEW' ? AFTER : a));
    // WHEN run
    const result = await cli('diff', ...real);
    // THEN exit 2, a one-line message naming what is wrong, nothing on standard output
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.replace(BEFORE, 'OLD')).toContain(message);
  });

  test('a missing path on each side is named, with both sides in one error line', async () => {
    // GIVEN two paths that do not exist
    const result = await cli('diff', fx('nope-1'), fx('nope-2'));
    // THEN each is reported with its side, and the error names both sides
    expect(result.stderr).toContain(`old: ${fx('nope-1')}: error: ${fx('nope-1')} does not exist [missing-file]\n`);
    expect(result.stderr).toContain(`new: ${fx('nope-2')}: error: ${fx('nope-2')} does not exist [missing-file]\n`);
    expect(result.stderr).toContain(`error: old manifests (${fx('nope-1')}): 1 input path could not be read (see above); no diff computed. Check the PATH arguments; new manifests (${fx('nope-2')}): 1 input path could not be read (see above); no diff computed. Check the PATH arguments.\n`);
    expect([result.code, result.stdout]).toEqual([2, '']);
  });

  test('malformed YAML on the new side', async () => {
    // GIVEN a file that does not parse as the new side
    const result = await cli('diff', BEFORE, fx('malformed'));
    // THEN the diagnostic names the file, the error the side
    expect(result.stderr).toMatch(/^new: .*broken\.yaml#0: error: malformed YAML/m);
    expect(result.stderr).toContain(`error: new manifests (${fx('malformed')}): 1 error in the input (see above); no diff computed. Fix the manifests.\n`);
    expect([result.code, result.stdout]).toEqual([2, '']);
  });

  test('an invalid NetworkPolicy on the old side', async () => {
    // GIVEN a policy with port 70000 added to the old side
    const result = await cli('diff', '--old', BEFORE, fx('invalid'), '--new', AFTER);
    // THEN the port is named, and exit 2
    expect(result.stderr).toMatch(/^old: .*policy\.yaml#0 spec\.ingress\[0\]\.ports\[0\]\.port: error: .*port 70000/m);
    expect([result.code, result.stdout]).toEqual([2, '']);
  });

  test('an unmodelled policy kind stops the diff unless --ignore-unmodelled is given', async () => {
    // GIVEN a CiliumNetworkPolicy on the new side
    const refused = await cli('diff', BEFORE, fx('unmodelled'));
    const accepted = await cli('diff', BEFORE, fx('unmodelled'), '--ignore-unmodelled');
    // THEN refused with exit 2, naming it; accepted with a note (and the rest of unmodelled/ is shop.yaml of before/)
    expect(refused.stderr).toContain('error: new manifests');
    expect(refused.stderr).toContain('CiliumNetworkPolicy l7-api');
    expect([refused.code, refused.stdout]).toEqual([2, '']);
    expect(accepted.stderr).toContain('new: note: this answer leaves out 1 policy the analysis does not model (CiliumNetworkPolicy l7-api)');
    expect(accepted.stdout).toBe([
      'Connectivity diff:',
      'diff-type: removed, source: 0.0.0.0-255.255.255.255[External], destination: legacy/old-batch[Job], ref1: All Connections, ref2: No Connections, workloads-diff-info: workload legacy/old-batch[Job] removed',
      'diff-type: removed, source: legacy/old-batch[Job], destination: 0.0.0.0-255.255.255.255[External], ref1: All Connections, ref2: No Connections, workloads-diff-info: workload legacy/old-batch[Job] removed',
      '',
    ].join('\n'));
    expect(accepted.code).toBe(0);
  });
});

describe('diff help', () => {
  test('is listed by the program and documents formats and exit codes', async () => {
    // GIVEN the CLI
    // WHEN asked for help
    const program = await cli('--help');
    const command = await cli('diff', '--help');
    // THEN diff is a command, and its help names every format and exit code
    expect(program.stdout).toMatch(/^ {2}diff \[options\] \[old\] \[new\] /m);
    expect(command.stdout).toContain('Usage: cdk8s-netpol diff [options] [old] [new]');
    expect(command.stdout).toContain('md-np-guard  np-guard netpol-analyzer\'s one-table Markdown, line for line');
    expect(command.stdout).toContain('  2  bad input:');
    expect(command.code).toBe(0);
  });
});

describe('the executable', () => {
  test('runs diff as a user would', () => {
    // GIVEN bin/cdk8s-netpol.js
    // WHEN it diffs the fixtures
    const result = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'cdk8s-netpol.js'), 'diff', BEFORE, AFTER, '--fail-on', 'removed'], { encoding: 'utf-8', timeout: 150000 });
    // THEN the same text and exit 1
    expect([result.status, result.stdout]).toEqual([1, EXPECTED_TXT]);
  }, 180000);
});

describe('cdk8s-netpol diff of sides the analysis reads alike', () => {
  /** A copy of before/ with each file renamed (`copy-NAME`), its text changed by `edit`. */
  function copyOfBefore(edit: (name: string, text: string) => string = (_, text) => text): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-netpol-diff-same-'));
    for (const name of fs.readdirSync(BEFORE)) {
      fs.writeFileSync(path.join(dir, `copy-${name}`), edit(name, fs.readFileSync(path.join(BEFORE, name), 'utf-8')));
    }
    return dir;
  }

  /** The CLI's diff of before/ and `dir`, with how often an analysis was made. */
  async function diffWithCount(dir: string, ...options: string[]) {
    const of = jest.spyOn(Analysis, 'of');
    try {
      const result = await cli('diff', BEFORE, dir, ...options);
      return { result, analyses: of.mock.calls.length };
    } finally {
      of.mockRestore();
    }
  }

  /** What the library's diff of the two sides gives in a format. */
  function libraryDiff(dir: string, format: string): string {
    return formatDiff(diffConnectivity(loadPaths([BEFORE]).cluster, loadPaths([dir]).cluster), format);
  }

  test('the same manifests in other files are not analysed, and the output is the empty diff in every format', async () => {
    // GIVEN before/ copied under other file names (every object's source differs)
    const dir = copyOfBefore();
    try {
      for (const format of DIFF_OUTPUT_FORMATS) {
        // WHEN diffed
        const { result, analyses } = await diffWithCount(dir, '--output', format, '--fail-on', 'any');
        // THEN no analysis was made, and the output is what diffing the analyses gives: no difference
        expect(analyses).toBe(0);
        expect(result).toEqual({ code: 0, stdout: libraryDiff(dir, format), stderr: 'note: no connectivity difference between the old and the new manifests\n' });
      }
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  test.each([
    ['a workload\'s pod label', (name: string, text: string) => (name === 'shop.yaml' ? text.replace('labels: {app: frontend}', 'labels: {app: frontend, tier: web}') : text)],
    ['a container port\'s name', (name: string, text: string) => (name === 'shop.yaml' ? text.replace('name: metrics', 'name: stats') : text)],
    ['a namespace label', (name: string, text: string) => (name === 'shop.yaml' ? text.replace('metadata:\n  name: shop\n', 'metadata:\n  name: shop\n  labels: {team: a}\n') : text)],
    ['a policy port', (name: string, text: string) => (name === 'shop.yaml' ? text.replace('port: 5432', 'port: 5433') : text)],
  ])('a change of %s is analysed, with the library\'s result', async (_, edit) => {
    // GIVEN before/ in other files with one thing the analysis reads changed
    const dir = copyOfBefore(edit);
    try {
      expect(fs.readFileSync(path.join(dir, 'copy-shop.yaml'), 'utf-8')).not.toBe(fs.readFileSync(path.join(BEFORE, 'shop.yaml'), 'utf-8'));
      // WHEN diffed
      const { result, analyses } = await diffWithCount(dir);
      // THEN both sides were analysed, and the output is the library's diff
      expect(analyses).toBeGreaterThan(0);
      expect([result.code, result.stdout]).toEqual([0, libraryDiff(dir, 'txt')]);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
