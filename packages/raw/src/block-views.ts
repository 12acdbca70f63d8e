/**
 * Reused memory for callback blocks: one buffer per direction, grown only
 * when a larger block arrives, and the user-facing views over it cached per
 * frame count, so steady-state callbacks allocate nothing.
 */

/** Makes the user-facing view of `bytes` (a Buffer here, an ndarray in numeric). */
export type ViewFactory<V> = (bytes: Uint8Array, frames: number) => V;

export class BlockViews<V> {
  private _bytes: Uint8Array;
  private readonly _views = new Map<number, { bytes: Uint8Array; view: V }>();

  /**
   * @param frameBytes - Bytes per frame (0 when the direction is absent).
   * @param initialFrames - Frames to allocate for up front.
   * @param makeView - Builds the view handed to the callback.
   */
  constructor(
    readonly frameBytes: number,
    initialFrames: number,
    private readonly makeView: ViewFactory<V>,
  ) {
    this._bytes = new Uint8Array(Math.max(1, frameBytes * initialFrames));
  }

  /** The whole backing buffer (handed to the native `exchange`). */
  get backing(): Uint8Array {
    return this._bytes;
  }

  /** Makes sure a block of `frames` fits (called before copying input in). */
  ensure(frames: number): void {
    const needed = frames * this.frameBytes;
    if (needed > this._bytes.byteLength) {
      this._bytes = new Uint8Array(needed);
      this._views.clear();
    }
  }

  /** The cached view and its bytes for a block of `frames`. */
  get(frames: number): { bytes: Uint8Array; view: V } {
    let entry = this._views.get(frames);
    if (entry === undefined) {
      this.ensure(frames);
      const bytes = this._bytes.subarray(0, frames * this.frameBytes);
      entry = { bytes, view: this.makeView(bytes, frames) };
      this._views.set(frames, entry);
    }
    return entry;
  }
}
