/**
 * JSON as kubectl reads it. kubectl (k8s.io/apimachinery's YAMLOrJSONDecoder) reads a file as a stream of JSON
 * values when its first non-space character is `{`, whatever its extension, and as YAML otherwise: so a file may hold
 * several concatenated JSON objects, and a YAML file that starts with a flow map `{` is read, and rejected, as JSON.
 *
 * Only the boundaries of the values are found here (strings and brackets); each value is parsed by JSON.parse.
 */

/** Go's unicode.IsSpace, which decides where kubectl's sniffing looks (not the BOM, unlike JavaScript's `\s`). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** Whether kubectl reads this text as a JSON stream: its first non-space character is `{`. */
export function isJsonStream(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (!GO_SPACE.test(text[i])) return text[i] === '{';
  }
  return false;
}

/** One value of a JSON stream, or the error that ends the stream. */
export interface JsonValue {
  /** The value; absent when `error` is set. */
  readonly value?: unknown;
  /** Where the value starts in the text. */
  readonly offset: number;
  /** Why the stream cannot be read from here on (kubectl stops at the first error too). */
  readonly error?: { readonly message: string; readonly offset: number };
}

/** The values of a JSON stream, in order; the last one carries the error if the stream is malformed. */
export function* jsonValues(text: string): Generator<JsonValue> {
  let i = 0;
  for (;;) {
    while (i < text.length && GO_SPACE.test(text[i])) i++;
    if (i >= text.length) return;
    const end = valueEnd(text, i);
    const slice = text.slice(i, end);
    let value: unknown;
    try {
      value = JSON.parse(slice);
    } catch (err) {
      yield { offset: i, error: parseError((err as Error).message, i, end) };
      return;
    }
    if (/\d[eE][+]?\d{3}|\d{309}/.test(slice) && hasNonFinite(value)) {
      // Go's encoding/json rejects a number past float64's range; JSON.parse makes it Infinity.
      yield { offset: i, error: { message: 'a number is too large for a float64 ("cannot unmarshal number into Go value of type float64")', offset: i } };
      return;
    }
    yield { value, offset: i };
    i = end;
  }
}

/** The end of the JSON value starting at `start`: past its closing bracket or quote, or at the next delimiter. */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first !== '{' && first !== '[') {
    let i = start + 1;
    while (i < text.length && !GO_SPACE.test(text[i]) && !'{}[],:"'.includes(text[i])) i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i) - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length; // unterminated: JSON.parse says what is missing
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/** JSON.parse's message with its position (relative to the slice) turned into an offset in the whole text. */
function parseError(message: string, start: number, end: number): { message: string; offset: number } {
  const first = message.split('\n')[0];
  const position = /at position (\d+)/.exec(first);
  const offset = position ? start + Number(position[1]) : /end of (JSON|data) input/.test(first) ? end : start;
  const cleaned = first.replace(/,? (in JSON )?at position \d+( \(line \d+ column \d+\))?/, '').replace(/ \(line \d+ column \d+\)/, '');
  return { message: cleaned, offset };
}

function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === null || typeof value !== 'object') return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(hasNonFinite);
}
