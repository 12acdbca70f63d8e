/**
 * Behaviour that follows Python's sounddevice (issue 13), on real PortAudio
 * through the testbed: `await using` drains like `with`, start/stop/abort
 * ignore PortAudio's errors as Python does, pairs on one-way streams,
 * `defaults.device` read while unset, `queryDevices(index, kind)`,
 * `queryHostApis(null)`, too many channels, host API names in error
 * messages, raw `write()` of byte values, `version`, and the latency of a
 * callback stream with `blockSize: 0`.
 */
import { copyFileSync, appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CallbackStop,
  PortAudioError,
  RawInputStream,
  RawOutputStream,
  RawStream,
  WasapiSettings,
  _native,
  checkOutputSettings,
  defaults,
  queryDevices,
  queryHostApis,
  version,
} from '../src/index.js';
import { fixture, portAudioPorts, runNode, testbed, waitFor, within } from './helpers.js';

const JACK = { device: 'system', blockSize: 256 } as const;

afterEach(async () => {
  defaults.reset();
  expect(await portAudioPorts()).toEqual([]);
});

describe('`await using` is Python\'s `with`', () => {
  it('drains at the end of the scope: every written frame is played before the stream closes', async () => {
    const frames = 24_000;
    let outer: RawOutputStream | undefined;
    {
      // latency 1 s: the engine's ring holds all of the 0.5 s written, so it
      // is still queued when the scope ends, however busy the machine is.
      await using s = new RawOutputStream({ ...JACK, channels: 1, dtype: 'float32', latency: 1 }).start();
      outer = s;
      expect(s.active).toBe(true); // start() returned the started stream
      await s.write(Buffer.alloc(frames * 4, 0x3e));
      // The last blocks are still queued here.
      expect(s.framesProcessed).toBeLessThan(frames);
    }
    expect(outer.closed).toBe(true);
    expect(outer.framesProcessed).toBeGreaterThanOrEqual(frames);
  });

  it('an explicit close() still aborts: queued output is dropped', async () => {
    const frames = 24_000;
    const s = new RawOutputStream({ ...JACK, channels: 1, dtype: 'float32', latency: 1 }).start();
    await s.write(Buffer.alloc(frames * 4, 0x3e));
    await s.close();
    expect(s.framesProcessed).toBeLessThan(frames);
  });

  it('a stream never started is just closed', async () => {
    let outer: RawInputStream | undefined;
    {
      await using s = new RawInputStream({ ...JACK, channels: 1 });
      outer = s;
    }
    expect(outer.closed).toBe(true);
  });
});

describe('start/stop/abort ignore PortAudio errors as Python does', () => {
  it('stop() and abort() on a stream never started, stopped or closed do nothing', async () => {
    const s = new RawOutputStream({ ...JACK, channels: 1, callback: () => {} });
    s.stop();
    s.abort();
    s.start();
    s.stop();
    s.stop();
    s.abort();
    await s.close();
    s.stop();
    s.abort();
    expect(s.closed).toBe(true);
  });

  it('ignoreErrors: false surfaces them', async () => {
    const s = new RawOutputStream({ ...JACK, channels: 1, callback: () => {} });
    expect(() => s.stop({ ignoreErrors: false })).toThrow(PortAudioError);
    expect(() => s.abort({ ignoreErrors: false })).toThrow(/Stream is stopped/);
    expect(() => s.stop({ ignoreErors: true } as never)).toThrow(/unknown key 'ignoreErors'/);
    expect(() => s.stop({ ignoreErrors: 'yes' } as never)).toThrow(TypeError);
    await s.close();
    expect(() => s.stop({ ignoreErrors: false })).toThrow(/closed/);
  });

  it('start() of a running stream, or of one that finished by itself, does nothing', async () => {
    let calls = 0;
    const s = new RawOutputStream({
      ...JACK,
      channels: 1,
      callback: () => {
        if (++calls === 3) throw new CallbackStop();
      },
    });
    s.start();
    const finished = s.finished;
    expect(s.start()).toBe(s); // running: ignored
    expect(s.finished).toBe(finished); // the same activation
    await within(finished, 2000, 'finished');
    expect(s.active).toBe(false);
    s.start(); // finished but not stopped: ignored, as in Python
    expect(s.active).toBe(false);
    expect(calls).toBe(3);
    s.stop();
    s.start(); // after stop() it runs again
    await waitFor(() => calls > 3, 2000, 'callbacks after restart');
    await s.close();
    expect(() => s.start()).toThrow(/closed/);
  });
});

describe('[input, output] pairs on one-way streams pick their half', () => {
  it('output streams use the output half, input streams the input half', async () => {
    const options = {
      device: ['no such device', 'system'],
      channels: [1, 2],
      dtype: ['int16', 'int32'],
      latency: [0.1, 0.2],
      blockSize: 256,
    } as const;
    const out = new RawOutputStream(options);
    expect(out.channels).toBe(2);
    expect(out.dtype).toBe('int32');
    expect(out.device).toBe(queryDevices('system').index);
    await out.close();
    const input = new RawInputStream({ ...options, device: ['system', 'no such device'] });
    expect(input.channels).toBe(1);
    expect(input.dtype).toBe('int16');
    await input.close();
  });

  it('extraSettings pairs: only the half of the direction reaches PortAudio', async () => {
    // WASAPI settings on a JACK device are refused by PortAudio (-9984), so
    // which half was used shows.
    const wasapi = new WasapiSettings({ exclusive: true });
    const out = new RawOutputStream({ ...JACK, channels: 1, extraSettings: [wasapi, null] });
    await out.close();
    let error: unknown;
    try {
      new RawOutputStream({ ...JACK, channels: 1, extraSettings: [null, wasapi] }).closeSync();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PortAudioError);
    expect((error as PortAudioError).code).toBe(-9984);
  });
});

describe('defaults.device while unset', () => {
  it("reads PortAudio's default devices, as Python's sd.default.device", () => {
    const [input, output] = _native().defaultDevices();
    expect([...defaults.device]).toEqual([input, output]);
    expect(queryDevices(undefined, 'output').index).toBe(output);
    defaults.device[1] = 'vfile_out';
    expect(defaults.device[0]).toBe(input);
    expect(defaults.device[1]).toBe('vfile_out');
  });
});

describe('queryDevices(index, kind) and queryHostApis(null)', () => {
  it("refuses a device without channels of that kind ('Not an input device')", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-one-way-'));
    const config = join(dir, 'asound.conf');
    copyFileSync(process.env.ALSA_CONFIG_PATH!, config);
    appendFileSync(config, 'pcm.vplayonly { type asym playback.pcm "vnull" }\n');
    const child = await runNode(fixture('one-way-device.mjs'), [], { env: { ALSA_CONFIG_PATH: config } });
    expect(child.code, child.stderr).toBe(0);
    const r = JSON.parse(child.stdout) as { maxInputChannels: number; inputError: { name: string; message: string; isRangeError: boolean }; output: string };
    expect(r.maxInputChannels).toBe(0);
    expect(r.inputError.isRangeError).toBe(true);
    expect(r.inputError.message).toMatch(/^Not an input device: 'vplayonly'/);
    expect(r.output).toBe('vplayonly');
  });

  it('accepts a device that has channels of that kind', () => {
    const system = queryDevices('system');
    expect(queryDevices(system.index, 'input')).toEqual(system);
  });

  it('queryHostApis(null) returns every host API, as Python\'s query_hostapis(None)', () => {
    expect(queryHostApis(null)).toEqual(queryHostApis());
  });
});

describe('errors as Python reports them', () => {
  it('too many channels at open is a PortAudioError with paInvalidChannelCount', () => {
    for (const make of [
      () => new RawOutputStream({ ...JACK, channels: 3 }),
      () => new RawInputStream({ ...JACK, channels: 3 }),
      () => new RawStream({ ...JACK, channels: [2, 3] }),
    ]) {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PortAudioError);
      expect((error as PortAudioError).code).toBe(-9998);
      expect((error as Error).message).toMatch(/^Error opening Raw\w*Stream: Invalid number of channels/);
    }
    expect(() => checkOutputSettings({ device: 'system', channels: 3 })).toThrow(PortAudioError);
  });

  it('a host error names its host API, as Python\'s str(PortAudioError)', () => {
    const apis = queryHostApis();
    const jack = apis.findIndex((h) => h.name.startsWith('JACK'));
    const e = new PortAudioError('Error starting stream: Unanticipated host error', -9999, [jack, -5, 'Input/output error']);
    expect(e.message).toBe(
      `Error starting stream: Unanticipated host error [PaErrorCode -9999]: 'Input/output error' [${apis[jack]!.name} error -5]`,
    );
  });
});

describe('raw write() of byte values, version', () => {
  it('write() and writeSync() take an array of byte values, as Python\'s iterable of int', async () => {
    const s = new RawOutputStream({ device: 'vnull', channels: 2, dtype: 'int16', sampleRate: 44100 });
    s.start();
    expect(typeof (await s.write([0, 1, 2, 3, 4, 5, 6, 7]))).toBe('boolean');
    expect(typeof s.writeSync([255, 0, 255, 0])).toBe('boolean');
    expect(() => s.write([0, 1, 256, 3])).toThrow(/data\[2\] must be a byte value.*256/);
    expect(() => s.writeSync([0, 1, 2])).toThrow(/whole frames of 4 bytes/);
    await s.close();
  });

  it("exports the package's version, Python's __version__", () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version).toBe(pkg.version);
  });
});

describe('latency of a callback stream with blockSize 0 (a documented difference)', () => {
  it('cushion 0: PortAudio\'s latency, the same before and after start()', async () => {
    const s = new RawOutputStream({ device: 'system', channels: 1, blockSize: 0, cushion: 0, callback: () => {} });
    const before = s.latency;
    s.start();
    await waitFor(() => s.framesProcessed > 0, 2000, 'a block');
    expect(s.latency).toBe(before);
    await s.close();
  });

  it('a cushion: its blocks are added once PortAudio has chosen their size', async () => {
    const s = new RawOutputStream({ device: 'system', channels: 1, blockSize: 0, cushion: 2, callback: () => {} });
    const before = s.latency as number;
    s.start();
    await waitFor(() => s.framesProcessed > 0, 2000, 'a block');
    const period = testbed().jack.period / testbed().jack.rate;
    expect(s.latency as number).toBeGreaterThan(before);
    expect((s.latency as number) - before).toBeLessThanOrEqual(2 * period * 4 + 1e-9);
    await s.close();
  });
});
