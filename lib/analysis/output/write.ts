/**
 * Writing an output chunk by chunk. Every format of the connection list is written through a `Write` as the
 * connections come, so a list of any length never has to be held as one string.
 */

import type { Connection } from '../analysis';
import type { ConnectionSet } from '../connection-set';
import type { Endpoint } from '../endpoints';
import { BytePieces } from './pieces';

/** Receives the output, one piece of text at a time, in order. */
export type Write = (text: string) => void;

/** Receives one connection of a list: its source, destination and connections. */
export type VisitConnection = (src: Endpoint, dst: Endpoint, conns: ConnectionSet) => void;

/**
 * A connection list given as a function that calls `visit` for each connection, in order: the writers' input, which
 * `Analysis` can produce without a `Connection` object per connection.
 */
export type EachConnection = (visit: VisitConnection) => void;

/** A list or iterable of connections as an `EachConnection`. */
export function eachOf(connections: Iterable<Connection>): EachConnection {
  return visit => {
    for (const c of connections) visit(c.src, c.dst, c.conns);
  };
}

/**
 * The items `keep` accepts, in order, one at a time (a filter that never holds the list).
 * @internal
 */
export function* _filtered<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}

/** Pieces are gathered up to about this many characters before they are passed on. */
const CHUNK_CHARACTERS = 1 << 16;

/** A `Write` that gathers small pieces into chunks of about 64 KiB for `write`; call `flush` at the end. */
export function chunkedWrite(write: Write): { readonly write: Write; flush(): void } {
  let pieces: string[] = [];
  let length = 0;
  const flush = () => {
    if (pieces.length === 0) return;
    write(pieces.join(''));
    pieces = [];
    length = 0;
  };
  return {
    write: text => {
      pieces.push(text);
      length += text.length;
      if (length >= CHUNK_CHARACTERS) flush();
    },
    flush,
  };
}

/**
 * A `Write` that encodes the text as UTF-8 into buffers of about 1 MiB and passes each full one to `writeBytes`, which
 * owns it from then on; call `flush` at the end. A long output written piece by piece this way is copied once, where
 * `chunkedWrite` joins the pieces into strings that are then encoded. A piece's bytes are never split between two
 * buffers, so each buffer is whole UTF-8 text.
 */
export function bufferedWrite(writeBytes: (bytes: Uint8Array) => void): { readonly write: Write; flush(): void } {
  const bytes = new BytePieces(writeBytes);
  return { write: text => bytes.text(text), flush: () => bytes.flush() };
}

/** What a writer writes, as one string: for the `format*` functions that return the whole text. */
export function collectText(writer: (write: Write) => void): string {
  const pieces: string[] = [];
  writer(text => { pieces.push(text); });
  return pieces.join('');
}

/**
 * `render` with its results kept per object (an endpoint, a connection set): the connection list repeats the same
 * few objects millions of times, so each is rendered once. Memory grows with the distinct objects, not the list.
 */
export function memoized<T extends object, R>(render: (value: T) => R): (value: T) => R {
  const cache = new Map<T, R>();
  return value => {
    let rendered = cache.get(value);
    if (rendered === undefined) {
      rendered = render(value);
      cache.set(value, rendered);
    }
    return rendered;
  };
}
