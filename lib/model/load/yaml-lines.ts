/**
 * The quickest path of the YAML reader: block YAML as tools write it (cdk8s synth, `kubectl get -o yaml`, Helm,
 * generators), read line by line without a general parser. It answers only for a chunk of the narrow form below and
 * says "not me" (undefined) for anything else, which the js-yaml path (./yaml-fast) and then the exact reader (./yaml)
 * read instead:
 * - printable ASCII and line feeds only (no tab, carriage return, byte-order mark or other character);
 * - an optional `---` line, then one document whose root is a block map at column 0; blank and comment lines anywhere,
 *   no `...` or `---` line inside;
 * - block maps of `key: value` and `key:` lines; block sequences of `- ` lines, indented under their key or not; maps
 *   that start on a sequence entry's line (`- name: web`);
 * - keys that are plain strings: not quoted, not `<<`, `__proto__` or a name Object.prototype has, not repeated in
 *   their map, at most 1000 characters;
 * - values on the key's (or entry's) line: a plain scalar that kubectl and YAML 1.2 read alike (resolved by the same
 *   function as the other readers, ./scalars), a single- or double-quoted scalar without a backslash, `{}` or `[]`,
 *   each optionally followed by a comment.
 * Anchors, aliases, tags, block scalars, flow collections with content, scalars over several lines, `? ` keys,
 * directives and anything malformed go to the next reader. A property test checks that every reader reads alike
 * wherever this one answers.
 */
import { plainScalarValue, UNSURE } from './scalars';
import type { FastYamlDocument } from './yaml-fast';

/** Any character other than printable ASCII and the line feed. */
const UNUSUAL_CHARACTER = /[^\n\x20-\x7e]/;

/** The longest key read here: the `yaml` package rejects implicit keys over 1024 characters. */
const MAX_KEY_LENGTH = 1000;

/** The deepest nesting read here (deeper documents are rare and go to the next reader). */
const MAX_DEPTH = 64;

/** Characters that cannot start a plain key or scalar here (YAML indicators; `-`, `?` and `:` only with care). */
const INDICATOR = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@`') INDICATOR[c.charCodeAt(0)] = 1;

const SPACE = 32;
const COLON = 58;
const HASH = 35;
const DASH = 45;

/** Thrown inside the reader where the chunk is not of the form it reads; never escapes `lineYamlDocument`. */
const NOT_MINE = Symbol('not mine');

/** The one document of a chunk (as `yamlChunks` splits a file), when it has the form this reader reads. */
export function lineYamlDocument(text: string): FastYamlDocument | undefined {
  if (UNUSUAL_CHARACTER.test(text)) return undefined;
  const lines = contentLines(text);
  if (lines === undefined || lines.count === 0 || lines.indent[0] !== 0 || lines.isSequenceEntry(0)) return undefined;
  try {
    const reader = new LineReader(text, lines);
    const value = reader.mapping(0, lines.start[0], 0);
    if (reader.line < lines.count) return undefined;
    return { value, offset: lines.start[0] };
  } catch (e) {
    if (e === NOT_MINE) return undefined;
    throw e;
  }
}

/** The lines of a chunk that hold content: their indentation, and where their content starts and ends. */
class ContentLines {
  public count = 0;
  public readonly indent: number[] = [];
  public readonly start: number[] = [];
  public readonly end: number[] = [];

  constructor(private readonly text: string) {}

  public add(indent: number, start: number, end: number): void {
    this.indent.push(indent);
    this.start.push(start);
    this.end.push(end);
    this.count++;
  }

  /** Whether line `i` is a sequence entry (`- ...` or a lone `-`). */
  public isSequenceEntry(i: number): boolean {
    const s = this.start[i];
    return this.text.charCodeAt(s) === DASH && (s + 1 === this.end[i] || this.text.charCodeAt(s + 1) === SPACE);
  }
}

/**
 * The content lines of a chunk, skipping its `---` line, blank lines and comment lines, with trailing spaces cut;
 * undefined when the chunk has what this reader leaves (a `---` line with more on it, a `...` or `---` line inside).
 */
function contentLines(text: string): ContentLines | undefined {
  const lines = new ContentLines(text);
  let position = 0;
  if (text.startsWith('---')) {
    const end = lineEnd(text, 0);
    for (let i = 3; i < end; i++) if (text.charCodeAt(i) !== SPACE) return undefined;
    position = end + 1;
  }
  while (position < text.length) {
    const end = lineEnd(text, position);
    let first = position;
    while (first < end && text.charCodeAt(first) === SPACE) first++;
    if (first < end && text.charCodeAt(first) !== HASH) {
      if (first === position && (text.startsWith('...', first) || text.startsWith('---', first))) return undefined;
      let last = end;
      while (text.charCodeAt(last - 1) === SPACE) last--;
      lines.add(first - position, first, last);
    }
    position = end + 1;
  }
  return lines;
}

function lineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline;
}

/** Reads the content lines, one node at a time, from `line` on; throws NOT_MINE where the form is not its own. */
class LineReader {
  /** The next content line to read. */
  public line = 0;

  constructor(private readonly text: string, private readonly lines: ContentLines) {}

  /**
   * The block map whose keys stand at `column`, the first one at `from` (the start of the current line, or the
   * content of a sequence entry).
   */
  public mapping(column: number, from: number, depth: number): { [key: string]: unknown } {
    if (depth > MAX_DEPTH) throw NOT_MINE;
    const { lines } = this;
    const map: { [key: string]: unknown } = {};
    for (let at = from; ;) {
      this.entry(map, column, at, depth);
      if (this.line >= lines.count || lines.indent[this.line] < column) return map;
      if (lines.indent[this.line] > column || lines.isSequenceEntry(this.line)) throw NOT_MINE;
      at = lines.start[this.line];
    }
  }

  /** The block sequence whose entries stand at `column`, from the current line on. */
  private sequence(column: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) throw NOT_MINE;
    const { lines, text } = this;
    const items: unknown[] = [];
    while (this.line < lines.count && lines.indent[this.line] === column && lines.isSequenceEntry(this.line)) {
      const end = lines.end[this.line];
      let content = lines.start[this.line] + 1;
      while (content < end && text.charCodeAt(content) === SPACE) content++;
      if (content === end) {
        // A lone `-`: the entry's node is on the next lines, or it is null.
        this.line++;
        items.push(this.nested(column, depth));
      } else if (keyEnd(text, content, end) !== -1) {
        items.push(this.mapping(column + content - lines.start[this.line], content, depth + 1));
      } else {
        items.push(scalar(text, content, end));
        this.line++;
      }
      if (this.line < lines.count && lines.indent[this.line] > column) throw NOT_MINE;
    }
    return items;
  }

  /** A node on the lines after a `key:` or a lone `-` at `column`: indented deeper, or null when there is none. */
  private nested(column: number, depth: number): unknown {
    const { lines } = this;
    if (this.line >= lines.count || lines.indent[this.line] <= column) return null;
    const indent = lines.indent[this.line];
    return lines.isSequenceEntry(this.line) ? this.sequence(indent, depth + 1) : this.mapping(indent, lines.start[this.line], depth + 1);
  }

  /** Reads one `key: value` or `key:` entry of a map at `column`, starting at `from`, into `map`. */
  private entry(map: { [key: string]: unknown }, column: number, from: number, depth: number): void {
    const { lines, text } = this;
    const end = lines.end[this.line];
    const colon = keyEnd(text, from, end);
    if (colon === -1 || colon - from > MAX_KEY_LENGTH || INDICATOR[text.charCodeAt(from)] === 1) throw NOT_MINE;
    const last = text.charCodeAt(colon - 1);
    if (last === SPACE || last === COLON) throw NOT_MINE;
    const source = text.slice(from, colon);
    if (source.includes(' #') || source === '__proto__') throw NOT_MINE;
    const key = plainScalarValue(source, true);
    // A key that is not a string, a repeated one, or one that Object.prototype has (`constructor`).
    if (typeof key !== 'string' || map[key] !== undefined) throw NOT_MINE;
    let value = colon + 1;
    while (value < end && text.charCodeAt(value) === SPACE) value++;
    if (value < end) {
      map[key] = scalar(text, value, end);
      this.line++;
      if (this.line < lines.count && lines.indent[this.line] > column) throw NOT_MINE; // a scalar over several lines
      return;
    }
    this.line++;
    // A sequence may stand at the key's own column.
    const indentless = this.line < lines.count && lines.indent[this.line] === column && lines.isSequenceEntry(this.line);
    map[key] = indentless ? this.sequence(column, depth + 1) : this.nested(column, depth);
  }
}

/**
 * Where the key of a `key: value` or `key:` line ends (its colon), or -1 when the text from `from` to `end` is not
 * one (a scalar, or a comment comes first). Quoted text is never taken for a key.
 */
function keyEnd(text: string, from: number, end: number): number {
  const first = text.charCodeAt(from);
  if (first === 34 || first === 39) return -1; // `"` or `'`
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return i;
    if (c === HASH && i > from && text.charCodeAt(i - 1) === SPACE) return -1;
  }
  return -1;
}

/** The value of a scalar (or `{}`, `[]`) written from `from` to the end of its line (`end`), with an optional comment. */
function scalar(text: string, from: number, end: number): unknown {
  const first = text.charCodeAt(from);
  if (first === 34) { // "
    const close = text.indexOf('"', from + 1);
    if (close === -1 || close >= end) throw NOT_MINE;
    const content = text.slice(from + 1, close);
    if (content.includes('\\')) throw NOT_MINE;
    onlyComment(text, close + 1, end);
    return content;
  }
  if (first === 39) { // '
    let close = text.indexOf("'", from + 1);
    while (close !== -1 && close < end && text.charCodeAt(close + 1) === 39) close = text.indexOf("'", close + 2);
    if (close === -1 || close >= end) throw NOT_MINE;
    onlyComment(text, close + 1, end);
    const content = text.slice(from + 1, close);
    return content.includes("''") ? content.replace(/''/g, "'") : content;
  }
  if (first === 123 || first === 91) { // { or [
    if (text.charCodeAt(from + 1) !== (first === 123 ? 125 : 93)) throw NOT_MINE;
    onlyComment(text, from + 2, end);
    return first === 123 ? {} : [];
  }
  if (INDICATOR[first] === 1) throw NOT_MINE;
  // A plain scalar: to the end of the line or a comment.
  let last = end;
  for (let i = from + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE) {
      const next = text.charCodeAt(i + 1);
      if (next === HASH) {
        last = i;
        while (text.charCodeAt(last - 1) === SPACE) last--;
        break;
      }
    } else if (c === COLON && text.charCodeAt(i + 1) === SPACE) {
      throw NOT_MINE; // `a: b` as a value
    }
  }
  if (text.charCodeAt(last - 1) === COLON) throw NOT_MINE;
  const value = plainScalarValue(text.slice(from, last), false);
  if (value === UNSURE) throw NOT_MINE;
  return value;
}

/** Checks that only spaces, then optionally a comment after a space, follow a closing quote or bracket. */
function onlyComment(text: string, from: number, end: number): void {
  let i = from;
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  if (i < end && !(text.charCodeAt(i) === HASH && i > from)) throw NOT_MINE;
}
