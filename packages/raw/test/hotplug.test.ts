/**
 * Devices that come and go while streams run (issue 15).
 *
 * An ALSA `vfile_out` stream runs through the whole test, its output checked
 * bit-exact at the end. Meanwhile: while a JACK loopback callback stream
 * also runs (checked bit-exact too), an ALSA PCM is added, a stream opens on
 * it, and it is removed; then the JACK server is stopped under a running
 * JACK stream (which must end with the clear error while the ALSA stream
 * plays on) and started again. `watchDevices()` must report each change
 * once, in order, within a bound; the refreshed list must hold exactly the
 * current devices.
 *
 * One JACK server only: libjack serves one server per process (a second
 * one, named by changing `JACK_DEFAULT_SERVER`, crashed the process), so the
 * server stopped and started is the testbed's own, restarted under the same
 * name and settings.
 *
 * The JACK stream is real-time paced on a non-real-time server: on a loaded
 * machine the server can xrun, which no client can hide, so its signal is
 * checked only when jackd logged no xrun meanwhile (the ALSA stream, which
 * waits for the program, is checked always).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addAlsaPcm,
  clearOutFile,
  jackLogMark,
  jackXrunsSince,
  readOutFile,
  removeAlsaPcm,
  startJackServer,
  stopJackServer,
} from '@sounddevice/testbed';
import {
  type DeviceChangeEvent,
  RawOutputStream,
  RawStream,
  queryDevices,
  refreshDevices,
  watchDevices,
} from '../src/index.js';
import { _native } from '../src/index.js';
import { commonPrefix, disconnectSystem, firstSoundFrame, fixture, forgetOwnJackClient, loopStreamPorts, makeSignal, portAudioPorts, testbed, waitFor, within } from './helpers.js';

const CHANNELS = 2;
const FRAME_BYTES = 4 * CHANNELS; // float32
/** Generous bound on notification-to-event latency (measured values are printed). */
const EVENT_BOUND_MS = 3000;
const JACK_API = 'JACK Audio Connection Kit';

/**
 * Frames the loopback plays on after its signal, so that the echo is in:
 * more than the round trip (one JACK period plus the 8-block cushion: 2,560
 * frames).
 */
const TAIL = 16 * 256;

/**
 * A JACK loopback stream whose callback runs in a processor worker (the
 * real-time grade callback path: a main thread busy with the test's own
 * work cannot make it underflow): plays `signal` once, records what comes
 * back.
 */
function loopback(signal: Buffer) {
  const record = new SharedArrayBuffer(signal.byteLength + (TAIL + 5 * 48_000) * FRAME_BYTES);
  const control = new SharedArrayBuffer(16);
  const ctl = new Int32Array(control);
  const s = new RawStream({
    device: 'system',
    channels: CHANNELS,
    dtype: 'float32',
    blockSize: 256,
    // On a shared 2-core machine, initializing PortAudio (a refresh) takes
    // CPU from the worker too: a cushion of 8 blocks (43 ms) rides it out.
    cushion: 8,
    processor: fixture('loopback-processor.mjs'),
    processorData: { signal: new Uint8Array(signal).buffer, record, control, frameBytes: FRAME_BYTES, tail: TAIL },
  });
  return {
    stream: s,
    begin: () => Atomics.store(ctl, 0, 1),
    result: () => {
      const start = ctl[1]!;
      const frames = Atomics.load(ctl, 3);
      return { recorded: Buffer.from(new Uint8Array(record, 0, Math.min(frames * FRAME_BYTES, record.byteLength))), start, glitches: ctl[2]! };
    },
  };
}

/**
 * This process's own JACK clients of other PortAudio instances (a retired
 * instance keeps its client while its streams run) are listed as JACK
 * devices named `PortAudio`, `PortAudio-01`, … like other programs'
 * clients: left out where the test compares lists.
 */
function ownClient(hostApi: string | undefined, name: string | undefined): boolean {
  return hostApi === JACK_API && /^PortAudio(-\d+)?$/.test(name ?? '');
}

function names(): string[] {
  const list = queryDevices();
  return list
    .map((d) => [list.hostApis[d.hostApi]!.name, d.name] as const)
    .filter(([api, name]) => !ownClient(api, name))
    .map(([api, name]) => `${api}: ${name}`)
    .sort();
}

describe('devices that come and go while streams run', () => {
  const jack = () => {
    const tb = testbed();
    return { dir: tb.dir, serverName: tb.jack.serverName, jackPeriod: tb.jack.period, jackRate: tb.jack.rate };
  };

  afterAll(async () => {
    // Leave the testbed's server running for the next test files.
    await startJackServer(jack());
    await refreshDevices();
    forgetOwnJackClient();
  });

  it(
    'watchDevices reports each change once, in order; running streams play on bit-exact; new streams open on what was added',
    { retry: 3, timeout: 60_000 },
    async () => {
      const tb = testbed();
      await startJackServer(jack()); // after a failed try
      await refreshDevices();
      forgetOwnJackClient();
      await clearOutFile(tb);
      const signal = makeSignal('float32', CHANNELS, 48_000 * 3, 7);
      const alsaSignal = makeSignal('int16', CHANNELS, 4800 * 300, 11);
      const before = await portAudioPorts();
      const loop = loopback(signal);
      const alsa = new RawOutputStream({ device: 'vfile_out', channels: CHANNELS, dtype: 'int16' });
      let alsaWritten = 0;
      let writing = true;
      let writer: Promise<void> = Promise.resolve();
      const events: Array<DeviceChangeEvent & { at: number }> = [];
      const latencies: Record<string, string> = {};
      let watcher: ReturnType<typeof watchDevices> | undefined;
      let loopResult: ReturnType<ReturnType<typeof loopback>['result']> | undefined;
      let loopXruns: string[] = [];
      let mark = 0;
      try {
        await within(loop.stream.ready, 5000, 'processor ready');
        const ports = await loopStreamPorts(before);
        loop.stream.start();
        await disconnectSystem(ports);
        loop.begin();
        // The signal starts now: xruns before (opening, connecting) do not count.
        mark = jackLogMark(tb);
        alsa.start();
        // The ALSA stream's program: 100 ms of audio every 20 ms (the file
        // PCM is unpaced and waits for it), until the steps are done.
        writer = (async () => {
          const chunk = 4800 * CHANNELS * 2;
          while (writing && alsaWritten + chunk <= alsaSignal.byteLength) {
            await alsa.write(alsaSignal.subarray(alsaWritten, alsaWritten + chunk));
            alsaWritten += chunk;
            await delay(20);
          }
        })();

        // A refresh while both streams run: the running instance is retired
        // (its JACK client now shows as a device), a fresh one takes over.
        await refreshDevices();
        expect(_native().instanceCounts().retired).toBe(1);
        const initial = names();
        expect(initial).toContain(`${JACK_API}: system`);

        watcher = watchDevices({ settleMs: 50 });
        watcher.on('change', (e) => {
          if (!(e.type === 'added' || e.type === 'removed') || !ownClient(e.hostApiName, e.device.name)) {
            events.push({ ...e, at: Date.now() });
          }
        });
        const step = async (what: string, act: () => Promise<unknown>, count: number): Promise<void> => {
          const began = Date.now();
          await act();
          const done = Date.now();
          await waitFor(() => events.length >= count, EVENT_BOUND_MS, `event after ${what}`);
          // From the end of the action (an event may come before a slow
          // action returns: negative) and from its start.
          latencies[what] = `${events[count - 1]!.at - done} (${events[count - 1]!.at - began} from the start)`;
        };

        await step('add ALSA PCM', () => addAlsaPcm('vhot'), 1);
        expect(names()).toEqual([...initial, 'ALSA: vhot'].sort());
        // A new stream opens on the added device at once.
        const hot = new RawOutputStream({ device: 'vhot', channels: CHANNELS, dtype: 'int16' });
        hot.start();
        await hot.write(new Uint8Array(4 * 1024));
        await hot.close();
        await step('remove ALSA PCM', () => removeAlsaPcm('vhot'), 2);
        expect(names()).toEqual(initial);

        // The JACK loopback ran through all that (its signal lasts 3 s):
        // let it finish and keep what it heard.
        if (!loop.stream.active) throw new Error('the steps took longer than the loopback signal: retrying');
        await within(loop.stream.finished, 10_000, 'loopback stream');
        loopResult = loop.result();
        await loop.stream.close();
        loopXruns = jackXrunsSince(tb, mark);

        // The JACK server goes away under a running JACK stream.
        let finishedCallbackRan = false;
        const errors: Error[] = [];
        const victim = new RawOutputStream({
          device: 'system',
          channels: 1,
          dtype: 'float32',
          callback: (outdata) => void outdata.fill(0),
          finishedCallback: () => (finishedCallbackRan = true),
        });
        victim.on('error', (e) => errors.push(e));
        victim.start();
        const victimEnded = victim.finished.then(
          () => new Error('finished resolved'),
          (e: unknown) => e as Error,
        );
        await step('stop JACK server', () => stopJackServer(jack()), 3);
        const ended = await within(victimEnded, 5000, 'the lost stream to end');
        expect(ended.message).toMatch(/the audio device stopped working/);
        expect(errors.length).toBe(1);
        expect(finishedCallbackRan).toBe(true);
        await victim.close();
        expect(names()).toEqual(initial.filter((n) => !n.startsWith(JACK_API)));
        // Another device opens at once.
        const other = new RawOutputStream({ device: 'vnull', channels: CHANNELS, dtype: 'int16' });
        other.start();
        await other.write(new Uint8Array(4 * 1024));
        await other.close();

        await step('start JACK server', () => startJackServer(jack()), 4);
        expect(names()).toEqual(initial);
        // And a JACK stream opens on the server that came back.
        const back = new RawOutputStream({ device: 'system', channels: 1, dtype: 'float32' });
        back.start();
        await back.write(new Uint8Array(4 * 2048));
        await back.close();
        await delay(500); // nothing more comes

        expect(events.map((e) => [e.type, e.type === 'added' || e.type === 'removed' ? e.hostApiName : '', e.device?.name, e.cause])).toEqual([
          ['added', 'ALSA', 'vhot', 'alsa-config'],
          ['removed', 'ALSA', 'vhot', 'alsa-config'],
          ['removed', JACK_API, 'system', 'jack'],
          ['added', JACK_API, 'system', 'jack'],
        ]);
        console.log('watchDevices latency, action done -> event (ms):', latencies);

        writing = false;
        await writer;
        await alsa.close();
      } finally {
        writing = false;
        watcher?.close();
        await writer.catch(() => {});
        await loop.stream.close();
        await alsa.close();
      }

      // The JACK loopback: what was played came back bit-exact, no gap.
      const { recorded, glitches } = loopResult!;
      console.log(`JACK loopback: ${glitches} glitch(es); jackd xruns meanwhile: ${loopXruns.length}`);
      // A server xrun breaks the signal whatever the client does: excused
      // (and said so) only then.
      if (loopXruns.length === 0) {
        expect(glitches).toBe(0);
        const at = recorded.indexOf(signal);
        if (at < 0) {
          const head = recorded.indexOf(signal.subarray(0, 256 * FRAME_BYTES));
          console.log('loopback: signal not found', { recordedFrames: recorded.byteLength / FRAME_BYTES, start: loopResult!.start, headAt: head / FRAME_BYTES, prefix: head < 0 ? -1 : commonPrefix(recorded.subarray(head), signal) / FRAME_BYTES });
        }
        expect(at).toBeGreaterThanOrEqual(0);
        expect(at % FRAME_BYTES).toBe(0);
      }

      // The ALSA file stream: every byte written, in order, after the
      // priming silence; closing may pad the last period with silence.
      const out = Buffer.from(await readOutFile(tb));
      const first = firstSoundFrame(out, CHANNELS * 2, 0);
      expect(alsaWritten).toBeGreaterThan(0);
      const written = out.subarray(first * CHANNELS * 2);
      expect(commonPrefix(written, alsaSignal.subarray(0, alsaWritten))).toBe(alsaWritten);
      expect(written.subarray(alsaWritten).every((b) => b === 0)).toBe(true);
    },
  );
});
