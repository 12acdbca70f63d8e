import { runTool, tail } from './exec.js';

/** Which JACK server the `jack_*` tools talk to. */
export interface JackToolOptions {
  /** Server name; default: the inherited `JACK_DEFAULT_SERVER`, else JACK's default. */
  serverName?: string;
}

/** Environment for JACK tools and jackd: the current one plus the testbed's JACK variables. */
export function jackEnv(opts: JackToolOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, JACK_NO_AUDIO_RESERVATION: '1' };
  if (opts.serverName !== undefined) env.JACK_DEFAULT_SERVER = opts.serverName;
  return env;
}

/** How often a JACK tool is retried when the server refuses its client for a moment. */
const CLIENT_RETRIES = 5;

async function jackTool(tool: string, args: string[], opts: JackToolOptions): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const result = await runTool(tool, args, { env: jackEnv(opts) });
    if (result.code === 0) return result.stdout;
    const detail = tail(`${result.stdout}\n${result.stderr}`, 5);
    // jackd refuses new clients while it is still removing one that just died
    // (a test's child process killed mid-cycle): wait a moment and try again.
    const refused = /jack_client_open\(\) failed|Cannot open .* client/.test(detail);
    if (!refused || attempt >= CLIENT_RETRIES) {
      throw new Error(`${[tool, ...args].join(' ')} failed (exit ${String(result.code)}): ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}

/** True when a JACK server answers (`jack_wait -c` prints `running`). */
export async function jackServerRunning(opts: JackToolOptions = {}): Promise<boolean> {
  const result = await runTool('jack_wait', ['-c'], { env: jackEnv(opts) });
  return result.code === 0 && result.stdout.trim() === 'running';
}

/** The running server's period (buffer size) in frames, from `jack_bufsize`. */
export async function jackBufferSize(opts: JackToolOptions = {}): Promise<number> {
  return Number.parseInt(await jackTool('jack_bufsize', [], opts), 10);
}

/** The running server's sample rate in Hz, from `jack_samplerate`. */
export async function jackSampleRate(opts: JackToolOptions = {}): Promise<number> {
  return Number.parseInt(await jackTool('jack_samplerate', [], opts), 10);
}

/**
 * Connects JACK port `src` (an output, e.g. `PortAudio:out_0`) to `dst` (an input,
 * e.g. `PortAudio:in_0`) with `jack_connect`. Rejects if they are already connected.
 */
export async function jackConnect(src: string, dst: string, opts: JackToolOptions = {}): Promise<void> {
  await jackTool('jack_connect', [src, dst], opts);
}

/** Disconnects JACK ports `src` and `dst` with `jack_disconnect`. Rejects if they were not connected. */
export async function jackDisconnect(src: string, dst: string, opts: JackToolOptions = {}): Promise<void> {
  await jackTool('jack_disconnect', [src, dst], opts);
}

/** Lists the names of all JACK ports (`jack_lsp`). */
export async function jackPorts(opts: JackToolOptions = {}): Promise<string[]> {
  const out = await jackTool('jack_lsp', [], opts);
  return out.split('\n').filter((line) => line.trim() !== '');
}

/**
 * Parses the output of `jack_lsp -c -p` into `[output port, input port]` pairs,
 * each connection once.
 */
export function parseJackConnections(text: string): Array<[string, string]> {
  const ports = new Map<string, { output: boolean; peers: string[] }>();
  let current: { output: boolean; peers: string[] } | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('\t')) {
      if (current && /properties:.*\boutput\b/.test(line)) current.output = true;
    } else if (/^\s/.test(line)) {
      current?.peers.push(line.trim());
    } else {
      current = { output: false, peers: [] };
      ports.set(line, current);
    }
  }
  const pairs: Array<[string, string]> = [];
  for (const [name, port] of ports) {
    if (port.output) for (const peer of port.peers) pairs.push([name, peer]);
  }
  return pairs;
}

/** Lists current JACK connections as `[source, destination]` pairs (parsed from `jack_lsp -c`). */
export async function jackConnections(opts: JackToolOptions = {}): Promise<Array<[string, string]>> {
  return parseJackConnections(await jackTool('jack_lsp', ['-c', '-p'], opts));
}
