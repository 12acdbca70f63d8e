/**
 * Keyboard input for the terminal examples (plot-input, spectrogram): single
 * keys when standard input is a terminal, whole lines otherwise (as Python's
 * `input()` reads them).
 */

/** What a handler gets: one key, or one line (without its newline) when not in a terminal. */
export type KeyHandler = (input: { key?: string; line?: string }) => void;

/**
 * Calls `handler` for each key (terminal: raw mode, so Ctrl+C arrives as
 * `'\x03'`) or each line (pipe; its end is ignored, so that a program run
 * with no input keeps running). Returns a function that restores the
 * terminal and stops listening.
 */
export function onKeys(handler: KeyHandler): () => void {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  let pending = '';
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    if (raw) {
      for (const key of text) handler({ key });
      return;
    }
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      handler({ line });
    }
  };
  if (raw) stdin.setRawMode(true);
  stdin.on('data', onData);
  return () => {
    stdin.off('data', onData);
    if (raw) stdin.setRawMode(false);
    stdin.destroy();
  };
}

/** `text` centred in `width` characters, filled with `fill` (Python's `str.center`). */
export function center(text: string, width: number, fill: string): string {
  if (text.length >= width) return text;
  const left = Math.floor((width - text.length) / 2);
  return fill.repeat(left) + text + fill.repeat(width - text.length - left);
}
