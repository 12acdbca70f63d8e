/**
 * Keeps the process alive while a stream runs (like an open socket), without
 * keeping the stream object itself reachable: a stream dropped by its owner
 * can still be garbage-collected and closed by its finalizer.
 */

const _timers = new FinalizationRegistry<NodeJS.Timeout>((timer) => clearInterval(timer));

export class KeepAlive {
  private _timer: NodeJS.Timeout | undefined;

  constructor(private readonly owner: object) {}

  hold(): void {
    if (this._timer !== undefined) return;
    // The callback captures nothing, so the timer does not root the owner.
    this._timer = setInterval(() => {}, 1 << 30);
    _timers.register(this.owner, this._timer, this);
  }

  release(): void {
    if (this._timer === undefined) return;
    clearInterval(this._timer);
    _timers.unregister(this);
    this._timer = undefined;
  }
}
