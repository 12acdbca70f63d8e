/** Where the command writes, and what it reads from its environment. */
export interface CliIO {
  /** Normal output (device lists, JSON, help). */
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
  /**
   * Errors and diagnostics; live displays (progress bar, level meter) are
   * drawn here only when it is a terminal (`isTTY`).
   */
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
  /** Key presses for interactive commands (`spectrogram`'s `+`/`-`); default none. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Environment variables (`SOUNDDEVICE_DEBUG_STACK`); default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** State shared by the commands of one `main()` run. */
export interface CliContext {
  /** Where to write. */
  io: CliIO;
  /** The exit code a command asks for (0 unless it sets another). */
  exitCode: number;
}

/** The real process's streams and environment. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
