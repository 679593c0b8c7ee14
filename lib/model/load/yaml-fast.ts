/**
 * The fast path of the YAML reader. Manifests written by tools (cdk8s synth, `kubectl get -o yaml`, Helm) are plain
 * block YAML: no anchors, tags, merges or tabs, no value that YAML 1.1 reads otherwise than YAML 1.2. For such a
 * document the exact reader (./yaml: the `yaml` package's syntax tree, then a pass for YAML 1.1 readings, duplicate
 * keys and what kubectl cannot convert) has nothing to add to the value, and js-yaml's event parser, an order of
 * magnitude faster, gives the same value in one walk over its events.
 *
 * The fast path answers only where that is certain, and says "not me" (undefined) for everything else, which the
 * exact reader then reads: a tab, a carriage return, a byte-order mark or a YAML 1.1 line break anywhere; a directive;
 * a chunk without exactly one document; a root that is not a map; an anchor, alias or tag; a key that is not a string
 * (null, a number, a boolean, a collection), `<<`, `__proto__`, repeated in its map, or longer than 1000 characters;
 * a plain scalar whose tag reports an error or that YAML 1.2 reads otherwise (the exact reader tells the user); a
 * double-quoted scalar with `\/`; a quoted scalar or flow collection that spans lines (where go-yaml's leniency on
 * indentation differs from the YAML spec); a closing quote or bracket followed by anything but a separator (which
 * js-yaml reads on); a block scalar with an indentation indicator, a comment on its header or a line of only spaces;
 * a `...` line; and anything js-yaml rejects. Plain scalars are resolved by the same
 * function as the exact reader's tags (./scalars), and a property test checks that both readers agree wherever the
 * fast one answers.
 *
 * Chunks are parsed a batch at a time (one parser call has a fixed cost that small documents would otherwise pay
 * each); a batch whose documents cannot each be placed in its chunk is read again chunk by chunk.
 */
import { COLLECTION_STYLE, Event, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, ScalarEvent } from 'js-yaml';
import { plainScalarValue, UNSURE } from './scalars';

/** Characters that send a chunk to the exact reader: tabs, line breaks other than \n, a byte-order mark. */
const UNUSUAL_CHARACTERS = ['\t', '\r', '\x85', '\u2028', '\u2029', '\uFEFF'];

/** The longest key the fast path reads: the `yaml` package rejects implicit keys over 1024 characters. */
const MAX_KEY_LENGTH = 1000;

/** A document read by the fast path. */
export interface FastYamlDocument {
  /** The value, as the exact reader would read it. */
  readonly value: unknown;
  /** Where the document's content starts, from the start of its chunk. */
  readonly offset: number;
}

/**
 * The documents of consecutive chunks of YAML text (as `yamlChunks` splits a file), in one parser call: for each
 * chunk, its one document when the fast path can tell it for certain, else undefined (the exact reader must read
 * that chunk).
 * @param text the chunks' text, one after the other
 * @param starts where each chunk starts in `text`, the first at 0
 */
export function fastYamlDocuments(text: string, starts: readonly number[]): (FastYamlDocument | undefined)[] {
  const results: (FastYamlDocument | undefined)[] = new Array(starts.length).fill(undefined);
  const events = parse(text);
  if (events && placeDocuments(text, events, starts, results)) {
    // A `...` line ends a document, and the parsers disagree on whether an empty one stands before or after it.
    for (let i = text.startsWith('...') ? 0 : text.indexOf('\n...'); i !== -1; i = text.indexOf('\n...', i + 1)) {
      let chunk = 0;
      while (chunk + 1 < starts.length && starts[chunk + 1] <= i) chunk++;
      results[chunk] = undefined;
    }
    return results;
  }
  if (starts.length === 1) return [undefined];
  // Something in the batch could not be placed in its chunk: each chunk on its own.
  return starts.map((start, k) => fastYamlDocuments(text.slice(start, k + 1 < starts.length ? starts[k + 1] : text.length), [0])[0]);
}

/** The one document of a chunk, when the fast path can tell it for certain. */
export function fastYamlDocument(text: string): FastYamlDocument | undefined {
  return fastYamlDocuments(text, [0])[0];
}

function parse(text: string): Event[] | undefined {
  for (const c of UNUSUAL_CHARACTERS) if (text.indexOf(c) !== -1) return undefined;
  try {
    return parseEvents(text, {});
  } catch {
    return undefined;
  }
}

/**
 * Assigns each document of the events to the chunk its content starts in, and reads the documents of chunks that
 * hold exactly one. A document without content (an empty one) has no offset to place it by: empty documents must
 * each have a `---` of their own, one per chunk between the documents around them, or those documents' chunks are
 * left to the exact reader too. False when the events cannot be split into documents, or one has a directive (which
 * belongs to the stream rather than to its chunk).
 */
function placeDocuments(text: string, events: Event[], starts: readonly number[], results: (FastYamlDocument | undefined)[]): boolean {
  const documents = new Array<number>(starts.length).fill(0);
  let chunk = 0;
  // The chunk of the last document placed (-1 before the first), and the empty documents since.
  let placed = -1;
  let empty = 0;
  for (let i = 0; i < events.length;) {
    const document = events[i];
    if (document.type !== EVENT_ID.DOCUMENT || document.directives.length > 0 || i + 1 >= events.length) return false;
    const at = startOf(events[i + 1]);
    if (at === -1) {
      empty += document.explicitStart ? 1 : starts.length + 1; // one without `---` never fits
    } else {
      while (chunk + 1 < starts.length && starts[chunk + 1] <= at) chunk++;
      const limit = chunk + 1 < starts.length ? starts[chunk + 1] : text.length;
      const read = ++documents[chunk] === 1 ? construct(text, events, i + 1, starts[chunk], limit) : undefined;
      results[chunk] = read && { value: read.value, offset: read.offset };
      if (empty > 0 && (empty !== chunk - placed - 1 || !document.explicitStart)) results.fill(undefined, Math.max(placed, 0), chunk + 1);
      placed = chunk;
      empty = 0;
      if (read) {
        i = read.end + 1;
        continue;
      }
    }
    const end = documentEnd(events, i);
    if (end === -1) return false;
    i = end + 1;
  }
  if (empty > 0 && empty !== starts.length - placed - 1) results.fill(undefined, Math.max(placed, 0));
  return true;
}

/** The index of the event that ends the document starting at `start`, or -1. */
function documentEnd(events: Event[], start: number): number {
  let depth = 0;
  for (let i = start; i < events.length; i++) {
    const type = events[i].type;
    if (type === EVENT_ID.POP) {
      if (--depth === 0) return i;
    } else if (type !== EVENT_ID.SCALAR && type !== EVENT_ID.ALIAS) depth++;
  }
  return -1;
}

/** Where a node's text starts, or -1 for an empty scalar or an alias. */
function startOf(e: Event): number {
  if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) return e.start;
  if (e.type === EVENT_ID.SCALAR) return e.valueStart;
  return -1;
}

function hasProperties(e: { anchorStart: number; tagStart: number }): boolean {
  return e.anchorStart !== -1 || e.tagStart !== -1;
}

/** Whether text[from, to) holds a line break. */
function spansLines(text: string, from: number, to: number): boolean {
  const newline = text.indexOf('\n', from);
  return newline !== -1 && newline < to;
}

/** The text of a scalar event, after js-yaml's unescaping and folding. */
function scalarText(text: string, e: ScalarEvent): string {
  return e.fast ? text.slice(e.valueStart, e.valueEnd) : getScalarValue(text, e);
}

/** Awaiting a key, in a map of the walk. */
const NO_KEY = undefined;

/** A document the walk has read, and the index of the event that ends it. */
interface Constructed extends FastYamlDocument {
  readonly end: number;
}

/**
 * The value of one document from its root's event (`from`), or undefined when the fast path cannot be certain of it.
 * @param chunkStart where the document's chunk starts
 * @param limit where the next chunk starts: every event of the document must lie before it
 */
function construct(text: string, events: Event[], from: number, chunkStart: number, limit: number): Constructed | undefined {
  const root = events[from];
  if (root.type !== EVENT_ID.MAPPING || !isPlainPrefix(text, chunkStart, root.start)) return undefined;
  const to = events.length;
  // The open collections (a stack), and for each open map the key awaiting its value.
  const containers: unknown[] = [];
  const keys: (string | undefined)[] = [];
  // Flow collections: how many are open, where the line of the outermost one ends, and where its last content ended.
  let flowDepth = 0;
  let flowLineEnd = 0;
  let flowCursor = 0;
  for (let i = from; i < to; i++) {
    const e = events[i];
    const top = containers.length - 1;
    const parent = top >= 0 ? containers[top] : undefined;
    const wantsKey = parent !== undefined && !Array.isArray(parent) && keys[top] === NO_KEY;
    let value: unknown;
    switch (e.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (hasProperties(e) || wantsKey || e.start >= limit) return undefined;
        if (e.style === COLLECTION_STYLE.FLOW) {
          // Only a flow collection that opens with its own bracket (not an implicit pair) and stays on one line.
          if (text[e.start] !== (e.type === EVENT_ID.MAPPING ? '{' : '[')) return undefined;
          if (flowDepth === 0) flowLineEnd = lineEnd(text, e.start);
          else if (e.start >= flowLineEnd) return undefined;
          flowDepth++;
          flowCursor = e.start + 1;
        } else if (flowDepth > 0) return undefined;
        containers.push(e.type === EVENT_ID.MAPPING ? {} : []);
        keys.push(NO_KEY);
        continue;
      }
      case EVENT_ID.SCALAR: {
        if (hasProperties(e)) return undefined;
        if (e.valueStart === -1) {
          if (wantsKey || e.style !== SCALAR_STYLE.PLAIN) return undefined; // a null key
          value = null;
        } else {
          if ((e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK) && !isPlainBlockScalar(text, e)) return undefined;
          const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED;
          if (e.valueEnd > limit || (quoted && spansLines(text, e.valueStart, e.valueEnd))) return undefined;
          if (quoted && !isSeparator(text, e.valueEnd + 1)) return undefined;
          if (flowDepth > 0) {
            if (e.valueEnd >= flowLineEnd) return undefined;
            flowCursor = e.valueEnd + (quoted ? 1 : 0);
          }
          const source = scalarText(text, e);
          if (e.style === SCALAR_STYLE.PLAIN) {
            value = plainScalarValue(source, wantsKey);
            if (value === UNSURE) return undefined;
          } else {
            if (e.style === SCALAR_STYLE.DOUBLE_QUOTED && !e.fast && text.slice(e.valueStart, e.valueEnd).includes('\\/')) return undefined;
            value = source;
          }
        }
        if (wantsKey) {
          if (typeof value !== 'string' || value === '__proto__' || e.valueEnd - e.valueStart > MAX_KEY_LENGTH) return undefined;
          // A duplicate key (or one that Object.prototype has, such as `constructor`, left to the exact reader too).
          if ((parent as { [key: string]: unknown })[value] !== undefined) return undefined;
          keys[top] = value;
          continue;
        }
        break;
      }
      case EVENT_ID.POP: {
        value = containers.pop();
        if (keys.pop() !== NO_KEY) return undefined;
        if (flowDepth > 0) {
          // The closing bracket must follow on the same line, after nothing but spaces and separators.
          const close = closingBracket(text, flowCursor, flowLineEnd);
          if (close === -1 || !isSeparator(text, close + 1)) return undefined;
          flowCursor = close + 1;
          flowDepth--;
        }
        if (containers.length === 0) {
          // The root map is complete: the document must end here.
          return i + 1 < to && events[i + 1].type === EVENT_ID.POP ? { value, offset: root.start - chunkStart, end: i + 1 } : undefined;
        }
        break;
      }
      default:
        return undefined; // an alias
    }
    const container = containers[containers.length - 1];
    if (Array.isArray(container)) {
      container.push(value);
    } else {
      const at = containers.length - 1;
      (container as { [key: string]: unknown })[keys[at]!] = value;
      keys[at] = NO_KEY;
    }
  }
  return undefined;
}

/**
 * Whether a block scalar is one the parsers read alike: its header (`|`, `>`, with `-` or `+`) ends its line, without
 * an indentation indicator or a comment, and no line of it holds only spaces (the parsers disagree on some).
 */
function isPlainBlockScalar(text: string, e: ScalarEvent): boolean {
  const header = e.valueStart - 1;
  if (text[header] !== '\n') return false;
  const last = text[header - 1];
  const indicator = last === '-' || last === '+' ? text[header - 2] : last;
  if (indicator !== '|' && indicator !== '>') return false;
  return !/(?:^|\n) +(?:\n|$)/.test(text.slice(e.valueStart, e.valueEnd));
}

/**
 * Whether the text before a document's root holds nothing but its `---` line (at the start, with an optional
 * comment), blank lines, comment lines, and the root's indentation: js-yaml reads on past some things there (an
 * indented `---`) where the `yaml` package stops.
 */
function isPlainPrefix(text: string, from: number, to: number): boolean {
  let i = from;
  if (text.startsWith('---', i)) {
    i += 3;
    if (text[i] !== '\n' && text[i] !== ' ') return false;
  }
  while (i < to) {
    const c = text[i];
    if (c === '#') {
      if (i > from && text[i - 1] !== ' ' && text[i - 1] !== '\n') return false;
      const end = text.indexOf('\n', i);
      if (end === -1 || end >= to) return false;
      i = end + 1;
    } else if (c === ' ' || c === '\n') i++;
    else return false;
  }
  return true;
}

/**
 * Whether what follows a closing quote or bracket separates it from the next token (js-yaml reads `[]a` or `"a"b`
 * on, where the `yaml` package and go-yaml stop): a space, a line break, `,`, `:`, a closing bracket, or the end.
 */
function isSeparator(text: string, offset: number): boolean {
  if (offset >= text.length) return true;
  const c = text[offset];
  return c === ' ' || c === '\n' || c === ',' || c === ':' || c === ']' || c === '}';
}

/** The offset of the line break that ends the line holding `offset`, or the text's length. */
function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline;
}

/** Where the flow collection's closing bracket is, if only spaces, commas and indicators come before it on its line; else -1. */
function closingBracket(text: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (c === ']' || c === '}') return i;
    if (c !== ' ' && c !== ',' && c !== ':' && c !== '?') return -1;
  }
  return -1;
}
