import { findExecutable } from './exec.js';
import { spawnJackd } from './jack-server.js';
import { jackBufferSize, jackSampleRate, jackServerRunning } from './jack-tools.js';
import type { ResolvedOptions } from './options.js';
import { terminate } from './proc.js';
import { clearJackState, ownJackd, writeJackState, type JackState } from './state.js';
import type { JackInfo } from './types.js';

function serverLabel(serverName: string | undefined): string {
  return serverName === undefined ? 'the default JACK server' : `JACK server "${serverName}"`;
}

function ownInfo(state: JackState, startedNow: boolean): JackInfo {
  return {
    running: true,
    startedByUs: true,
    startedNow,
    pid: state.pid,
    period: state.period,
    rate: state.rate,
    ...(state.serverName === undefined ? {} : { serverName: state.serverName }),
  };
}

/** Describes a running server the testbed did not start; throws if its settings differ from `o`. */
async function foreignInfo(o: ResolvedOptions): Promise<JackInfo> {
  const tool = { serverName: o.serverName };
  const period = await jackBufferSize(tool);
  const rate = await jackSampleRate(tool);
  if (period !== o.jackPeriod || rate !== o.jackRate) {
    throw new Error(
      `${serverLabel(o.serverName)} is already running with period ${period} and rate ${rate}, ` +
        `but period ${o.jackPeriod} and rate ${o.jackRate} were requested. The testbed did not start it ` +
        'and will not stop it: stop it yourself, request its settings, or choose another serverName.',
    );
  }
  return {
    running: true,
    startedByUs: false,
    startedNow: false,
    period,
    rate,
    ...(o.serverName === undefined ? {} : { serverName: o.serverName }),
  };
}

/**
 * Stops the jackd recorded in `dir/state.json` if it still runs and is jackd,
 * then clears the state. Resolves with the stopped pid, or `undefined`.
 */
export async function stopOwnJackd(dir: string): Promise<number | undefined> {
  const own = await ownJackd(dir);
  if (own === undefined) return undefined;
  if (!(await terminate(own.pid))) throw new Error(`jackd (pid ${own.pid}) did not exit after SIGTERM and SIGKILL`);
  await clearJackState(dir);
  return own.pid;
}

/**
 * Makes a JACK dummy server with the requested period and rate run: keeps ours
 * if it matches, restarts ours if not, reuses a matching server someone else
 * started, or starts a new one.
 */
export async function ensureJack(o: ResolvedOptions): Promise<JackInfo> {
  const tool = { serverName: o.serverName };
  const own = await ownJackd(o.dir);
  if (own) {
    const same = own.period === o.jackPeriod && own.rate === o.jackRate && own.serverName === o.serverName;
    if (same && (await jackServerRunning(tool))) return ownInfo(own, false);
    await stopOwnJackd(o.dir);
  }
  if (await jackServerRunning(tool)) return foreignInfo(o);
  const spec = { dir: o.dir, period: o.jackPeriod, rate: o.jackRate, serverName: o.serverName };
  let pid: number;
  try {
    pid = await spawnJackd(spec);
  } catch (err) {
    // Someone else may have started a server under this name meanwhile.
    if (await jackServerRunning(tool)) return foreignInfo(o);
    throw err;
  }
  const state: JackState = {
    pid,
    period: o.jackPeriod,
    rate: o.jackRate,
    ...(o.serverName === undefined ? {} : { serverName: o.serverName }),
    startedAt: new Date().toISOString(),
  };
  await writeJackState(o.dir, state);
  return ownInfo(state, true);
}

/** Reports the JACK server's status without starting or stopping anything. */
export async function probeJack(o: ResolvedOptions): Promise<JackInfo> {
  const own = await ownJackd(o.dir);
  const installed = findExecutable('jack_wait') !== undefined;
  const running = installed && (await jackServerRunning({ serverName: o.serverName }));
  const name = o.serverName === undefined ? {} : { serverName: o.serverName };
  if (own && running && own.serverName === o.serverName) return ownInfo(own, false);
  if (!running) return { running: false, startedByUs: false, startedNow: false, period: o.jackPeriod, rate: o.jackRate, ...name };
  const tool = { serverName: o.serverName };
  return {
    running: true,
    startedByUs: false,
    startedNow: false,
    period: await jackBufferSize(tool),
    rate: await jackSampleRate(tool),
    ...name,
  };
}
