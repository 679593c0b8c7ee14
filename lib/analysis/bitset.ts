/** A fixed-size set of small non-negative integers (class indexes), one bit each. */
export class BitSet {
  private readonly words: Uint32Array;

  /** An empty set able to hold 0..size-1. */
  constructor(public readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  /** Adds an index. */
  public add(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }

  /** Whether the index is in the set. */
  public has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Adds every index of another set of the same size. */
  public addAll(other: BitSet): void {
    for (let w = 0; w < this.words.length; w++) this.words[w] |= other.words[w];
  }

  /** Whether the set is empty. */
  public isEmpty(): boolean {
    return this.words.every(w => w === 0);
  }

  /** The indexes in ascending order. */
  public toArray(): number[] {
    const out: number[] = [];
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w];
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        out.push((w << 5) + bit);
        word &= word - 1;
      }
    }
    return out;
  }
}
