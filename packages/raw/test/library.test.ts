/** Library-wide functions: version, library path, missing library, reinitialize(), sleep(). */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PortAudioError,
  RawOutputStream,
  _native,
  getPortAudioLibraryPath,
  getPortAudioVersion,
  queryDevices,
  reinitialize,
  sleep,
} from '../src/index.js';
import { fixture, forgetOwnJackClient, portAudioPorts, runNode, within } from './helpers.js';

describe('getPortAudioVersion()', () => {
  it('returns the version number and a text that agrees with it', () => {
    const [number, text] = getPortAudioVersion();
    expect(Number.isInteger(number)).toBe(true);
    const major = number >> 16;
    const minor = (number >> 8) & 0xff;
    expect(major).toBeGreaterThanOrEqual(19);
    expect(text).toMatch(/^PortAudio V/);
    expect(text).toContain(`V${major}.${minor}.`);
  });

  it('names the library file it loaded', () => {
    const path = getPortAudioLibraryPath();
    expect(path).toMatch(/portaudio/);
  });
});

describe('a missing PortAudio library', () => {
  it('lets the package be imported and required, and fails clearly at first use', async () => {
    const missing = '/nonexistent/libportaudio.so';
    expect(existsSync(missing)).toBe(false);
    const child = await runNode(fixture('missing-library.mjs'), [], {
      env: { SOUNDDEVICE_PORTAUDIO_LIBRARY: missing },
    });
    expect(child.stderr).not.toMatch(/Segmentation|panicked|Abort/i);
    expect(child.code).toBe(0);
    const r = JSON.parse(child.stdout) as Record<string, unknown>;
    expect(r.esmExports).toBe(true);
    expect(r.cjsExports).toBe(true);
    expect(r.defaultsWork).toBe(true);
    for (const call of ['getPortAudioVersion', 'queryDevices', 'queryHostApis', 'checkOutputSettings', 'RawOutputStream', 'refreshSync', 'refreshDevices', 'watchDevices']) {
      const result = r[call] as { threw: boolean; name: string; portAudioError: boolean; message: string };
      expect(result.threw, call).toBe(true);
      expect(result.name, call).toBe('PortAudioError');
      expect(result.portAudioError, call).toBe(true);
      expect(result.message, call).toContain(missing);
      expect(result.message, call).toContain('apt-get install libportaudio2');
      expect(result.message, call).toContain('SOUNDDEVICE_PORTAUDIO_LIBRARY');
    }
    const viaRequire = r.cjsQueryDevices as { name: string; message: string };
    expect(viaRequire.name).toBe('PortAudioError');
    expect(viaRequire.message).toContain(missing);
  });
});

describe('initialization and termination', () => {
  it('initializes quietly: no ALSA or JACK noise on stderr', async () => {
    // Without the testbed's hermetic ALSA configuration alsa-lib complains
    // about missing cards, and JACK about a server that does not exist.
    const child = await runNode(fixture('quiet-init.mjs'), [], {
      unset: ['ALSA_CONFIG_PATH'],
      env: { JACK_DEFAULT_SERVER: 'sounddevice-no-such-server', JACK_NO_START_SERVER: '1' },
    });
    expect(child.code).toBe(0);
    expect(child.stderr).toBe('');
    const report = JSON.parse(child.stdout) as { devices: number; hostApis: string[] };
    expect(report.hostApis).toContain('ALSA');
    expect(report.hostApis).not.toContain('JACK Audio Connection Kit');
  });

  it.each(['exit', 'close'])('terminates cleanly when the process ends by %s with streams running', async (how) => {
    const child = await runNode(fixture('exit-running.mjs'), [how], { timeoutMs: 8000 });
    expect(child.timedOut).toBe(false);
    expect(child.signal).toBeNull();
    expect(child.code).toBe(0);
    expect(child.stderr).not.toMatch(/panick|Segmentation|Assertion|abort/i);
  });
});

describe('reinitialize()', () => {
  it('refuses while a stream is active, and closes it with { stopStreams: true }', async () => {
    let finishedCalls = 0;
    const stream = new RawOutputStream({
      device: 'system',
      channels: 1,
      blockSize: 256,
      callback: () => {},
      finishedCallback: () => finishedCalls++,
    });
    try {
      stream.start();
      await sleep(50);
      expect(() => reinitialize()).toThrow(PortAudioError);
      expect(() => reinitialize()).toThrow(/stopStreams/);
      expect(stream.active).toBe(true);
      expect(stream.closed).toBe(false);
      expect((await portAudioPorts()).length).toBeGreaterThan(0);

      reinitialize({ stopStreams: true });
      forgetOwnJackClient();
      expect(stream.closed).toBe(true);
      expect(stream.active).toBe(false);
      await within(stream.finished, 2000, 'finished after reinitialize');
      expect(finishedCalls).toBe(1);
      expect(() => stream.start()).toThrow(PortAudioError);
    } finally {
      await stream.close();
    }
    expect(finishedCalls).toBe(1);
    expect(_native().isInitialized()).toBe(true);
    // PortAudio works again: the devices are back and a new stream runs.
    expect(queryDevices().map((d) => d.name)).toEqual(expect.arrayContaining(['vfile_out', 'system']));
    let blocks = 0;
    const again = new RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => void blocks++ });
    try {
      again.start();
      await sleep(100);
      expect(blocks).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
  });

  it('closes open but stopped streams without asking', async () => {
    const stream = new RawOutputStream({ device: 'vfile_out', channels: 1, dtype: 'int16' });
    reinitialize();
    forgetOwnJackClient();
    expect(stream.closed).toBe(true);
    await stream.close();
  });

  it('does not leave a process that used it hanging', async () => {
    const child = await runNode(fixture('reinitialized-exit.mjs'), ['system'], { timeoutMs: 8000 });
    expect(child.timedOut).toBe(false);
    expect(child.code).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ finishedCalls: 1, closed: true });
  });
});

describe('sleep()', () => {
  it('waits without blocking the event loop, and can be aborted', async () => {
    const t0 = performance.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await sleep(60);
    clearInterval(timer);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    expect(ticks).toBeGreaterThan(3);

    const controller = new AbortController();
    const pending = sleep(10_000, { signal: controller.signal });
    controller.abort(new Error('enough'));
    await expect(within(pending, 500)).rejects.toThrow('enough');
    expect(() => sleep(-1)).toThrow(RangeError);
  });
});
