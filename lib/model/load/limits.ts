/**
 * How much input is read. Parsing is linear but not cheap (about 2 MB/s and 10 bytes of memory per byte of YAML), so
 * a file of hundreds of megabytes, or one enormous value, would run for minutes and exhaust the heap. Two limits stop
 * that with a one-line error instead, and neither rejects anything the API server would accept:
 * - a file over `MAX_FILE_BYTES` (256 MiB) is not read;
 * - a YAML document over `MAX_OBJECT_BYTES` (3 MiB, the API server's limit on a request body) is not read unless it is
 *   a List (`kind: List`, `PodList`, ...), whose items kubectl sends one by one. Such a document cannot be applied.
 */

/** Files larger than this (bytes) are not read. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** YAML documents larger than this (bytes, about) are not read unless they are Lists: the API server's request limit. */
export const MAX_OBJECT_BYTES = 3 * 1024 * 1024;

/** A YAML document too large to be an object the API server accepts. */
export interface OversizedDocument {
  /** The 1-based line where it starts. */
  readonly line: number;
  /** Its size in characters (bytes, for ASCII). */
  readonly size: number;
}

/**
 * The first YAML document of `text` over `limit` that is not a List, found without parsing: documents are split at
 * `---` and `...` lines (a marker inside a scalar can only make documents look smaller, never larger).
 */
export function findOversizedDocument(text: string, limit: number = MAX_OBJECT_BYTES): OversizedDocument | undefined {
  if (text.length <= limit) return undefined;
  let start = 0;
  for (const marker of [...markers(text), text.length]) {
    if (marker - start > limit && !isList(text.slice(start, marker))) return { line: lineOf(text, start), size: marker - start };
    start = marker;
  }
  return undefined;
}

/** Where the lines that start with a document marker (`---` or `...`) start, in order. */
function markers(text: string): number[] {
  const found = isMarker(text, 0) ? [0] : [];
  for (const marker of ['\n---', '\n...']) {
    for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + 1)) {
      if (isMarker(text, i + 1)) found.push(i + 1);
    }
  }
  return found.sort((a, b) => a - b);
}

/** The 1-based line of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A size in MiB for messages: `3.0 MiB`. */
export function mebibytes(size: number): string {
  return `${(size / (1024 * 1024)).toFixed(1)} MiB`;
}

function isMarker(text: string, offset: number): boolean {
  if (!text.startsWith('---', offset) && !text.startsWith('...', offset)) return false;
  const next = text[offset + 3];
  return next === undefined || next === '\n' || next === '\r' || next === ' ' || next === '\t';
}

/** Whether a document says `kind: List` or `kind: <Something>List` at its top level (column 0). */
function isList(document: string): boolean {
  return /^kind:[ \t]*["']?[A-Za-z]*List["']?[ \t]*(#.*)?\r?$/m.test(document);
}
