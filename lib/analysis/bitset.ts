const NO_WORDS = new Uint32Array(0);

/**
 * A fixed-size set of small non-negative integers (class indexes), one bit each. Only the words between the lowest
 * and the highest member are stored, so a set of a few neighbouring classes stays small however many classes there
 * are (a peer usually matches classes of one namespace, which are numbered together).
 */
export class BitSet {
  /** Words `offset` to `offset + words.length - 1`; every other word is 0. */
  private words: Uint32Array = NO_WORDS;
  private offset = 0;

  /** An empty set able to hold 0..size-1. */
  constructor(public readonly size: number) {}

  /** Adds an index. */
  public add(i: number): void {
    const w = i >>> 5;
    if (w < this.offset || w >= this.offset + this.words.length) this.cover(w, w);
    this.words[w - this.offset] |= 1 << (i & 31);
  }

  /** Whether the index is in the set. */
  public has(i: number): boolean {
    const w = (i >>> 5) - this.offset;
    return w >= 0 && w < this.words.length && (this.words[w] & (1 << (i & 31))) !== 0;
  }

  /** Adds every index of another set of the same size. */
  public addAll(other: BitSet): void {
    if (other.words.length === 0) return;
    this.cover(other.offset, other.offset + other.words.length - 1);
    const shift = other.offset - this.offset;
    for (let w = 0; w < other.words.length; w++) this.words[w + shift] |= other.words[w];
  }

  /** Whether the set is empty. */
  public isEmpty(): boolean {
    for (let w = 0; w < this.words.length; w++) if (this.words[w] !== 0) return false;
    return true;
  }

  /** The indexes in ascending order. */
  public toArray(): number[] {
    const out: number[] = [];
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w];
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        out.push(((this.offset + w) << 5) + bit);
        word &= word - 1;
      }
    }
    return out;
  }

  /** Makes the stored words include words `first` to `last` (growing upwards with room to spare). */
  private cover(first: number, last: number): void {
    const end = this.offset + this.words.length;
    if (this.words.length === 0) {
      this.offset = first;
      this.words = new Uint32Array(last - first + 1);
      return;
    }
    if (first >= this.offset && last < end) return;
    const lo = Math.min(first, this.offset);
    const total = (this.size + 31) >>> 5;
    const hi = last < end ? end : Math.max(last + 1, Math.min(end + this.words.length, total));
    const words = new Uint32Array(hi - lo);
    words.set(this.words, this.offset - lo);
    this.words = words;
    this.offset = lo;
  }
}
