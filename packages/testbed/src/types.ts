/** What the testbed knows about the JACK server. */
export interface JackInfo {
  /** A JACK server (with the configured name) answers. */
  running: boolean;
  /** The running server was started by the testbed (now or earlier, recorded in `state.json`). */
  startedByUs: boolean;
  /** The server was started by this very call (so whoever called it should stop it). */
  startedNow: boolean;
  /** jackd's pid, known for servers the testbed started. */
  pid?: number;
  /** Period (buffer size) in frames: the running server's, else the requested one. */
  period: number;
  /** Sample rate in Hz: the running server's, else the requested one. */
  rate: number;
  /** Server name, when not JACK's default. */
  serverName?: string;
}

/** Everything a test needs to use the testbed's devices. */
export interface TestbedInfo {
  /** The testbed folder. */
  dir: string;
  /** The hermetic ALSA configuration (`dir/asound.conf`). */
  alsaConfigPath: string;
  /** Target file of the `vfile_out` PCM: raw interleaved samples in the stream's format. */
  outFile: string;
  /** Source file of the `vfile_in` PCM; fill it with `writeInFile`. */
  inFile: string;
  /** Minimum length `inFile` was made (zeros past any content). */
  inFileBytes: number;
  /** `ALSA_CONFIG_PATH`, `JACK_NO_AUDIO_RESERVATION=1` (and `JACK_DEFAULT_SERVER` with a server name). */
  env: Record<string, string>;
  /** JACK server status. */
  jack: JackInfo;
}
