/**
 * The fast YAML reader (lib/model/load/yaml-fast) may answer only where it reads exactly what the exact reader
 * reads: the same values, lines, problems and YAML 1.1 readings for every document. These tests compare both readers
 * on generated YAML that is full of what they could disagree on (YAML 1.1 scalars, quoting, merges, anchors, tags,
 * odd indentation, tabs, multi-line flow collections and strings, directives, several documents in a chunk), on
 * mutations of it (which explore where YAML stops being valid), and check that the fast reader does answer for the
 * manifests tools write.
 */
import * as fc from 'fast-check';
import { isDeepStrictEqual } from 'util';
import * as YAML from 'yaml';
import { plainScalarValue, UNSURE } from '../../lib/model/load/scalars';
import { countLines, exactYamlDocuments, yamlChunks, yamlDocuments } from '../../lib/model/load/yaml';
import { fastYamlDocument, fastYamlDocuments } from '../../lib/model/load/yaml-fast';
import { lineYamlDocument } from '../../lib/model/load/yaml-lines';

/**
 * A value with each symbol replaced by its description: the exact reader gives a fresh symbol for a value tagged
 * `!!merge`, which no other reading equals.
 */
function withoutSymbols(value: unknown): unknown {
  if (typeof value === 'symbol') return `Symbol(${value.description})`;
  if (Array.isArray(value)) return value.map(withoutSymbols);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, withoutSymbols(v)]));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSymbols(v)]));
  return value;
}

/** Both readers' documents of a text, and the first difference, if any. */
function compare(text: string): string | undefined {
  const production = withoutSymbols([...yamlDocuments(text)]);
  const exact = withoutSymbols([...exactYamlDocuments(text)]);
  if (isDeepStrictEqual(production, exact)) return undefined;
  const show = (docs: unknown) => JSON.stringify(docs, (_k, v) => (v instanceof Map ? [...v] : v));
  return `the readers differ on ${JSON.stringify(text)}:\nproduction ${show(production)}\nexact      ${show(exact)}`;
}

/**
 * Where the line reader answers for a chunk of the text, what the exact reader reads there (one document, no problem,
 * no YAML 1.1 reading, the same value and line); returns how many chunks it answered for, or throws the first
 * difference.
 */
function compareLineReader(text: string): number {
  let answered = 0;
  for (const chunk of yamlChunks(text)) {
    const read = lineYamlDocument(chunk.text);
    if (read === undefined) continue;
    answered++;
    const exact = withoutSymbols([...exactYamlDocuments(chunk.text)]);
    const line = countLines(chunk.text, read.offset) + 1;
    if (!isDeepStrictEqual(exact, [{ value: read.value, line, problems: [], readings: new Map() }])) {
      throw new Error(`the line reader differs on ${JSON.stringify(chunk.text)}:\nline  ${JSON.stringify([read.value, line])}\nexact ${JSON.stringify(exact, (_k, v) => (v instanceof Map ? [...v] : v))}`);
    }
  }
  return answered;
}

/** How many chunks of the text the fast reader answers for. */
function fastChunks(text: string): number {
  return [...yamlChunks(text)].filter(chunk => fastYamlDocument(chunk.text) !== undefined).length;
}

// ---------------------------------------------------------------------------------------------------------------
// Generated YAML text.

/** Plain scalars where YAML 1.1 (kubectl), YAML 1.2 and the two parsers may disagree, and ordinary ones. */
const PLAIN = [
  'web', 'api', 'v1', 'Pod', 'TCP', 'nginx:1.25', 'a b', 'x-y.z', '1.2.3', '10.0.0.0/8', 'é', 'a#b', 'a:b', 'http://x',
  '0', '8', '80', '65535', '-1', '+12', '00', '010', '0o10', '0x1F', '0X1f', '0b101', '1_000', '0x_1', '1e3', '1E3', '1.5', '.5', '1.',
  '-.5', '0.0', '-0', '1e400', '12345678901234567890', '123456789012345', '9007199254740993', '.inf', '-.Inf', '+.INF', '.NaN', '.nan',
  '1:20', '2001-12-14', '2001-12-14T21:59:43.10-05:00', '~', 'null', 'Null', 'NULL', 'nULL', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES',
  'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', '<<', '<', '=',
  '@x', '`x', '%x', '!', '&', '*', '?', '?x', '-x', '- x', ': x', 'a: b', '[a]', '{a}', 'a, b', "it's", 'say "hi"', 'a\\b',
  '', 'é', '日本', '😀', 'x # comment', 'x#y', 'two\nlines', 'blank\n\nline', 'a  b', 'trailing ', '-', '--', '---', '...', '.', '..',
];
const QUOTED = [
  "''", '""', "'yes'", '"010"', "'a''b'", '"a\\"b"', '"\\t\\n\\x41\\u00e9\\U0001F600"', '"a\\/b"', '"a\\\\/b"', '"\\_\\N\\L\\P\\e\\0"',
  "'#x'", '"[x]"', "'multi\n  line'", '"multi\n  line"', "'under\nindented'", '"esc\\\n  aped"', '"\\z"',
];
const BLOCK = ['|', '|-', '|+', '>', '>-', '>+', '|2', '>1-'];
const KEYS = [
  'a', 'b', 'name', 'labels', 'app', 'app.kubernetes.io/name', 'port', '"quoted"', "'single'", 'yes', 'on', '010', '8', '1.5', '~',
  'null', '', '<<', '__proto__', 'constructor', 'toString', '"__proto__"', 'a b', 'x'.repeat(1030), '? a', '[a, b]', '{a: b}', '-a',
];
const PROPERTIES = ['', '', '', '', '&a ', '&b ', '!!str ', '!!int ', '!!binary ', '!!map ', '!!seq ', '!custom ', '!!merge '];

type Node =
  | { readonly kind: 'plain' | 'quoted'; readonly text: string }
  | { readonly kind: 'alias'; readonly text: string }
  | { readonly kind: 'block'; readonly header: string; readonly lines: readonly string[] }
  | { readonly kind: 'map'; readonly flow: 0 | 1 | 2; readonly entries: readonly (readonly [string, Node])[]; readonly props: string }
  | { readonly kind: 'seq'; readonly flow: 0 | 1 | 2; readonly items: readonly Node[]; readonly props: string };

/** Ordinary plain scalars, as most of a manifest is written. */
const ORDINARY = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.\-_/]{0,10}$/), fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom('true', 'false', 'null', '1.5', 'a b'));

const scalarArb: fc.Arbitrary<Node> = fc.oneof(
  { weight: 30, arbitrary: ORDINARY.map(text => ({ kind: 'plain' as const, text })) },
  { weight: 3, arbitrary: fc.constantFrom(...PLAIN).map(text => ({ kind: 'plain' as const, text })) },
  { weight: 3, arbitrary: fc.constantFrom(...QUOTED).map(text => ({ kind: 'quoted' as const, text })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PROPERTIES), fc.constantFrom(...PLAIN)).map(([p, t]) => ({ kind: 'plain' as const, text: p + t })) },
  { weight: 1, arbitrary: fc.constantFrom('*a', '*b', '*c').map(text => ({ kind: 'alias' as const, text })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...BLOCK), fc.array(fc.constantFrom('line', '  more', '', 'x: y', '# not a comment', ' ', '\tt', 'é'), { minLength: 0, maxLength: 4 }))
      .map(([header, lines]) => ({ kind: 'block' as const, header, lines })),
  },
);

/** Map keys: mostly distinct ordinary ones, sometimes one where the readers may differ. */
const keyArb = fc.oneof({ weight: 12, arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9.\-_/]{0,8}$/) }, { weight: 1, arbitrary: fc.constantFrom(...KEYS) });

/** Collection properties: mostly none. */
const propertiesArb = fc.oneof({ weight: 10, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...PROPERTIES) });

const nodeArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>(tie => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: scalarArb },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('map' as const),
        flow: fc.constantFrom<0 | 1 | 2>(0, 0, 0, 0, 1, 1, 2),
        entries: fc.oneof(
          { weight: 10, arbitrary: fc.uniqueArray(fc.tuple(keyArb, tie('node')), { maxLength: 4, selector: ([key]) => key }) },
          { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('a', 'b'), tie('node')), { maxLength: 3 }) },
        ),
        props: propertiesArb,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('seq' as const),
        flow: fc.constantFrom<0 | 1 | 2>(0, 0, 0, 1, 1, 2),
        items: fc.array(tie('node'), { maxLength: 3 }),
        props: propertiesArb,
      }),
    },
  ),
})).node;

/** Rendering choices drawn once per document: indentation steps, where a continuation line of a flow collection or quoted string starts. */
interface Style {
  readonly step: number;
  readonly seqIndent: 0 | 2;
  readonly continuation: number;
}

const pad = (n: number) => ' '.repeat(Math.max(0, n));

/** A node as it is written after `key:` or `- ` (inline), or undefined when it is written on the next lines (block). */
function inline(node: Node, style: Style, indent: number): string | undefined {
  switch (node.kind) {
    case 'plain': case 'quoted': case 'alias':
      return node.text.replace(/\n/g, `\n${pad(indent + style.continuation)}`);
    case 'block':
      return undefined;
    case 'map':
    case 'seq': {
      if (node.flow === 0 && (node.kind === 'map' ? node.entries.length : node.items.length) > 0) return undefined;
      const parts = node.kind === 'map'
        ? node.entries.map(([k, v]) => `${k}: ${inline(v, style, indent) ?? 'x'}`)
        : node.items.map(item => inline(item, style, indent) ?? 'x');
      const separator = node.flow === 2 ? `,\n${pad(indent + style.continuation)}` : ', ';
      const [open, close] = node.kind === 'map' ? ['{', '}'] : ['[', ']'];
      return `${node.props}${open}${parts.join(separator)}${close}`;
    }
  }
}

/** The lines of a node written as a block at `indent`. */
function block(node: Node, style: Style, indent: number): string {
  if (node.kind === 'block') return `${node.header}\n${node.lines.map(l => `${pad(indent)}${l}\n`).join('')}`;
  if (node.kind === 'map') {
    return node.entries.map(([key, value]) => {
      const text = inline(value, style, indent + style.step);
      if (text !== undefined) return `${pad(indent)}${key}: ${text}\n`;
      if (value.kind === 'block') return `${pad(indent)}${key}: ${block(value, style, indent + style.step)}`;
      const inner = value.kind === 'seq' ? indent + style.seqIndent : indent + style.step;
      const props = value.kind === 'map' || value.kind === 'seq' ? ` ${value.props}`.trimEnd() : '';
      return `${pad(indent)}${key}:${props}\n${block(value, style, inner)}`;
    }).join('');
  }
  if (node.kind === 'seq') {
    return node.items.map(item => {
      const text = inline(item, style, indent + 2);
      if (text !== undefined) return `${pad(indent)}- ${text}\n`;
      if (item.kind === 'block') return `${pad(indent)}- ${block(item, style, indent + 2)}`;
      return `${pad(indent)}-\n${block(item, style, indent + 2)}`;
    }).join('');
  }
  return `${pad(indent)}${inline(node, style, indent)}\n`;
}

/** What may stand between documents or lines: comments, blank lines, markers, directives. */
const decorations = fc.constantFrom('', '', '', '# comment\n', '\n', '...\n', '%YAML 1.1\n', '%TAG !e! tag:example.com,2000:\n', '--- # c\n');

const documentArb = fc.record({
  root: fc.oneof({ weight: 5, arbitrary: nodeArb.filter(n => n.kind === 'map') }, { weight: 1, arbitrary: nodeArb }),
  style: fc.record({ step: fc.constantFrom(2, 2, 4, 1), seqIndent: fc.constantFrom<0 | 2>(0, 2), continuation: fc.constantFrom(-2, 0, 1, 2, 4) }),
  before: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, decorations),
  after: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, decorations),
});

/** Generated multi-document YAML text, sometimes with CRLF line ends, a byte-order mark or tabs. */
const textArb = fc.record({
  documents: fc.array(documentArb, { minLength: 1, maxLength: 4 }),
  crlf: fc.constantFrom(false, false, false, false, true),
  bom: fc.constantFrom(false, false, false, false, true),
  tab: fc.constantFrom(false, false, false, false, true),
  leadingMarker: fc.boolean(),
}).map(({ documents, crlf, bom, tab, leadingMarker }) => {
  let text = documents.map(d => `${d.before}${block(d.root, d.style, 0)}${d.after}`).join('---\n');
  if (leadingMarker) text = `---\n${text}`;
  if (tab) text = text.replace(/\n {2}/, '\n\t');
  if (crlf) text = text.replace(/\n/g, '\r\n');
  return bom ? `\uFEFF${text}` : text;
});

/** Manifests as cdk8s synth writes them (yaml.stringify, YAML 1.1, no line width) from random objects. */
const manifestArb = fc.array(fc.record({
  apiVersion: fc.constantFrom('v1', 'networking.k8s.io/v1'),
  kind: fc.constantFrom('Pod', 'NetworkPolicy', 'Namespace', 'ConfigMap'),
  metadata: fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
    labels: fc.dictionary(fc.constantFrom('app', 'tier', 'app.kubernetes.io/name', 'yes', '8'), fc.oneof(fc.constantFrom(...PLAIN), fc.string({ maxLength: 12 }))),
  }),
  data: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...PLAIN), fc.integer(), fc.boolean(), fc.constant(null), fc.double())),
  spec: fc.jsonValue({ maxDepth: 3 }),
}), { minLength: 1, maxLength: 5 }).map(objects => objects.map(o => YAML.stringify(o, { lineWidth: 0, version: '1.1' })).join('---\n'));

/** Small edits that turn YAML into something near it: characters that are syntax, markers, line breaks, deletions. */
const SNIPPETS = [' ', '  ', '\n', '\t', ':', ': ', '- ', '#', ' #', '"', "'", '[', ']', '{', '}', ',', '&a ', '*a', '!', '|', '>', '%', '@',
  '`', '?', '---\n', '...\n', '<<: ', '\\', '\r', '\uFEFF', 'yes', '010', '~', '\n  ', '\n- '];

const mutationArb = fc.tuple(fc.oneof(textArb, manifestArb), fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...SNIPPETS), fc.integer({ min: 1, max: 3 }))), { minLength: 1, maxLength: 3 }))
  .map(([text, edits]) => edits.reduce((t, [at, edit]) => {
    const i = at % (t.length + 1);
    return typeof edit === 'string' ? t.slice(0, i) + edit + t.slice(i) : t.slice(0, i) + t.slice(i + edit);
  }, text));

// ---------------------------------------------------------------------------------------------------------------

describe('the fast YAML reader agrees with the exact reader wherever it answers', () => {
  test('on generated YAML full of YAML 1.1 scalars, quoting, anchors, tags, merges, odd indentation and markers', () => {
    let answered = 0;
    fc.assert(fc.property(textArb, text => {
      answered += fastChunks(text);
      const difference = compare(text);
      if (difference) throw new Error(difference);
    }), { numRuns: 600 });
    // AND the comparison is not vacuous: the fast reader answered for many of the documents
    expect(answered).toBeGreaterThan(150);
  });

  test('on mutations of it, which explore where YAML stops being valid', () => {
    fc.assert(fc.property(mutationArb, text => {
      const difference = compare(text);
      if (difference) throw new Error(difference);
    }), { numRuns: 600 });
  });

  test('on manifests as cdk8s writes them, most of which it answers', () => {
    let answered = 0;
    let chunks = 0;
    fc.assert(fc.property(manifestArb, text => {
      answered += fastChunks(text);
      chunks += [...yamlChunks(text)].length;
      const difference = compare(text);
      if (difference) throw new Error(difference);
    }), { numRuns: 300 });
    expect(answered / chunks).toBeGreaterThan(0.8);
  });

  test('plain scalars: the same value as the yaml package with kubectl\'s tags, or UNSURE where the exact reader has something to say', () => {
    const scalar = fc.oneof(fc.constantFrom(...PLAIN), fc.string({ maxLength: 12 }), fc.stringMatching(/^[-+.0-9a-zA-Z_:~<]{1,8}$/));
    fc.assert(fc.property(scalar, fc.boolean(), (source, isKey) => {
      const text = isKey ? `${source}: x\n` : `k: ${source}\n`;
      const [doc] = [...exactYamlDocuments(text)];
      const value = plainScalarValue(source, isKey);
      // Only where the text is one map with that one plain scalar (no quoting, comment or syntax in the way).
      const parsed = YAML.parseDocument(text);
      const pair = YAML.isMap(parsed.contents) && parsed.contents.items.length === 1 ? parsed.contents.items[0] : undefined;
      const node = pair && (isKey ? pair.key : pair.value);
      fc.pre(parsed.errors.length === 0 && YAML.isScalar(node) && node.type === 'PLAIN' && node.source === source);
      const quiet = doc.value !== undefined && doc.readings.size === 0 && doc.problems.length === 0;
      if (isKey) {
        // The fast reader takes a key only when it is a string (anything else is left to the exact reader).
        if (typeof value === 'string') expect([quiet, value]).toEqual([true, Object.keys(doc.value as object)[0]]);
      } else if (!quiet) {
        expect(value).toBe(UNSURE);
      } else if (value !== UNSURE) {
        expect(value).toEqual((doc.value as { k: unknown }).k);
      }
    }), { numRuns: 2000 });
  });
});

describe('plainScalarValue, resolved once per word', () => {
  test('gives the same answers when asked again, as a key and as a value, also after its cache starts over', () => {
    const words = ['<<', 'yes', 'no', 'on', 'TCP', 'true', 'null', '~', '010', '0x1F', '1e400', '.inf', 'namespace', 'name', 'Off'];
    const first = words.map(w => [plainScalarValue(w, true), plainScalarValue(w, false)]);
    // `<<` is a merge to the exact reader as a key (UNSURE), a string as a value; `yes` is a YAML 1.1 boolean (UNSURE).
    expect(first[0]).toEqual([UNSURE, '<<']);
    expect(first[1]).toEqual([UNSURE, UNSURE]);
    expect(first[4]).toEqual(['TCP', 'TCP']);
    expect(first[5]).toEqual([true, true]);
    // Asked in the other order, and after more distinct scalars than the cache holds
    const again = words.map(w => [plainScalarValue(w, false), plainScalarValue(w, true)].reverse());
    for (let i = 0; i < 25_000; i++) plainScalarValue(`n${i}`, i % 2 === 0);
    const afterMany = words.map(w => [plainScalarValue(w, true), plainScalarValue(w, false)]);
    expect(again).toEqual(first);
    expect(afterMany).toEqual(first);
  });
});

describe('the line reader agrees with the exact reader wherever it answers', () => {
  /** More runs when fuzzing by hand: LINE_READER_RUNS=100000 npx jest test/model/yaml-fast.test.ts. */
  const runs = (n: number) => Number(process.env.LINE_READER_RUNS ?? n);

  test('on generated YAML full of YAML 1.1 scalars, quoting, anchors, tags, merges, odd indentation and markers', () => {
    let answered = 0;
    fc.assert(fc.property(textArb, text => { answered += compareLineReader(text); }), { numRuns: runs(600) });
    // AND the comparison is not vacuous
    expect(answered).toBeGreaterThan(runs(600) / 10);
  });

  test('on mutations of it, which explore where YAML stops being valid', () => {
    let answered = 0;
    fc.assert(fc.property(mutationArb, text => { answered += compareLineReader(text); }), { numRuns: runs(600) });
    expect(answered).toBeGreaterThan(runs(600) / 20);
  });

  test('on manifests as cdk8s writes them', () => {
    let answered = 0;
    fc.assert(fc.property(manifestArb, text => { answered += compareLineReader(text); }), { numRuns: runs(300) });
    expect(answered).toBeGreaterThan(runs(300) / 40);
  });
});

describe('where the fast YAML reader answers', () => {
  const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    app: web\nspec:\n  containers:\n    - name: main\n      ports:\n        - containerPort: 8080\n          name: http\n';

  test('it reads block YAML as tools write it, with empty and single-line flow collections, quoted strings and block scalars', () => {
    const text = `${POD}  podSelector: {}\n  args: ["a", 'b', c]\n  script: |-\n    echo "hi"\n    exit 0\n  note: "tab\\tand é"\n`;
    expect(fastYamlDocument(text)).toEqual({ value: [...exactYamlDocuments(text)][0].value, offset: 0 });
  });

  test.each([
    ['a tab', POD.replace('  name: web', '\tname: web')],
    ['a carriage return', POD.replace(/\n/g, '\r\n')],
    ['a byte-order mark', `\uFEFF${POD}`],
    ['a directive', `%YAML 1.1\n---\n${POD}`],
    ['two documents', `${POD}...\n${POD}`],
    ['an empty document', '---\n'],
    ['a root that is a list', '- a\n- b\n'],
    ['an anchor and an alias', `${POD}extra: &x {a: 1}\nagain: *x\n`],
    ['a tag', `${POD}extra: !!str 10\n`],
    ['a merge key', `${POD}extra: {<<: {a: 1}}\n`],
    ['a duplicate key', `${POD}spec: {}\n`],
    ['a key Object.prototype has', `${POD}constructor: x\n`],
    ['__proto__ as a key', `${POD}"__proto__": x\n`],
    ['a null key', `${POD}~: x\n`],
    ['a number as a key', `${POD}80: http\n`],
    ['a boolean as a key', `${POD}yes: x\n`],
    ['a list as a key', `${POD}? [a]\n: x\n`],
    ['a key over 1000 characters', `${POD}${'k'.repeat(1001)}: x\n`],
    ['an octal number', `${POD}mode: 0644\n`],
    ['a YAML 1.1 boolean', `${POD}enabled: on\n`],
    ['a number YAML 1.2 reads otherwise', `${POD}big: 1e400\n`],
    ['.inf', `${POD}x: .inf\n`],
    ['an escaped slash', `${POD}x: "a\\/b"\n`],
    ['a quoted string over two lines', `${POD}x: "a\n  b"\n`],
    ['a flow collection over two lines', `${POD}x: [a,\n  b]\n`],
    ['a flow collection closed on the next line', `${POD}x: [a, b\n  ]\n`],
    ['an implicit pair in a flow sequence', `${POD}x: [a: b]\n`],
    ['malformed YAML', `${POD}x: [a\n`],
  ])('it leaves %s to the exact reader', (_name, text) => {
    expect(fastYamlDocument(text)).toBeUndefined();
    expect(compare(text)).toBeUndefined();
  });

  test('a file of many batches, ordinary documents and some the fast reader leaves: the same documents as the exact reader', () => {
    // GIVEN 300 documents (several batches), every tenth one with something only the exact reader reads
    const odd = [`${POD}mode: 0644\n`, POD.replace('  name: web', '\tname: web'), `${POD}...\n`, '---\n', '# only a comment\n', `${POD}x: &a [1]\ny: *a\n`];
    const documents = Array.from({ length: 300 }, (_d, i) => (i % 10 === 5 ? odd[(i / 10) % odd.length | 0] : POD.replace('web', `web-${i}`)));
    const text = documents.join('---\n');
    // THEN both readers agree
    expect(text.length).toBeGreaterThan(3 * 16 * 1024);
    expect(compare(text)).toBeUndefined();
  });

  test('a batch of chunks with one the fast reader cannot read: the others are still read fast, each in its chunk', () => {
    // GIVEN three chunks, the middle one with a tab
    const chunks = [POD, `---\n${POD.replace('  name: web', '\tname: web')}`, `---\n# comment\n${POD}`];
    const starts = chunks.map((_c, i) => chunks.slice(0, i).join('').length);
    // WHEN read as one batch
    const read = fastYamlDocuments(chunks.join(''), starts);
    // THEN the first and last are read, with their content's offset in their own chunk
    expect(read.map(r => r?.offset)).toEqual([0, undefined, 14]);
    expect(compare(chunks.join(''))).toBeUndefined();
  });
});
