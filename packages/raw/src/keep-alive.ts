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

export class KeepAlive {
  private _timer: NodeJS.Timeout | undefined;

  constructor(private readonly owner: object) {}

  hold(): void {
    if (this._timer !== undefined) return;
    _running.add(this.owner);
    // A timer is what keeps the event loop (and the process) running.
    this._timer = setInterval(() => {}, 1 << 30);
  }

  release(): void {
    if (this._timer === undefined) return;
    clearInterval(this._timer);
    _running.delete(this.owner);
    this._timer = undefined;
  }
}
