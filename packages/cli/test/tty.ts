/**
 * Terminal tests: the command runs in a detached tmux session on a private
 * tmux server (its own socket, this process's environment), and the test
 * reads the screen with `capture-pane` and types with `send-keys`.
 */
import { execFileSync } from 'node:child_process';
import { BIN } from './run-bin.js';

let installed = false;

/** Installs tmux with apt-get when it is missing and we are root. */
export function ensureTmux(): void {
  if (installed) return;
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
  } catch {
    if (process.getuid?.() !== 0) throw new Error('these tests need tmux: apt-get install tmux');
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'tmux'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  installed = true;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
let counter = 0;

/** A `sounddevice …` run in a tmux pane of `cols` × `rows`. */
export class TmuxRun {
  private readonly socket: string;
  private readonly session = 'cli';

  constructor(args: readonly string[], options: { cols?: number; rows?: number } = {}) {
    ensureTmux();
    this.socket = `sd-cli-test-${process.pid}-${counter++}`;
    const command = `${[process.execPath, BIN, ...args].map(quote).join(' ')}; echo "[exit $?]"; sleep 600`;
    execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', 'new-session', '-d', '-s', this.session, '-x', String(options.cols ?? 100), '-y', String(options.rows ?? 24), command], {
      env: process.env,
    });
  }

  /** The visible screen, one string per row (trailing spaces trimmed). */
  screen(): string[] {
    const text = execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', this.session], { encoding: 'utf8' });
    return text.split('\n').map((l) => l.trimEnd());
  }

  /** Types keys (tmux key names, e.g. `+`, `C-c`, `Enter`). */
  send(...keys: string[]): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.session, ...keys]);
  }

  /** Waits until the screen matches `pattern`; returns the screen. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let last: string[] = [];
    while (Date.now() < deadline) {
      last = this.screen();
      if (pattern.test(last.join('\n'))) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`screen never matched ${pattern} within ${timeoutMs} ms; last screen:\n${last.join('\n')}`);
  }

  /**
   * Ends the session and its tmux server, after asking the command to stop
   * with Ctrl+C (a JACK client killed without closing stalls the JACK graph
   * for a while, which would disturb the next test).
   */
  async kill(): Promise<void> {
    try {
      if (!this.screen().some((l) => l.startsWith('[exit '))) {
        this.send('C-c');
        await this.waitFor(/^\[exit \d+\]$/m, 3000).catch(() => {});
      }
    } catch {
      // the session is already gone
    }
    try {
      execFileSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
