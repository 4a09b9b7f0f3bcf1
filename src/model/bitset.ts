/** A fixed-size set of small non-negative integers (class indices), stored in 32-bit words. */
export class BitSet {
  readonly words: Uint32Array;

  constructor(readonly size: number, words?: Uint32Array) {
    this.words = words ?? new Uint32Array((size + 31) >>> 5);
  }

  static full(size: number): BitSet {
    const b = new BitSet(size);
    b.words.fill(0xffffffff);
    const extra = b.words.length * 32 - size;
    if (extra > 0) b.words[b.words.length - 1] = 0xffffffff >>> extra;
    return b;
  }

  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** In place: this |= o. */
  orWith(o: BitSet): void {
    for (let i = 0; i < this.words.length; i++) this.words[i]! |= o.words[i]!;
  }

  /** In place: this &= o. */
  andWith(o: BitSet): void {
    for (let i = 0; i < this.words.length; i++) this.words[i]! &= o.words[i]!;
  }

  clone(): BitSet {
    return new BitSet(this.size, this.words.slice());
  }

  isEmpty(): boolean {
    for (const w of this.words) if (w !== 0) return false;
    return true;
  }

  count(): number {
    let n = 0;
    for (let w of this.words) {
      w = w - ((w >>> 1) & 0x55555555);
      w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
      n += (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  /** Members in increasing order. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let wi = 0; wi < this.words.length; wi++) {
      let w = this.words[wi]!;
      while (w !== 0) {
        const t = w & -w;
        yield (wi << 5) + 31 - Math.clz32(t);
        w ^= t;
      }
    }
  }

  key(): string {
    return Array.from(this.words, (w) => w.toString(36)).join('.');
  }
}
