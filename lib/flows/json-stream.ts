/**
 * Splitting a text into the JSON values it holds, with the line each starts on: one object per line (`hubble observe
 * -o json`), objects spread over lines (`... | jq .`), concatenated objects, and a top-level array whose elements are
 * taken one by one (`jq -s .`). A broken value is reported at the line it starts on and skipped, and reading resumes
 * at the next value, so one damaged record never hides the others.
 *
 * The splitter only finds where a value ends (it tracks strings, escapes and bracket nesting); `JSON.parse` then
 * judges each value. Where a value ends without closing, reading resumes at the first later line that starts with `{`
 * no deeper indented than the broken value's first line: the next record of a stream, whether one record per line or
 * pretty-printed. A value whose first line holds more than its opening brace (a one-record-per-line stream) and is
 * not closed on that line is truncated when the next line starts a new record at the same indentation.
 */

import type { TextPart } from '../model/load/files';

export type { TextPart };

/** A piece of the input: a JSON value, or a stretch that is not one. */
export type JsonChunk =
  | {
    /** A JSON value (parsed). */
    readonly kind: 'value';
    /** The 1-based line it starts on. */
    readonly line: number;
    /** The parsed value. */
    readonly value: unknown;
  }
  | {
    /** Text that is not a JSON value. */
    readonly kind: 'broken';
    /** The 1-based line it starts on. */
    readonly line: number;
    /** `truncated`: a value that never closes; `invalid`: a value with a syntax error; `not-json`: text that starts no JSON value. */
    readonly problem: JsonProblem;
    /** What is wrong, e.g. `line 7 ends inside a string`. */
    readonly detail: string;
    /** The last line skipped with it (the same as `line` when only that line was skipped). */
    readonly endLine: number;
    /** The first characters of the broken text (at most 40), to quote in a message. */
    readonly excerpt: string;
  };

/** What is wrong with a broken stretch of the input. */
export type JsonProblem = 'truncated' | 'invalid' | 'not-json';

/** Splits `text` into its JSON values and broken stretches, in input order (see the module comment). */
export function splitJsonValues(text: string): JsonChunk[] {
  return [...eachJsonValue(text)];
}

/**
 * The chunks of `splitJsonValues`, one at a time: each parsed value can be dropped as soon as it is read, so a large
 * capture is never held as parsed JSON all at once.
 * @param firstLine the line where `text` starts in the whole input, when it is a part of it (see `TextPart`): the
 * lines of the chunks and of their details are those of the whole input
 */
export function* eachJsonValue(text: string, firstLine = 1): Generator<JsonChunk> {
  yield* new Splitter(text, firstLine).run();
}

type Scan = { readonly end: number } | { readonly problem: 'truncated' | 'invalid'; readonly detail: string; readonly resume: number };

const OPENERS: { [c: string]: string } = { '{': '}', '[': ']' };

const CLOSERS: { [c: string]: string } = { '{': '}', '[': ']' };

class Splitter {
  private readonly lineStarts: number[] = [0];
  /** The chunks found by the last step, not yet handed out. */
  private chunks: JsonChunk[] = [];

  /** @param firstLine the line of the whole input where `text` starts (a part of it, see `TextPart`), for the lines reported */
  constructor(private readonly text: string, private readonly firstLine: number) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  public *run(): Generator<JsonChunk> {
    const text = this.text;
    let pos = 0;
    let array: number | undefined; // the offset of an open top-level array's '['
    while (true) {
      if (this.chunks.length > 0) {
        yield* this.chunks;
        this.chunks = [];
      }
      pos = this.skipSpace(pos);
      if (pos >= text.length) break;
      const c = text[pos];
      if (array !== undefined && (c === ',' || c === ']')) {
        if (c === ']') array = undefined;
        pos++;
        continue;
      }
      if (array === undefined && c === ',') {
        pos++; // a comma after a top-level value (a stream written as "{...},"): nothing is lost by skipping it
        continue;
      }
      if (c === '[' && array === undefined && this.startsArrayOfValues(pos)) {
        array = pos;
        pos++;
        continue;
      }
      if (c === '{' || c === '[') {
        pos = this.value(pos);
        continue;
      }
      pos = this.scalarOrGarbage(pos);
    }
    if (array !== undefined) {
      const line = this.lineNumber(array);
      this.chunks.push({ kind: 'broken', line, endLine: line, problem: 'truncated', detail: 'the JSON array opened here is not closed with "]"', excerpt: this.excerpt(array) });
    }
    yield* this.chunks;
    this.chunks = [];
  }

  /** Whether a top-level '[' opens an array of values to take one by one (not an empty or scalar array). */
  private startsArrayOfValues(pos: number): boolean {
    const next = this.skipSpace(pos + 1);
    return next < this.text.length && (this.text[next] === '{' || this.text[next] === ']');
  }

  /** Reads the object or array at `pos`; returns where to continue. */
  private value(start: number): number {
    const whole = this.wholeLine(start);
    if (whole !== undefined) return whole;
    const scan = this.scan(start);
    if ('end' in scan) {
      const source = this.text.slice(start, scan.end);
      try {
        this.chunks.push({ kind: 'value', line: this.lineNumber(start), value: JSON.parse(source) });
        return scan.end;
      } catch (e) {
        const message = (e as Error).message;
        const at = /position (\d+)/.exec(message);
        const where = at ? ` at line ${this.lineNumber(start + Number(at[1]))}` : '';
        // A record that starts inside this one (a truncated record followed by a whole one) is read on its own.
        const next = this.nextRecordLine(start, this.lineOf(start));
        const resume = next !== undefined && next < scan.end ? next : scan.end;
        this.broken(start, resume, 'invalid', `${message.replace(/ in JSON at position \d+.*$/, '')}${where}`);
        return resume;
      }
    }
    this.broken(start, scan.resume, scan.problem, scan.detail);
    return scan.resume;
  }

  /**
   * The quick way for one value per line: when the rest of the line from `start` is one JSON value (up to trailing
   * white space), it is that value, exactly as `scan` would find it; returns where to continue. Anything else (a value
   * spread over lines, two on a line, a trailing comma, broken JSON) is left to `scan`.
   */
  private wholeLine(start: number): number | undefined {
    const text = this.text;
    const newline = text.indexOf('\n', start);
    const line = text.slice(start, newline < 0 ? text.length : newline).trimEnd();
    if (line.length < 2 || line[line.length - 1] !== CLOSERS[text[start]]) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    this.chunks.push({ kind: 'value', line: this.lineNumber(start), value });
    return start + line.length;
  }

  private broken(start: number, resume: number, problem: JsonProblem, detail: string): void {
    const line = this.lineNumber(start);
    const endLine = Math.max(line, this.lineNumber(Math.max(start, resume - 1)));
    this.chunks.push({ kind: 'broken', line, endLine, problem, detail, excerpt: this.excerpt(start) });
  }

  /** Finds the end of the value at `start`, or why it has none and where to resume. */
  private scan(start: number): Scan {
    const text = this.text;
    const startLine = this.lineOf(start);
    const indent = this.indentOf(startLine);
    const stack: string[] = [];
    let inString = false;
    let firstLine = true;
    let contentOnFirstLine = false;
    let candidate: number | undefined; // the first later line that looks like the start of a record
    const fail = (at: number, problem: 'truncated' | 'invalid', detail: string): Scan => {
      const errorLine = this.lineOf(Math.min(at, text.length - 1));
      // One record per line: the next line is the next record. Spread over lines: the next line starting a record.
      if (firstLine && contentOnFirstLine && errorLine === startLine) return { problem, detail, resume: this.lineStartAfter(startLine) };
      if (candidate !== undefined) {
        const why = problem === 'truncated' ? `it is not closed before the next record starts at line ${this.lineNumber(candidate)}` : `${detail}, after the next record starts at line ${this.lineNumber(candidate)}`;
        return { problem: 'truncated', detail: why, resume: candidate };
      }
      return { problem, detail, resume: this.nextRecordLine(start, errorLine) ?? text.length };
    };
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') {
          if (text[i + 1] === '\n') return fail(i, 'truncated', `line ${this.lineNumber(i)} ends inside a string`);
          i++;
        } else if (c === '"') {
          inString = false;
        } else if (c === '\n') {
          return fail(i, 'truncated', `line ${this.lineNumber(i)} ends inside a string`);
        }
        continue;
      }
      if (c === '\n') {
        const next = this.recordStartAt(i + 1, indent);
        if (firstLine && contentOnFirstLine && next !== undefined) {
          return { problem: 'truncated', detail: 'the value is not closed at the end of its line, and the next line starts another one', resume: i + 1 };
        }
        if (candidate === undefined && next !== undefined) candidate = i + 1;
        firstLine = false;
        continue;
      }
      if (firstLine && i > start && c !== ' ' && c !== '\t' && c !== '\r') contentOnFirstLine = true;
      if (c === '"') {
        inString = true;
      } else if (c === '{' || c === '[') {
        stack.push(OPENERS[c]);
      } else if (c === '}' || c === ']') {
        const expected = stack.pop();
        if (expected !== c) return fail(i, 'invalid', `unexpected "${c}" at line ${this.lineNumber(i)}${expected ? `, where "${expected}" closes the value` : ''}`);
        if (stack.length === 0) return { end: i + 1 };
      }
    }
    return fail(text.length, 'truncated', inString ? 'the input ends inside a string' : 'the input ends before the value is closed');
  }

  /** A top-level value that is not an object or array: the rest of the line, JSON (a scalar) or not. */
  private scalarOrGarbage(pos: number): number {
    const line = this.lineOf(pos);
    const end = this.lineStartAfter(line);
    const content = this.text.slice(pos, end).trim();
    try {
      this.chunks.push({ kind: 'value', line: line + this.firstLine - 1, value: JSON.parse(content) });
    } catch {
      this.broken(pos, end, 'not-json', `a JSON value starts with "{", "[", a quote, a digit, true, false or null, not ${JSON.stringify(content[0])}`);
    }
    return end;
  }

  /** The offset where the line after `line` (1-based) starts, or the end of the text. */
  private lineStartAfter(line: number): number {
    return line < this.lineStarts.length ? this.lineStarts[line] : this.text.length;
  }

  /** The offset of `lineStart` if that line starts a record at no deeper indentation than `indent`. */
  private recordStartAt(lineStart: number, indent: number): number | undefined {
    let i = lineStart;
    while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
    return this.text[i] === '{' && i - lineStart <= indent ? lineStart : undefined;
  }

  /** The start of the first line after `line` (1-based) that starts a record as the value at `start` did. */
  private nextRecordLine(start: number, line: number): number | undefined {
    const indent = this.indentOf(this.lineOf(start));
    for (let l = line; l < this.lineStarts.length; l++) {
      const found = this.recordStartAt(this.lineStarts[l], indent);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private indentOf(line: number): number {
    let i = this.lineStarts[line - 1];
    const from = i;
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    return i - from;
  }

  private skipSpace(pos: number): number {
    while (pos < this.text.length && /\s/.test(this.text[pos])) pos++;
    return pos;
  }

  /** The line of an offset in the whole input, as reported. */
  private lineNumber(offset: number): number {
    return this.lineOf(offset) + this.firstLine - 1;
  }

  /** The 1-based line of an offset in `text`. */
  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private excerpt(pos: number): string {
    const end = this.text.indexOf('\n', pos);
    return this.text.slice(pos, end < 0 ? this.text.length : end).trim().slice(0, 40);
  }
}
