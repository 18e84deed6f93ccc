/**
 * Runs work for many callers in one go: while one batch is in flight, new items wait and then go
 * together in the next. Under load that is one round trip, one plan and (for writes) one commit
 * for many items instead of one each; with no load an item goes at once, with no added wait.
 * Each caller's promise settles only after its own batch has finished, so for writes nothing is
 * acknowledged before it is committed. If a batch fails, its items are retried one by one so
 * that one bad item cannot take the others with it.
 */
export class Batcher<Item, Result> {
  readonly #queue: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  #running = false;

  constructor(
    private readonly run: (items: Item[]) => Promise<Result[]>,
    private readonly maxBatch = 200,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.maxBatch);
        try {
          const results = await this.run(batch.map((entry) => entry.item));
          for (const [i, entry] of batch.entries()) entry.resolve(results[i] as Result);
        } catch (error) {
          if (batch.length === 1) {
            batch[0]?.reject(error);
            continue;
          }
          for (const entry of batch) {
            await this.run([entry.item]).then(([result]) => entry.resolve(result as Result), entry.reject);
          }
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
