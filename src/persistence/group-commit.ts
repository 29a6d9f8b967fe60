/**
 * Group commit: commits that arrive while a write is on its way to disk wait, and then go to disk together in one
 * atomic batch with one sync. Each commit still resolves only once its own ops are written (and synced when it asked
 * for that), and batches keep the order commits arrived in, so the result is exactly that of writing them one by one.
 */

interface Waiting<Op> {
  ops: Op[];
  durable: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export type WriteBatch<Op> = (ops: Op[], sync: boolean) => Promise<void>;

export class GroupCommit<Op> {
  readonly #write: WriteBatch<Op>;
  #waiting: Waiting<Op>[] = [];
  #writing: Promise<void> | undefined;

  constructor(write: WriteBatch<Op>) {
    this.#write = write;
  }

  commit(ops: Op[], durable: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ ops, durable, resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  /** Resolves once every commit made so far is written. */
  async flushed(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const group = this.#waiting;
      this.#waiting = [];
      try {
        await this.#write(
          group.flatMap((w) => w.ops),
          group.some((w) => w.durable),
        );
        for (const w of group) w.resolve();
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.#writing = undefined;
  }
}
