/**
 * The stored text of recently read or written keys, bounded by size: a hit saves a LevelDB lookup. Two generations
 * approximate least-recently-used at the cost of a Map lookup: when the young one holds half the budget it becomes
 * the old one, and the old one is dropped; a hit in the old one moves the key back to the young.
 */
export class RecentValues {
  readonly #generationChars: number;
  #young = new Map<string, string>();
  #old = new Map<string, string>();
  #youngChars = 0;

  constructor(maxChars: number) {
    this.#generationChars = maxChars / 2;
  }

  get(key: string): string | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: string): void {
    const chars = key.length + value.length;
    if (this.#youngChars + chars > this.#generationChars) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#youngChars = 0;
    }
    this.#young.set(key, value);
    this.#youngChars += chars;
  }

  delete(key: string): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }
}
