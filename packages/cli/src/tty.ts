/**
 * Live displays on a terminal: a block of lines redrawn in place (progress
 * bar, level meters), bars, and time formatting. The cursor moves are a few
 * ANSI sequences (`ESC[nA` cursor up, `ESC[2K` clear line); what a line
 * occupies on screen is measured with `string-width` (wide East Asian
 * characters take two columns, combining marks and emoji sequences are
 * counted as the terminal draws them) and lines are cut with `cli-truncate`,
 * so that a redrawn line never wraps (a wrapped line would leave a copy
 * behind at every redraw).
 */

type TextWidth = {
  cliTruncate: typeof import('cli-truncate').default;
  stringWidth: typeof import('string-width').default;
};
let textWidth: TextWidth | undefined;

/**
 * Loads `string-width` and `cli-truncate`. Their Unicode tables take about
 * 100 ms to load, so only the commands that draw live lines pay for them
 * (main.ts awaits this before those run); `devices` starts without them.
 */
export async function loadTextWidth(): Promise<void> {
  if (textWidth !== undefined) return;
  const [truncateModule, widthModule] = await Promise.all([import('cli-truncate'), import('string-width')]);
  textWidth = { cliTruncate: truncateModule.default, stringWidth: widthModule.default };
}

function loaded(): TextWidth {
  if (textWidth === undefined) throw new Error('internal error: loadTextWidth() was not awaited before measuring text');
  return textWidth;
}

/** A terminal-like output stream. */
export interface TtyLike {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** True if `out` is a terminal (live displays are drawn only there). */
export function isTty(out: TtyLike): boolean {
  return out.isTTY === true;
}

/** Terminal width (80 when unknown). */
export function columnsOf(out: TtyLike): number {
  return out.columns && out.columns > 0 ? out.columns : 80;
}

/** Terminal height (24 when unknown). */
export function rowsOf(out: TtyLike): number {
  return out.rows && out.rows > 0 ? out.rows : 24;
}

/** Columns `text` occupies on a terminal (ANSI escape sequences take none). */
export function displayWidth(text: string): number {
  return loaded().stringWidth(text);
}

/**
 * `text` cut to at most `width` terminal columns, with `…` where it was cut
 * (at the end, or in the middle to keep a file name's extension visible).
 * ANSI escape sequences are kept whole.
 */
export function truncate(text: string, width: number, position: 'end' | 'middle' = 'end'): string {
  if (width <= 0) return '';
  const { cliTruncate, stringWidth } = loaded();
  // cli-truncate 5 can return one column too many when it cuts beside a wide
  // character (fixed in 6, which needs Node 22): ask again for less until it fits.
  let out = cliTruncate(text, width, { position });
  for (let w = width - 1; w > 0 && stringWidth(out) > width; w--) out = cliTruncate(text, w, { position });
  return stringWidth(out) > width ? '' : out;
}

/** `m:ss.s`, e.g. `1:05.3` (`h:mm:ss` from an hour). */
export function formatTime(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s >= 3600) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return `${h}:${String(m).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  }
  const m = Math.floor(s / 60);
  const rest = (Math.floor((s % 60) * 10) / 10).toFixed(1).padStart(4, '0');
  return `${m}:${rest}`;
}

/**
 * A horizontal bar `width` cells wide, filled to `fraction` (0…1) with
 * eighth-block characters for sub-cell precision.
 */
export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  const partial = part > 0 ? String.fromCodePoint(0x2590 - part) : '';
  return '█'.repeat(full) + partial + ' '.repeat(Math.max(0, width - full - (part > 0 ? 1 : 0)));
}

/**
 * Lines redrawn in place: each `draw` moves the cursor back to the first
 * line of the previous drawing and rewrites every line. `done` leaves the
 * last drawing on screen and moves below it.
 */
export class LiveLines {
  private _lines = 0;
  private _hidden = false;

  constructor(private readonly out: TtyLike) {}

  /**
   * Replaces the previous drawing by `lines`, each cut to one column less
   * than the terminal width (measured in display columns, see
   * {@link displayWidth}) so that none wraps.
   */
  draw(lines: readonly string[]): void {
    const width = columnsOf(this.out);
    let text = this._hidden ? '' : '\x1b[?25l';
    this._hidden = true;
    if (this._lines > 1) text += `\x1b[${this._lines - 1}A`;
    text += '\r';
    text += lines.map((l) => `\x1b[2K${truncate(l, width - 1)}`).join('\n');
    // Clear what is left of a longer previous drawing.
    for (let i = lines.length; i < this._lines; i++) text += '\n\x1b[2K';
    if (this._lines > lines.length) text += `\x1b[${this._lines - lines.length}A`;
    this._lines = Math.max(lines.length, 1);
    this.out.write(text);
  }

  /** Ends the live drawing: the cursor goes below it and is shown again. */
  done(): void {
    if (!this._hidden) return;
    this.out.write('\n\x1b[?25h');
    this._hidden = false;
    this._lines = 0;
  }
}
