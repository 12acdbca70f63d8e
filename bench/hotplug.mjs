#!/usr/bin/env node
// Devices that come and go (issue 15): how long a refresh takes, and how soon
// watchDevices() reports a change. Prints a table; asserts nothing.
//
//   node bench/hotplug.mjs [--reps N]     (the packages built: pnpm build)
//
// Uses a testbed of its own (a private folder and JACK server name), stopped
// at the end. Measure on a quiet machine (pgrep -af 'vitest|cargo').
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { addAlsaPcm, removeAlsaPcm, startJackServer, startTestbed, stopJackServer, stopTestbed } from '@sounddevice/testbed';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '20' } } });
const reps = Number(values.reps);
const dir = path.join(os.tmpdir(), `sounddevice-bench-hotplug-${process.pid}`);
const jack = { dir, serverName: `sounddevice-bench-hotplug-${process.pid}`, jackPeriod: 256 };
await startTestbed(jack); // sets ALSA_CONFIG_PATH and JACK_DEFAULT_SERVER before PortAudio starts
const sd = await import('@sounddevice/raw');

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `${at(0.5).toFixed(1)} | ${at(0.9).toFixed(1)} | ${s[s.length - 1].toFixed(1)}`;
};
const rows = [];
const time = async (f) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

try {
  sd.queryDevices();
  // 1. refreshDevices(): no stream open (PortAudio restarted in place).
  const idle = [];
  for (let i = 0; i < reps; i++) idle.push(await time(() => sd.refreshDevices()));
  rows.push(['refreshDevices(), no stream open', stats(idle)]);

  // 2. With a stream running on the instance in use (it is retired, another takes over).
  const busy = [];
  for (let i = 0; i < reps; i++) {
    const s = new sd.RawOutputStream({ device: 'system', channels: 2, dtype: 'float32', callback: (out) => void out.fill(0) });
    s.start();
    await delay(50);
    busy.push(await time(() => sd.refreshDevices()));
    await s.close();
  }
  rows.push(['refreshDevices(), a JACK stream running', stats(busy)]);

  // 3. Underflows of a running JACK processor stream (cushion 8 blocks, as
  // the hotplug test), 2 s each, alternately with a refresh every 200 ms and
  // without: does a refresh cost a running stream anything?
  const processor = new URL('./hotplug-processor.mjs', import.meta.url).pathname;
  const flags = { none: [], refresh: [] };
  for (let i = 0; i < Math.min(reps, 10); i++) {
    for (const mode of ['none', 'refresh']) {
      const control = new SharedArrayBuffer(8);
      const s = new sd.RawOutputStream({ device: 'system', channels: 2, dtype: 'float32', blockSize: 256, cushion: 8, processor, processorData: { control } });
      await s.ready;
      s.start();
      await delay(300);
      const ctl = new Int32Array(control);
      const before = Atomics.load(ctl, 0);
      for (const until = performance.now() + 2000; performance.now() < until; ) {
        if (mode === 'refresh') await sd.refreshDevices();
        await delay(200);
      }
      flags[mode].push(Atomics.load(ctl, 0) - before);
      await s.close();
    }
  }
  rows.push(['underflows of a running processor stream per 2 s, no refresh', stats(flags.none)]);
  rows.push(['underflows of a running processor stream per 2 s, a refresh every 200 ms', stats(flags.refresh)]);

  // 4. watchDevices(): ALSA configuration changed -> event (default settleMs 100, and 0).
  for (const settleMs of [100, 0]) {
    const watcher = sd.watchDevices({ settleMs });
    const lat = [];
    for (let i = 0; i < reps; i++) {
      for (const act of [() => addAlsaPcm('vbench'), () => removeAlsaPcm('vbench')]) {
        const seen = new Promise((resolve) => watcher.once('change', resolve));
        await act();
        const t = performance.now();
        await seen;
        lat.push(performance.now() - t);
        await delay(20);
      }
    }
    watcher.close();
    rows.push([`watchDevices(), ALSA config changed -> event (settleMs ${settleMs})`, stats(lat)]);
  }

  // 5. watchDevices(): JACK server stopped / started -> event (from the call's return).
  const watcher = sd.watchDevices({ settleMs: 50 });
  const stop = [];
  const start = [];
  for (let i = 0; i < Math.min(reps, 5); i++) {
    for (const [list, act] of [
      [stop, () => stopJackServer(jack)],
      [start, () => startJackServer(jack)],
    ]) {
      const seen = new Promise((resolve) => watcher.once('change', () => resolve(performance.now())));
      await act();
      const t = performance.now();
      list.push((await seen) - t);
      await delay(200);
    }
  }
  watcher.close();
  rows.push(['watchDevices(), JACK server stopped -> event (settleMs 50; negative: before the stop returned)', stats(stop)]);
  rows.push(['watchDevices(), JACK server started -> event (settleMs 50)', stats(start)]);
} finally {
  await stopTestbed(jack);
}

console.log(`\nDevices that come and go: ${reps} repetitions, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}\n`);
console.log('| measure | median | p90 | max |');
console.log('|---|---|---|---|');
for (const [name, s] of rows) console.log(`| ${name} | ${s} |`);
