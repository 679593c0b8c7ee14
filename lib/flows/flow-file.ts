/**
 * Reading a flow capture (`hubble observe -o json > flows.jsonl`) from disk in parts of about 64 MiB, each cut just
 * before a line that starts with `{` (where a record starts, whether the records are one per line or pretty-printed),
 * so that no record is split. A JavaScript string holds at most about 512 MiB, and the capture of a busy cluster is
 * larger: read whole, it could not be read at all. A file with no such line over more than that (one JSON array, as
 * `jq -s` writes it) is refused with the way out.
 */
import { constants } from 'buffer';
import { readTextFileParts, TextPart } from '../model/load/files';
import { ParsedFlows, parseHubbleFlowParts, ParseHubbleOptions } from './hubble';

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

/**
 * The text of a flow file in parts, in order, each with the line it starts on, each cut just before a line that
 * starts with `{` (`readTextFileParts`): only one is held at a time, and together they are the text
 * `fs.readFileSync(file, 'utf8')` gives.
 */
export function readFlowFileParts(file: string, options: FlowFileReadOptions = {}): Iterable<TextPart> {
  const partBytes = options.partBytes ?? PART_BYTES;
  const maxPartBytes = options.maxPartBytes ?? constants.MAX_STRING_LENGTH;
  if (!(Number.isInteger(partBytes) && partBytes >= 1 && Number.isInteger(maxPartBytes) && maxPartBytes >= partBytes)) {
    throw new Error(`readFlowFileParts: partBytes (${partBytes}) must be a whole number of at least 1, and maxPartBytes (${maxPartBytes}) a whole number of at least partBytes`);
  }
  return readTextFileParts(file, { cutBefore: '{', partBytes, maxPartBytes, tooLong: (bytes, max) => new FlowFileError(file, tooLong(file, bytes, max)) });
}

/** Why a file whose records do not start lines cannot be read. */
function tooLong(file: string, bytes: number, max: number): string {
  return `${mib(bytes)} without a line that starts a record with "{", more than one part holds (${mib(max)}): one JSON array, `
    + `as "jq -s" writes it? Write one record per line: jq -c '.[]' ${file} > flows.jsonl`;
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / 1024 / 1024)} MiB` : `${bytes} bytes`;
}
