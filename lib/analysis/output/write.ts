/**
 * Writing an output chunk by chunk. Every format of the connection list is written through a `Write` as the
 * connections come, so a list of any length never has to be held as one string.
 */

/** Receives the output, one piece of text at a time, in order. */
export type Write = (text: string) => void;

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
