// Finds every known phrase in a text in one pass (Aho-Corasick): the time grows with the text
// and the number of hits, never with the number of phrases, so hundreds of documented error texts
// are looked for at once in a pasted megabyte. The trie's edges live in one map keyed by node and
// character, a small integer for ASCII (one map per node would cost tens of thousands of maps to
// build at every start).
export interface PhraseHit<T> {
  value: T;
  /** Offset of the phrase's first character in the searched text, and its length. */
  start: number;
  length: number;
}

/** How many leading units of a phrase the trie holds: enough to be rare, few enough to build fast. */
const ANCHOR = 24;

export class PhraseMatcher<T> {
  /** ASCII edges: node * 128 + unit (a small integer while the trie has under 16 million nodes). */
  private readonly ascii = new Map<number, number>();
  /** Other edges: "node:unit". */
  private readonly wide = new Map<string, number>();
  /** Per node (plain number arrays, no object per node): the unit that leads to it, its parent,
   * its depth, its fail link, and the nearest node on the fail chain with outputs (or -1). */
  private readonly unit: number[] = [0];
  private readonly parent: number[] = [0];
  private readonly depth: number[] = [0];
  private readonly fail: number[] = [0];
  private readonly dict: number[] = [-1];
  /** Outputs at the node where a phrase's anchor (its first ANCHOR units) ends. */
  private readonly out = new Map<number, Array<{ value: T; phrase: string }>>();
  private built = false;

  private edge(node: number, unit: number): number | undefined {
    return unit < 128 ? this.ascii.get(node * 128 + unit) : this.wide.get(`${node}:${unit}`);
  }

  private link(node: number, unit: number, to: number): void {
    if (unit < 128) this.ascii.set(node * 128 + unit, to);
    else this.wide.set(`${node}:${unit}`, to);
  }

  add(phrase: string, value: T): void {
    if (this.built) throw new Error('PhraseMatcher: add after build');
    if (phrase.length === 0) return;
    let at = 0;
    // By UTF-16 code unit, as string offsets are: a hit's start indexes the searched text. Only
    // the anchor goes into the trie; the rest is compared where the anchor is found.
    const anchor = Math.min(phrase.length, ANCHOR);
    for (let i = 0; i < anchor; i += 1) {
      const code = phrase.charCodeAt(i);
      let to = this.edge(at, code);
      if (to === undefined) {
        to = this.unit.length;
        this.unit.push(code);
        this.parent.push(at);
        this.depth.push(i + 1);
        this.fail.push(0);
        this.dict.push(-1);
        this.link(at, code, to);
      }
      at = to;
    }
    const outputs = this.out.get(at);
    if (outputs) outputs.push({ value, phrase });
    else this.out.set(at, [{ value, phrase }]);
  }

  /** Links the fail transitions, shallow nodes first; called once after the last add. */
  build(): this {
    const count = this.unit.length;
    // Nodes ordered by depth (a counting sort): a node's fail link needs its parent's first.
    let maxDepth = 0;
    for (let n = 1; n < count; n += 1) maxDepth = Math.max(maxDepth, this.depth[n] as number);
    const firstAt = new Array<number>(maxDepth + 2).fill(0);
    for (let n = 1; n < count; n += 1) {
      const d = (this.depth[n] as number) + 1;
      firstAt[d] = (firstAt[d] as number) + 1;
    }
    for (let d = 1; d < firstAt.length; d += 1)
      firstAt[d] = (firstAt[d] as number) + (firstAt[d - 1] as number);
    const order = new Array<number>(count - 1);
    for (let n = 1; n < count; n += 1) {
      const d = this.depth[n] as number;
      order[firstAt[d] as number] = n;
      firstAt[d] = (firstAt[d] as number) + 1;
    }
    for (const node of order) {
      const parent = this.parent[node] as number;
      const code = this.unit[node] as number;
      let link = 0;
      if (parent !== 0) {
        let f = this.fail[parent] as number;
        while (f !== 0 && this.edge(f, code) === undefined) f = this.fail[f] as number;
        const candidate = this.edge(f, code);
        link = candidate !== undefined && candidate !== node ? candidate : 0;
      }
      this.fail[node] = link;
      this.dict[node] = this.out.has(link) ? link : (this.dict[link] as number);
    }
    this.built = true;
    return this;
  }

  /** Every occurrence of every phrase, in the order their ends appear; at most `limit` hits. */
  find(text: string, limit = 10_000): Array<PhraseHit<T>> {
    const hits: Array<PhraseHit<T>> = [];
    this.scan(
      text,
      (value, start, length) => {
        hits.push({ value, start, length });
      },
      limit,
    );
    return hits;
  }

  /**
   * Calls `onHit` for every occurrence, in the order their ends appear, at most `limit` times,
   * without making an object per hit (a pasted megabyte can hold hundreds of thousands).
   */
  scan(text: string, onHit: (value: T, start: number, length: number) => void, limit = 10_000): void {
    if (!this.built) this.build();
    let count = 0;
    let at = 0;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      for (;;) {
        const to = this.edge(at, code);
        if (to !== undefined) {
          at = to;
          break;
        }
        if (at === 0) break;
        at = this.fail[at] as number;
      }
      const end = i + 1;
      for (let n = this.out.has(at) ? at : (this.dict[at] as number); n > 0; n = this.dict[n] as number) {
        const start = end - (this.depth[n] as number);
        for (const o of this.out.get(n) ?? []) {
          if (o.phrase.length > ANCHOR && !text.startsWith(o.phrase, start)) continue;
          onHit(o.value, start, o.phrase.length);
          count += 1;
          if (count >= limit) return;
        }
      }
    }
  }
}
