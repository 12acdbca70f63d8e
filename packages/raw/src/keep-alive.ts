/**
 * Keeps a running stream, and the process, alive (like an active socket or
 * timer in Node): while held, the stream is strongly referenced from here, so
 * a program that only awaits its `finished` (the stream otherwise reachable
 * only from that await) cannot lose it to the garbage collector mid-run. A
 * stream that is not running (never started, stopped, finished) is released
 * and, once dropped by its owner, closed by its finalizer.
 */

/** Running streams: the strong references that root them. */
const _running = new Set<object>();

export class KeepAlive<T extends object> {
  private _timer: NodeJS.Timeout | undefined;
  /**
   * The owner while held, `undefined` otherwise: a closure may capture this
   * holder (and not the KeepAlive, which refers to its owner always) to
   * reach a running owner without a WeakRef.
   */
  readonly live: { owner: T | undefined } = { owner: undefined };

  constructor(private readonly owner: T) {}

  hold(): void {
    if (this._timer !== undefined) return;
    _running.add(this.owner);
    this.live.owner = this.owner;
    // A timer is what keeps the event loop (and the process) running.
    this._timer = setInterval(() => {}, 1 << 30);
  }

  release(): void {
    if (this._timer === undefined) return;
    clearInterval(this._timer);
    _running.delete(this.owner);
    this.live.owner = undefined;
    this._timer = undefined;
  }
}
