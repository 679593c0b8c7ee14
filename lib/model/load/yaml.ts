/**
 * YAML as kubectl reads it. kubectl converts YAML to JSON with sigs.k8s.io/yaml, which uses go-yaml v2: YAML 1.1
 * scalars (`010` is 8, `0o10` is 8, `1_000` is 1000, `yes`/`no`/`on`/`off`/`y`/`n` are booleans, timestamps stay
 * strings, no sexagesimal numbers), `<<` merge keys (a later `<<` overrides keys set before it), duplicate keys (the
 * last value wins), and, as libyaml does, no indentation rule inside flow collections and quoted strings.
 *
 * Most documents, written by tools (cdk8s synth, kubectl get -o yaml, Helm), are read by a fast path that answers
 * only where it reads exactly what the exact path below reads: a line-by-line reader of plain block YAML
 * (./yaml-lines), then js-yaml's event parser (./yaml-fast); every other document takes the exact path.
 *
 * In the exact path, the `yaml` package does the parsing, configured with go-yaml's scalar rules as custom tags
 * (./scalars). Where the package is stricter than go-yaml (a line inside a flow collection or quoted string indented
 * less than its parent, or by a tab), the lines its own lexer rejects there are re-indented and the text is parsed
 * again; such whitespace carries no meaning in those places, so the value is unchanged, and a document that still
 * does not parse is reported with the original errors.
 *
 * Each document also yields the places where kubectl's YAML 1.1 reading differs from YAML 1.2's (`readings`), so
 * that the user learns why a value is what it is.
 */
import { Alias, CST, Document, isAlias, isCollection, isMap, isPair, isScalar, isSeq, Lexer, Pair, parseAllDocuments, Scalar, visit, YAMLMap } from 'yaml';
import { KUBECTL_YAML, yaml12Difference } from './scalars';
import { FastYamlDocument, fastYamlDocuments } from './yaml-fast';
import { lineYamlDocument } from './yaml-lines';

export { goNumber, KUBECTL_YAML } from './scalars';

/**
 * Splits YAML text at the `---` lines that start documents, so each document is parsed on its own and a large
 * file never holds more than one document's syntax tree in memory. Text before the first marker that holds only
 * directives or comments stays with the first document. Document indexes are unchanged: a chunk with only comments
 * yields no document.
 */
export function* yamlChunks(text: string): Generator<YamlChunk> {
  const marker = /^---(?=[ \t\r]|$)/gm;
  let start = 0;
  let line = 0;
  let match: RegExpExecArray | null;
  while ((match = marker.exec(text)) !== null) {
    if (match.index === 0) continue;
    const chunk = text.slice(start, match.index);
    if (start === 0 && /^\s*%/m.test(chunk) && !/^[^\s#%]/m.test(chunk)) continue; // directives belong to the next document
    yield { text: chunk, line, offset: start };
    line += countLines(chunk, chunk.length);
    start = match.index;
  }
  yield { text: text.slice(start), line, offset: start };
}

/** A part of YAML text that `yamlChunks` splits off. */
export interface YamlChunk {
  /** The text, from its `---` line (or the start of the file) to the next. */
  readonly text: string;
  /** The zero-based line of the file where it starts. */
  readonly line: number;
  /** Where it starts in the file's text. */
  readonly offset: number;
}

/** The number of line breaks in `text` before `end` (and from `start`). */
export function countLines(text: string, end: number, start = 0): number {
  let n = 0;
  for (let i = text.indexOf('\n', start); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// libyaml's leniency: no indentation rule inside flow collections and quoted strings.

/**
 * The first place where the `yaml` lexer gives up for indentation inside a flow collection or a quoted string: the
 * starts of the lines to re-indent, and an indentation that satisfies it (past the opening bracket or quote).
 */
function firstUnderIndented(text: string): { lines: number[]; indent: number } | undefined {
  let offset = 0;
  let depth = 0;
  let opener = -1;
  let afterScalarMark = false;
  for (const token of new Lexer().lex(text)) {
    if (token === CST.DOCUMENT) continue;
    if (token === CST.SCALAR) {
      afterScalarMark = true;
      continue;
    }
    if (token === CST.FLOW_END) {
      // The lexer gave up on a flow collection at the first content of this line.
      const line = lineStart(text, offset);
      return depth > 0 && opener >= 0 && !isDocumentMarker(text, line) ? { lines: [line], indent: column(text, opener) + 1 } : undefined;
    }
    if (!afterScalarMark) {
      if (token === '[' || token === '{') {
        if (depth === 0) opener = offset;
        depth++;
      } else if (token === ']' || token === '}') {
        depth = Math.max(0, depth - 1);
      } else if (token[0] === '"' || token[0] === "'") {
        const end = quotedEnd(text, offset, token[0]);
        if (end !== -1 && end >= offset + token.length) {
          // The lexer ended the quoted string early, at a line indented less than it wants.
          const lines: number[] = [];
          for (let nl = text.indexOf('\n', offset); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) {
            if (isDocumentMarker(text, nl + 1)) return undefined; // go-yaml fails there too
            lines.push(nl + 1);
          }
          return { lines, indent: column(text, offset) + 1 };
        }
      }
    }
    afterScalarMark = false;
    offset += token.length;
  }
  return undefined;
}

/** Where the quoted string starting at `start` ends, found as the `yaml` lexer finds it; -1 if it never ends. */
function quotedEnd(text: string, start: number, quote: string): number {
  let end = text.indexOf(quote, start + 1);
  if (quote === "'") {
    while (end !== -1 && text[end + 1] === "'") end = text.indexOf("'", end + 2);
  } else {
    while (end !== -1) {
      let backslashes = 0;
      while (text[end - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
  }
  return end;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function isDocumentMarker(text: string, line: number): boolean {
  return /^(---|\.\.\.)(\s|$)/.test(text.slice(line, line + 4));
}

/** How many characters relaxIndentation may lex, in all its rounds, for one document. */
const RELAX_BUDGET = 20_000_000;

/**
 * The text with every line that only the YAML spec's indentation rules reject (inside a flow collection or a quoted
 * string) indented enough, and those lines' zero-based numbers; undefined when there is nothing to relax.
 */
function relaxIndentation(text: string): { text: string; lines: number[] } | undefined {
  const relaxed = new Set<number>();
  let current = text;
  // Each round lexes the text again (the lexer cannot resume after giving up on a collection): a budget keeps a
  // pathological document from taking minutes; past it, the document is reported as the strict parser sees it.
  for (let lexed = 0; ; lexed += current.length) {
    if (lexed > RELAX_BUDGET) return undefined;
    const found = firstUnderIndented(current);
    if (!found) break;
    const before = relaxed.size;
    for (const start of [...found.lines].reverse()) {
      const line = countLines(current, start);
      const indent = /^[ \t]*/.exec(current.slice(start))![0];
      if (indent.length >= found.indent && !indent.includes('\t')) continue;
      current = current.slice(0, start) + ' '.repeat(found.indent) + current.slice(start + indent.length);
      relaxed.add(line);
    }
    if (relaxed.size === before) return undefined; // no progress: not an indentation problem
  }
  return relaxed.size > 0 ? { text: current, lines: [...relaxed].sort((a, b) => a - b) } : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Documents.

/** A place where kubectl's YAML 1.1 reading differs from YAML 1.2's. */
export interface YamlReading {
  /** The field path in the document (`spec.ingress[0].ports[0].port`); a map's path for a merge. */
  readonly field: string;
  /** The 1-based line in the file. */
  readonly line: number;
  /** What differs. */
  readonly type: 'number' | 'boolean' | 'other' | 'merge' | 'merge-override';
  /** Whether a reader could expect the other value: a leading-zero octal number, a merge overriding a key. */
  readonly surprising: boolean;
  /** The full sentence. */
  readonly message: string;
  /** A short note for an error about the same field (`written yes, a YAML 1.1 boolean to kubectl`). */
  readonly note: string;
}

/** A problem found in a parsed document: kubectl cannot read it, or reads something the user should know about. */
export interface YamlProblem {
  readonly severity: 'error' | 'warning' | 'info';
  readonly code: 'malformed' | 'duplicate-key' | 'lenient';
  readonly message: string;
  readonly field?: string;
}

/** One YAML document as kubectl reads it. */
export interface YamlDocument {
  /** The value; undefined when the document cannot be read (an error problem says why). */
  readonly value?: unknown;
  /** The 1-based line of the file where the document's content starts. */
  readonly line: number;
  /** Errors and notes, in the order of the text. */
  readonly problems: YamlProblem[];
  /** Where kubectl's YAML 1.1 reading differs from YAML 1.2's, by field path. */
  readonly readings: Map<string, YamlReading>;
}

/** How many characters of chunks the fast path reads in one parser call. */
const FAST_BATCH = 16 * 1024;

/** The documents of YAML text, as kubectl reads them. */
export function* yamlDocuments(text: string): Generator<YamlDocument> {
  const chunks = [...yamlChunks(text)];
  for (let first = 0; first < chunks.length;) {
    // A batch of consecutive chunks for the fast path; each chunk it cannot read for certain is read exactly.
    let end = first + 1;
    while (end < chunks.length && chunks[end].offset + chunks[end].text.length - chunks[first].offset <= FAST_BATCH) end++;
    const batch = chunks.slice(first, end);
    // The line reader first; the js-yaml path for a batch with chunks it leaves.
    let fast: (FastYamlDocument | undefined)[] = batch.map(chunk => lineYamlDocument(chunk.text));
    if (fast.includes(undefined)) {
      const start = batch[0].offset;
      const last = batch[batch.length - 1];
      const parsed = fastYamlDocuments(text.slice(start, last.offset + last.text.length), batch.map(c => c.offset - start));
      fast = fast.map((doc, k) => doc ?? parsed[k]);
    }
    for (let k = 0; k < batch.length; k++) {
      const chunk = batch[k];
      const doc = fast[k];
      if (doc) yield { value: doc.value, line: chunk.line + countLines(chunk.text, doc.offset) + 1, problems: [], readings: new Map() };
      else yield* exactChunkDocuments(chunk.text, chunk.line);
    }
    first = end;
  }
}

/**
 * The documents of YAML text as the exact reader alone reads them, without the fast path (./yaml-fast): for the
 * tests that check both agree.
 */
export function* exactYamlDocuments(text: string): Generator<YamlDocument> {
  for (const chunk of yamlChunks(text)) yield* exactChunkDocuments(chunk.text, chunk.line);
}

function parse(text: string): Document[] {
  const documents = parseAllDocuments(text, KUBECTL_YAML);
  return Array.isArray(documents) ? documents : [];
}

function exactChunkDocuments(original: string, lineOffset: number): YamlDocument[] {
  let text = original;
  let documents = parse(text);
  let relaxedLines: number[] = [];
  if (documents.some(d => d.errors.length > 0)) {
    const relaxed = relaxIndentation(text);
    const reparsed = relaxed && parse(relaxed.text);
    if (relaxed && reparsed && reparsed.length === documents.length && reparsed.every(d => d.errors.length === 0)) {
      text = relaxed.text;
      documents = reparsed;
      relaxedLines = relaxed.lines;
    }
  }
  const lineOf = (offset: number) => lineOffset + countLines(text, offset) + 1;
  return documents.map(doc => {
    const range = doc.range ?? [0, 0, text.length];
    const start = (doc.contents as { range?: number[] } | null)?.range?.[0] ?? range[0];
    const problems: YamlProblem[] = [];
    const readings = new Map<string, YamlReading>();
    const mine = relaxedLines.filter(l => l >= countLines(text, range[0]) && l <= countLines(text, range[2]));
    if (mine.length > 0) {
      const shown = mine.map(l => l + lineOffset + 1);
      problems.push({
        severity: 'info', code: 'lenient',
        message: `line${shown.length > 1 ? 's' : ''} ${shown.join(', ')}: inside a flow collection or quoted string, indented less than the YAML spec requires (or by a tab); read as kubectl reads it, although strict YAML tools reject it. Indent past the parent key to satisfy them`,
      });
    }
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e.linePos && e.linePos[0] ? ` (line ${e.linePos[0].line + lineOffset}, column ${e.linePos[0].col})` : '';
      problems.push({ severity: 'error', code: 'malformed', message: `malformed YAML${pos}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}; document skipped` });
      return { line: lineOf(start), problems, readings };
    }
    const fatal = inspect(doc, text, lineOf, problems, readings);
    if (fatal) {
      problems.push({ severity: 'error', code: 'malformed', message: `${fatal}; document skipped` });
      return { line: lineOf(start), problems, readings };
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      problems.push({ severity: 'error', code: 'malformed', message: `malformed YAML: ${(err as Error).message}; document skipped` });
      return { line: lineOf(start), problems, readings };
    }
    return { value, line: lineOf(start), problems, readings };
  });
}

type Ancestor = Document | YAMLMap | Pair | { items: unknown[] };

/** The field path of `node` under its ancestors, as the loader names fields (`a.b[0].c`); merged maps add nothing. */
function fieldPath(ancestors: readonly unknown[], node: unknown): string {
  let out = '';
  const chain = [...ancestors, node];
  for (let i = 1; i < chain.length - 1; i++) {
    const parent = chain[i] as Ancestor;
    const child = chain[i + 1];
    if (isSeq(parent)) out += `[${parent.items.indexOf(child as never)}]`;
    else if (isPair(parent) && (child === parent.value || child === parent.key) && !isMergeKey(parent.key)) {
      const key = keyString(parent.key);
      out = out ? `${out}.${key}` : key;
    }
  }
  return out;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/** A map key as go-yaml and JSON name it: `yes` is "true", `010` is "8". */
function keyString(key: unknown): string {
  if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
  return '?';
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Looks through a document for what kubectl reads differently from YAML 1.2 (readings), duplicate keys (warnings),
 * and what kubectl cannot convert to JSON; returns the reason the document cannot be read, if any.
 */
function inspect(doc: Document, text: string, lineOf: (offset: number) => number, problems: YamlProblem[], readings: Map<string, YamlReading>): string | undefined {
  let fatal: string | undefined;
  const where = (node: { range?: readonly number[] | null }) => (node.range ? lineOf(node.range[0]) : 0);
  const add = (reading: YamlReading) => {
    if (!readings.has(reading.field)) readings.set(reading.field, reading);
  };
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (node.type === Scalar.QUOTE_DOUBLE && node.range && typeof node.value === 'string' && node.value.includes('/')
        && /(?:^|[^\\])(?:\\\\)*\\\//.test(text.slice(node.range[0], node.range[1]))) {
        fatal ??= `line ${where(node)}: "\\/" is not an escape go-yaml knows (YAML 1.2 added it): kubectl fails on this document ("found unknown escape character"). Write / alone`;
      }
      const parent = ancestors[ancestors.length - 1];
      if (typeof node.value === 'symbol' && !(isPair(parent) && parent.key === node)) {
        // `!!merge <<` as a value (not a key): go-yaml reads the string "<<"; the merge tag only merges as a key.
        node.value = node.value.description;
        return;
      }
      if (node.type !== Scalar.PLAIN || node.tag || typeof node.source !== 'string' || typeof node.value === 'symbol') return;
      const kubectl = node.value;
      const difference = yaml12Difference(kubectl, node.source);
      if (!difference) return;
      const yaml12 = difference.yaml12;
      const field = fieldPath(ancestors, node);
      const src = node.source;
      const line = where(node);
      if (isPair(parent) && parent.key === node) {
        add({
          field, line, type: 'other', surprising: false,
          message: `the key ${src} is "${String(kubectl)}" to kubectl (YAML 1.1 reads it as ${show(kubectl)}), and "${String(yaml12)}" to YAML 1.2 tools; read as "${String(kubectl)}", as kubectl does. Quote it ("${src}") if that is meant`,
          note: `the key was written ${src}, which kubectl reads as "${String(kubectl)}"`,
        });
      } else if (typeof kubectl === 'number' && typeof yaml12 === 'number') {
        add({
          field, line, type: 'number', surprising: true,
          message: `${src} is ${kubectl} to kubectl (YAML 1.1 reads a leading 0 as octal), and ${yaml12} to YAML 1.2 tools; read as ${kubectl}, as kubectl does. Write ${kubectl} if that is meant, or ${yaml12} without the leading 0`,
          note: `written ${src}, which kubectl reads as the octal number ${kubectl}`,
        });
      } else if (typeof kubectl === 'boolean') {
        add({
          field, line, type: 'boolean', surprising: false,
          message: `${src} is the boolean ${kubectl} to kubectl (YAML 1.1), and the string ${show(yaml12)} to YAML 1.2 tools; read as ${kubectl}, as kubectl does. Write ${kubectl}, or quote "${src}" if a string is meant`,
          note: `written ${src}, which kubectl reads as the YAML 1.1 boolean ${kubectl}`,
        });
      } else {
        add({
          field, line, type: 'other', surprising: false,
          message: `${src} is ${show(kubectl)} to kubectl (YAML 1.1), and ${show(yaml12)} to YAML 1.2 tools; read as ${show(kubectl)}, as kubectl does. Write ${typeof kubectl === 'string' ? `"${src}"` : show(kubectl)} to be unambiguous`,
          note: `written ${src}, which kubectl reads as ${show(kubectl)}`,
        });
      }
    },
    Alias(_key, node, ancestors) {
      // go-yaml refuses an alias inside the node it names: the value would contain itself.
      const target = node.resolve(doc);
      if (target && ancestors.includes(target as never)) {
        fatal ??= `line ${where(node)}: the alias *${node.source} is inside the node anchored &${node.source}, so its value would contain itself; kubectl fails on this document ("anchor '${node.source}' value contains itself")`;
      }
    },
    Pair(_key, pair, ancestors) {
      if (pair.key === null || (isScalar(pair.key) && (pair.key.value === null || pair.key.value === undefined))) {
        fatal ??= `line ${isScalar(pair.key) ? where(pair.key) : isScalar(pair.value) || isCollection(pair.value) ? where(pair.value) : '?'}: a map key is null (~, null or nothing); kubectl fails on this document ("unsupported map key"). Quote the key`;
        return;
      }
      if (isCollection(pair.key)) {
        fatal ??= `line ${where(pair.key)}: a map key is itself a map or list; kubectl fails on this document ("unsupported map key"). Use a string key`;
        return;
      }
      if (!isMergeKey(pair.key)) return;
      const map = ancestors[ancestors.length - 1];
      if (!isMap(map)) return;
      const field = fieldPath(ancestors.slice(0, -1), map);
      const line = where(pair.key as Scalar);
      const index = map.items.indexOf(pair as never);
      const before = new Set(map.items.slice(0, index).filter(p => !isMergeKey(p.key)).map(p => keyString(p.key)));
      const overridden = mergedKeys(doc, pair.value).filter(k => before.has(k));
      if (overridden.length > 0) {
        add({
          field, line, type: 'merge-override', surprising: true,
          message: `this << merge replaces ${overridden.map(k => `"${k}"`).join(', ')} set before it in this map: kubectl (go-yaml) lets a later << override, while the YAML merge spec keeps the keys written in the map; read as kubectl does. Put << first, or remove the key it overrides`,
          note: `a << merge on line ${line} replaced ${overridden.map(k => `"${k}"`).join(', ')}`,
        });
      } else {
        add({
          field, line, type: 'merge', surprising: false,
          message: `<< merges ${isSeq(pair.value) ? 'maps' : 'a map'} into this one (a YAML 1.1 merge key), as kubectl does; YAML 1.2 tools without merge support read a key named "<<"`,
          note: `a << merge on line ${line} set it`,
        });
      }
    },
    Map(_key, map, ancestors) {
      const seen = new Map<string, Pair>();
      for (const pair of map.items) {
        if (isMergeKey(pair.key) || !isScalar(pair.key)) continue;
        const key = keyString(pair.key);
        const first = seen.get(key);
        if (!first) {
          seen.set(key, pair);
          continue;
        }
        const path = fieldPath(ancestors, map);
        problems.push({
          severity: 'warning', code: 'duplicate-key', field: path ? `${path}.${key}` : key,
          message: `key "${key}" appears twice in one map (lines ${where(first.key as Scalar)} and ${where(pair.key)}); kubectl keeps the last value and drops the first without a word. Remove one`,
        });
        seen.set(key, pair);
      }
    },
  });
  return fatal;
}

/** The keys a merge value brings in (direct keys of the merged maps). */
function mergedKeys(doc: Document, value: unknown): string[] {
  const maps = isSeq(value) ? value.items : [value];
  const keys: string[] = [];
  for (const item of maps) {
    const map = isAlias(item) ? (item as Alias).resolve(doc) : item;
    if (isMap(map)) for (const p of map.items) if (!isMergeKey(p.key)) keys.push(keyString(p.key));
  }
  return keys;
}
