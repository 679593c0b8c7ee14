/**
 * The writers' output as pieces (internal to the writers: not exported from the library). A connection list repeats a
 * few pieces millions of times (an endpoint's name, a connection set's text, a source's part of a line): a writer
 * prepares each such piece once with `piece` and writes it with `put` every time. Written as text a piece is its
 * string; written as bytes it is its UTF-8 encoding, copied into the output buffer rather than encoded again.
 */
import type { ConnectionSet } from '../connection-set';
import type { Write } from './write';

/** An output that takes text and prepared pieces of type `P` (a string, or UTF-8 bytes). */
export interface Pieces<P> {
  /** Writes text that is written once (a header, a node line). */
  text(text: string): void;
  /** Prepares text that is written many times, for `put`. */
  piece(text: string): P;
  /** Writes a prepared piece. */
  put(piece: P): void;
  /** Prepared pieces one after the other, as one piece. */
  join(pieces: readonly P[]): P;
}

/** The pieces as text passed to `write`: a piece is its string. */
export function textPieces(write: Write): Pieces<string> {
  return { text: write, piece: text => text, put: write, join: pieces => pieces.join('') };
}

/** Bytes are gathered up to about this many before they are passed on. */
export const CHUNK_BYTES = 1 << 20;

/**
 * The pieces as UTF-8 bytes, gathered into buffers of `CHUNK_BYTES` that are passed to `writeBytes` when full and by
 * `flush` (call it at the end). A piece is its UTF-8 encoding, copied into the buffer; text is encoded into it. A
 * piece's bytes are never split between two buffers, so each buffer is whole UTF-8 text; a piece longer than a buffer
 * is passed on alone.
 */
export class BytePieces implements Pieces<Uint8Array> {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  /**
   * @param writeBytes receives each full buffer, and owns it unless `reusable` says otherwise
   * @param reusable asked after each `writeBytes`: whether it is done with the buffer (it wrote or copied the bytes),
   * so the next bytes may be gathered in the same memory instead of a new buffer
   */
  constructor(private readonly writeBytes: (bytes: Uint8Array) => void, private readonly reusable: () => boolean = () => false) {}

  public text(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (this.used + 3 * text.length > CHUNK_BYTES) {
      this.flush();
      if (3 * text.length > CHUNK_BYTES) {
        this.writeBytes(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  public piece(text: string): Uint8Array {
    return Buffer.from(text, 'utf8');
  }

  public put(piece: Uint8Array): void {
    if (this.used + piece.length > CHUNK_BYTES) {
      this.flush();
      if (piece.length > CHUNK_BYTES) {
        // A copy: the piece is written again later, and `writeBytes` owns what it is given.
        this.writeBytes(Buffer.from(piece));
        return;
      }
    }
    this.buffer.set(piece, this.used);
    this.used += piece.length;
  }

  public join(pieces: readonly Uint8Array[]): Uint8Array {
    return Buffer.concat(pieces);
  }

  /** Passes on what the buffer holds, if anything. */
  public flush(): void {
    if (this.used === 0) return;
    this.writeBytes(this.buffer.subarray(0, this.used));
    if (!this.reusable()) this.buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }
}

/**
 * `render` of a connection set, kept per connlist text: a list holds many equal sets (one per pair of workload
 * classes) but few distinct ones, and the text names every range of a set, so equal texts render alike.
 */
export function memoizedByText<R>(render: (set: ConnectionSet) => R): (set: ConnectionSet) => R {
  const cache = new Map<string, R>();
  return set => {
    const text = set.toString();
    let rendered = cache.get(text);
    if (rendered === undefined) {
      rendered = render(set);
      cache.set(text, rendered);
    }
    return rendered;
  };
}
