/**
 * `watchDevices()` and `queryDevices({ refresh })` as an API: bad options,
 * the async iterator with an AbortSignal, `check()`. (The changes under
 * running streams are in hotplug.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { addAlsaPcm, removeAlsaPcm } from '@sounddevice/testbed';
import { type DeviceChangeEvent, RawOutputStream, _native, queryDevices, refreshDevices, watchDevices } from '../src/index.js';
import { within } from './helpers.js';

describe('bad input', () => {
  it('watchDevices with bad options throws a TypeError naming the option', () => {
    expect(() => watchDevices(5 as never)).toThrow(new TypeError('options must be an object, got 5'));
    expect(() => watchDevices({ signal: {} as never })).toThrow(/signal must be an AbortSignal/);
    expect(() => watchDevices({ settleMs: -1 })).toThrow(/settleMs must be a non-negative number/);
    expect(() => watchDevices({ settleMs: '5' as never })).toThrow(TypeError);
    expect(() => watchDevices({ persistent: 1 as never })).toThrow(/persistent must be a boolean/);
    expect(() => watchDevices({ interval: 5 } as never)).toThrow(/no option 'interval' \(allowed: signal, settleMs, persistent\)/);
  });

  it('queryDevices({ refresh }) takes a boolean and no kind', () => {
    expect(() => queryDevices({ refresh: 'yes' as never })).toThrow(new TypeError("refresh must be a boolean, got 'yes'"));
    expect(() => queryDevices({ refresh: true } as never, 'input')).toThrow(TypeError);
  });
});

describe('watchDevices', () => {
  it('is an async iterable that ends when its signal aborts', async () => {
    const controller = new AbortController();
    const watcher = watchDevices({ signal: controller.signal, settleMs: 20 });
    const seen: DeviceChangeEvent[] = [];
    const loop = (async () => {
      for await (const change of watcher) {
        seen.push(change);
        if (seen.length === 2) controller.abort();
      }
    })();
    await addAlsaPcm('viter');
    await new Promise((r) => setTimeout(r, 300));
    await removeAlsaPcm('viter');
    await within(loop, 5000, 'the iteration to end');
    expect(seen.map((e) => [e.type, e.device?.name])).toEqual([
      ['added', 'viter'],
      ['removed', 'viter'],
    ]);
    expect(watcher.closed).toBe(true);
  });

  it('check() refreshes and reports what changed since the last look', async () => {
    const watcher = watchDevices({ persistent: false });
    watcher.close(); // no notifications: only check()
    try {
      await addAlsaPcm('vcheck');
      const changes = await watcher.check();
      expect(changes.map((e) => [e.type, e.device?.name, e.cause])).toEqual([['added', 'vcheck', 'check']]);
      expect(watcher.devices.some((d) => d.name === 'vcheck')).toBe(true);
    } finally {
      await removeAlsaPcm('vcheck');
      await refreshDevices();
    }
  });

  it('with an aborted signal is closed at once', () => {
    const watcher = watchDevices({ signal: AbortSignal.abort() });
    expect(watcher.closed).toBe(true);
  });

  it('refreshDevices() and queryDevices({ refresh: true }) see a PCM added since', async () => {
    await addAlsaPcm('vrefresh');
    try {
      expect(queryDevices().some((d) => d.name === 'vrefresh')).toBe(false);
      expect((await refreshDevices()).some((d) => d.name === 'vrefresh')).toBe(true);
    } finally {
      await removeAlsaPcm('vrefresh');
    }
    expect(queryDevices({ refresh: true }).some((d) => d.name === 'vrefresh')).toBe(false);
  });
});

describe('refreshes racing with streams', () => {
  it('a refresh on the thread pool while streams open, play and close on the main thread breaks none of them', async () => {
    for (let i = 0; i < 40; i++) {
      const refreshing = refreshDevices(); // runs on libuv's thread pool meanwhile
      const s = new RawOutputStream({ device: 'vnull', channels: 2, dtype: 'int16' });
      s.start();
      expect(await s.write(new Uint8Array(4 * 512))).toBe(false);
      await refreshing;
      await s.close();
    }
    await refreshDevices();
    expect(_native().instanceCounts().retired).toBe(0);
    expect(_native().instanceCounts().copies).toBeLessThanOrEqual(2);
  });
});
