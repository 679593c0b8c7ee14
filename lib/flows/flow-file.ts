/**
 * Reading a flow capture (`hubble observe -o json > flows.jsonl`) from disk in parts of about 64 MiB, each cut just
 * before a line that starts with `{` (where a record starts, whether the records are one per line or pretty-printed),
 * so that no record is split. A JavaScript string holds at most about 512 MiB, and the capture of a busy cluster is
 * larger: read whole, it could not be read at all. A file with no such line over more than that (one JSON array, as
 * `jq -s` writes it) is refused with the way out.
 */
import { constants } from 'buffer';
import * as fs from 'fs';
import { decodeText } from '../model/load/files';
import { ParsedFlows, parseHubbleFlowParts, ParseHubbleOptions } from './hubble';
import type { TextPart } from './json-stream';

/** How much of the file a part holds, about. */
const PART_BYTES = 64 * 1024 * 1024;

/** How a flow file is read in parts. */
export interface FlowFileReadOptions {
  /**
   * How much to read at a time: each part holds about this much.
   * @default 64 MiB
   */
  readonly partBytes?: number;
  /**
   * The most a part may hold, when no line starts a record for that long (one JSON array): beyond it the file is
   * refused.
   * @default the longest string JavaScript can hold (`buffer.constants.MAX_STRING_LENGTH`, about 512 MiB)
   */
  readonly maxPartBytes?: number;
}

/** A flow file that cannot be read: `${file}: cannot read the flow file (${why})`. */
export class FlowFileError extends Error {
  constructor(public readonly file: string, public readonly why: string) {
    super(`${file}: cannot read the flow file (${why})`);
  }
}

/**
 * Reads and parses a flow file part by part (`readFlowFileParts`, then `parseHubbleFlowParts`): a capture of any
 * size. A file that cannot be read (missing, a directory, unreadable, or one JSON array too long for a string) throws
 * `FlowFileError`.
 * @param read how the file is read (see `FlowFileReadOptions`)
 * @example parseHubbleFlowFile('flows.jsonl', { keepDropped: true }).flows
 */
export function parseHubbleFlowFile(file: string, options: ParseHubbleOptions = {}, read: FlowFileReadOptions = {}): ParsedFlows {
  try {
    return parseHubbleFlowParts(readFlowFileParts(file, read), file, options);
  } catch (e) {
    // A system error (it names its system call) of opening or reading the file; any other error is not about the file.
    const error = e as NodeJS.ErrnoException;
    if (typeof error.syscall !== 'string') throw e;
    const why = error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a directory' : error.message.split('\n')[0];
    throw new FlowFileError(file, why);
  }
}

/** A line break followed by `{`: a part ends after the line break. */
const RECORD_START = Buffer.from('\n{');

/**
 * The text of a flow file in parts, in order, each with the line it starts on. The file is opened and the first part
 * read now, so that a missing file or a directory throws here (as `fs.readFileSync` does); the other parts are read
 * as they are iterated, so only one is held at a time. Each part is decoded as UTF-8 (pure ASCII as Latin-1, which
 * gives the same string faster): together they are the text `fs.readFileSync(file, 'utf8')` gives.
 */
export function readFlowFileParts(file: string, options: FlowFileReadOptions = {}): Iterable<TextPart> {
  const partBytes = options.partBytes ?? PART_BYTES;
  const maxPartBytes = options.maxPartBytes ?? constants.MAX_STRING_LENGTH;
  if (!(Number.isInteger(partBytes) && partBytes >= 1 && Number.isInteger(maxPartBytes) && maxPartBytes >= partBytes)) {
    throw new Error(`readFlowFileParts: partBytes (${partBytes}) must be a whole number of at least 1, and maxPartBytes (${maxPartBytes}) a whole number of at least partBytes`);
  }
  const parts = readParts(fs.openSync(file, 'r'), file, partBytes, maxPartBytes);
  const first = parts.next();
  return {
    *[Symbol.iterator]() {
      if (first.done) return;
      yield first.value;
      yield* parts;
    },
  };
}

/** The parts of an open file, from its start; closes the file when done (or abandoned). */
function* readParts(fd: number, file: string, partBytes: number, maxPartBytes: number): Generator<TextPart> {
  try {
    let pending = Buffer.alloc(0);
    let firstLine = 1;
    let eof = false;
    while (!eof) {
      // Another `partBytes` (or as much as is pending, when no record started a line in it: the reads grow).
      const buffer = Buffer.allocUnsafe(pending.length + Math.max(partBytes, pending.length));
      pending.copy(buffer, 0);
      let filled = pending.length;
      while (filled < buffer.length) {
        const read = fs.readSync(fd, buffer, filled, buffer.length - filled, null);
        if (read === 0) {
          eof = true;
          break;
        }
        filled += read;
      }
      const data = buffer.subarray(0, filled);
      const start = eof ? -1 : data.lastIndexOf(RECORD_START);
      if (!eof && start < 0) {
        if (data.length > maxPartBytes) throw new FlowFileError(file, tooLong(file, data.length, maxPartBytes));
        pending = data;
        continue;
      }
      const end = eof ? data.length : start + 1;
      if (end > maxPartBytes) throw new FlowFileError(file, tooLong(file, end, maxPartBytes));
      const part = data.subarray(0, end);
      // The rest (the start of the next part) is copied, so the part's buffer can go once it is decoded.
      pending = Buffer.from(data.subarray(end));
      if (part.length === 0) continue;
      yield { text: decode(part, file), firstLine };
      firstLine += lineBreaks(part);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A part's text (`decodeText`), or a `FlowFileError` when it is too long for a string. */
function decode(part: Buffer, file: string): string {
  try {
    return decodeText(part);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') throw new FlowFileError(file, tooLong(file, part.length, constants.MAX_STRING_LENGTH));
    throw e;
  }
}

/** Why a file whose records do not start lines cannot be read. */
function tooLong(file: string, bytes: number, max: number): string {
  return `${mib(bytes)} without a line that starts a record with "{", more than one part holds (${mib(max)}): one JSON array, `
    + `as "jq -s" writes it? Write one record per line: jq -c '.[]' ${file} > flows.jsonl`;
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / 1024 / 1024)} MiB` : `${bytes} bytes`;
}

/** The number of line breaks (`\n`) in the bytes. */
function lineBreaks(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}
