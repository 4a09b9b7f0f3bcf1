/** One at a time within this process (the database's lock covers other processes). */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs fn after every fn queued before it has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
