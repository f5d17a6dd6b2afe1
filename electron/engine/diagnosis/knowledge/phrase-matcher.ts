// Finds every known phrase in a text in one pass (Aho-Corasick): the time grows with the text
// and the number of hits, never with the number of phrases, so hundreds of documented error texts
// are looked for at once in a pasted megabyte.
export interface PhraseHit<T> {
  value: T;
  /** Offset of the phrase's first character in the searched text, and its length. */
  start: number;
  length: number;
}

interface Node<T> {
  next: Map<string, number>;
  fail: number;
  /** Phrases ending here (directly or through the fail chain's first output). */
  out: Array<{ value: T; length: number }>;
  /** The nearest node on the fail chain that has outputs of its own, or -1. */
  dict: number;
}

export class PhraseMatcher<T> {
  private readonly nodes: Array<Node<T>> = [{ next: new Map(), fail: 0, out: [], dict: -1 }];
  private built = false;

  add(phrase: string, value: T): void {
    if (this.built) throw new Error('PhraseMatcher: add after build');
    if (phrase.length === 0) return;
    let at = 0;
    // By UTF-16 code unit, as string offsets are: a hit's start indexes the searched text.
    for (let i = 0; i < phrase.length; i += 1) {
      const ch = phrase.charAt(i);
      const node = this.nodes[at] as Node<T>;
      let to = node.next.get(ch);
      if (to === undefined) {
        to = this.nodes.length;
        this.nodes.push({ next: new Map(), fail: 0, out: [], dict: -1 });
        node.next.set(ch, to);
      }
      at = to;
    }
    (this.nodes[at] as Node<T>).out.push({ value, length: phrase.length });
  }

  /** Links the fail transitions (breadth first); called once after the last add. */
  build(): this {
    const queue: number[] = [];
    const root = this.nodes[0] as Node<T>;
    for (const to of root.next.values()) queue.push(to);
    for (let head = 0; head < queue.length; head += 1) {
      const index = queue[head] as number;
      const node = this.nodes[index] as Node<T>;
      for (const [ch, to] of node.next) {
        let f = node.fail;
        while (f !== 0 && !(this.nodes[f] as Node<T>).next.has(ch)) f = (this.nodes[f] as Node<T>).fail;
        const candidate = (this.nodes[f] as Node<T>).next.get(ch);
        const child = this.nodes[to] as Node<T>;
        child.fail = candidate !== undefined && candidate !== to ? candidate : 0;
        const failNode = this.nodes[child.fail] as Node<T>;
        child.dict = failNode.out.length > 0 ? child.fail : failNode.dict;
        queue.push(to);
      }
    }
    this.built = true;
    return this;
  }

  /** Every occurrence of every phrase, in the order their ends appear; at most `limit` hits. */
  find(text: string, limit = 10_000): Array<PhraseHit<T>> {
    if (!this.built) this.build();
    const hits: Array<PhraseHit<T>> = [];
    let at = 0;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text.charAt(i);
      for (;;) {
        const to = (this.nodes[at] as Node<T>).next.get(ch);
        if (to !== undefined) {
          at = to;
          break;
        }
        if (at === 0) break;
        at = (this.nodes[at] as Node<T>).fail;
      }
      const end = i + 1;
      for (
        let n = (this.nodes[at] as Node<T>).out.length > 0 ? at : (this.nodes[at] as Node<T>).dict;
        n > 0;
      ) {
        const node = this.nodes[n] as Node<T>;
        for (const o of node.out) {
          hits.push({ value: o.value, start: end - o.length, length: o.length });
          if (hits.length >= limit) return hits;
        }
        n = node.dict;
      }
    }
    return hits;
  }
}
