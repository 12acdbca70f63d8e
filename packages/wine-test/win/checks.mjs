// Run by Node's Windows build (node.exe) under Wine, from the flat install
// made by flat-install.mjs. Prints one JSON line per check to stdout
// (redirected to a file by run.sh: Wine 8 gives node.exe EBADF on pipes).
//
//   node checks.mjs devices
//   node checks.mjs content <host API name> [<check number>]
//   node checks.mjs errors
//   node checks.mjs missing
//   node checks.mjs exit <host API name> <exit|end>
//   node checks.mjs watch
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as sd from '@sounddevice/numeric';
import { CASE_FREQS, IN_AMP, IN_FREQS, OUT_AMP, checkContent, deinterleave, interleave, sineChannels } from './signal.mjs';

const [mode, api, how] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const RATE = 44100; // streams run at 44.1 kHz; Wine converts to the device's 48 kHz
const SECONDS = 0.5;
const FRAMES = Math.round(RATE * SECONDS);
const MIN_SECONDS = 0.9 * SECONDS;

function report(name, ok, detail = {}) {
  process.stdout.write(`${JSON.stringify({ name, api: api ?? null, ok, ...detail })}\n`);
}

// A check that has not ended in this time is reported as timed out and the
// next one runs (the streams it left are ended by the process's exit): Wine's
// DirectSound capture sometimes delivers nothing for tens of seconds (see
// FLAKY_WHEN_TIMED_OUT in report.mjs), and one stalled check must not hide
// the results of the others.
const CHECK_LIMIT_MS = 25_000;
let timedOut = 0;

// `content <api> <n>` runs only the n-th content check (run.sh runs each in a
// process of its own, so that a stream Wine left stalled cannot spoil the next).
let checkIndex = -1;
const onlyCheck = mode === 'content' && how !== undefined ? Number(how) : undefined;

async function check(name, fn) {
  checkIndex += 1;
  if (onlyCheck !== undefined && checkIndex !== onlyCheck) return;
  const t0 = Date.now();
  let timer;
  const limit = new Promise((resolve) => {
    timer = setTimeout(() => {
      timedOut += 1;
      resolve({ ok: false, timedOut: true, problems: [`not ended after ${CHECK_LIMIT_MS / 1000} s`] });
    }, CHECK_LIMIT_MS);
  });
  try {
    const detail = (await Promise.race([fn(), limit])) ?? {};
    report(name, detail.ok !== false, { ms: Date.now() - t0, ...detail });
  } catch (e) {
    report(name, false, { ms: Date.now() - t0, error: `${e?.name}: ${e?.message}` });
  } finally {
    clearTimeout(timer);
  }
}

/** Devices of host API `name`: its default input and output. */
function apiDevices(name) {
  const h = sd.queryHostApis().find((x) => x.name === name);
  if (!h) throw new Error(`no host API ${name}`);
  return { input: h.defaultInputDevice, output: h.defaultOutputDevice };
}

// What is played is checked by run.sh/report.mjs after this process ended, in
// the ALSA file PCM's output (out-<host API>.raw: int16, stereo, 48 kHz): Wine
// writes its buffered periods to ALSA when it likes, so each case plays its own
// frequencies (CASE_FREQS) and is found in the whole file afterwards.
const played = (key) => ({ ok: true, played: { key, freqs: CASE_FREQS[key], amp: OUT_AMP, seconds: SECONDS } });
// Recording through Wine converts 48 kHz to the stream's 44.1 kHz with a
// resampler that is not exact: 1000 Hz came back as 1000-1023 Hz (MME 1.4 %
// high on every run); 3 % is allowed.
function recordedContent(channels, rate = RATE) {
  return checkContent(channels, rate, IN_FREQS, IN_AMP, MIN_SECONDS, 0.03);
}
const fromNdarray = (a) => deinterleave(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength), a.dtype === 'float64' ? 'float64' : a.dtype, a.shape[1]);

if (mode === 'devices') {
  await check('device list and host APIs', () => {
    const apis = sd.queryHostApis().map((h) => ({ name: h.name, devices: h.devices.length, defaultInput: h.defaultInputDevice, defaultOutput: h.defaultOutputDevice }));
    const devices = sd.queryDevices();
    const problems = [];
    if (devices.length === 0) problems.push('no devices');
    for (const d of devices) {
      if (sd.queryHostApis(d.hostApi).devices.indexOf(d.index) < 0) problems.push(`device ${d.index} missing from its host API`);
      if (!(d.defaultSampleRate > 0)) problems.push(`device ${d.index}: sample rate ${d.defaultSampleRate}`);
    }
    const withDevices = apis.filter((h) => h.devices > 0);
    for (const h of withDevices) if (h.defaultInput < 0 || h.defaultOutput < 0) problems.push(`${h.name}: no default input or output`);
    const [version, text] = sd.getPortAudioVersion();
    const library = sd.getPortAudioLibraryPath();
    if (!/native-win32-x64-msvc[\\/]libportaudio\.dll$/.test(library)) problems.push(`loaded ${library}, not the bundled DLL`);
    return { ok: problems.length === 0, problems, version: text, versionNumber: version, library, hostApis: apis, list: String(devices).split('\n') };
  });
} else if (mode === 'content') {
  const dev = apiDevices(api);
  const base = { sampleRate: RATE };

  await check('play (numeric, float64, blocking)', async () => {
    await sd.play(sineChannels(FRAMES, RATE, CASE_FREQS.play), { ...base, device: dev.output, blocking: true });
    return played('play');
  });

  await check('rec (numeric, float32)', async () => {
    const a = await sd.rec(FRAMES, { ...base, channels: 2, dtype: 'float32', device: dev.input, blocking: true });
    return recordedContent(fromNdarray(a));
  });

  await check('playrec (numeric, int16)', async () => {
    const a = await sd.playrec(sineChannels(FRAMES, RATE, CASE_FREQS.playrec), { ...base, channels: 2, dtype: 'int16', device: [dev.input, dev.output], blocking: true });
    return { ...recordedContent(fromNdarray(a)), played: played('playrec').played };
  });

  await check('callback output stream (raw, int16)', async () => {
    let pos = 0;
    const s = new sd.RawOutputStream({
      ...base, device: dev.output, channels: 2, dtype: 'int16',
      callback: (outdata, frames) => {
        const n = Math.max(0, Math.min(frames, FRAMES - pos));
        outdata.fill(0);
        if (n > 0) outdata.set(interleave(sineChannels(n, RATE, CASE_FREQS.callback, OUT_AMP, pos), 'int16'));
        pos += frames;
        if (pos >= FRAMES) throw new sd.CallbackStop();
      },
    });
    s.start();
    await s.finished;
    await s.close();
    return played('callback');
  });

  await check('callback input stream (raw, float32)', async () => {
    const chunks = [];
    let got = 0;
    const s = new sd.RawInputStream({
      ...base, device: dev.input, channels: 2, dtype: 'float32',
      callback: (indata, frames) => {
        chunks.push(Buffer.from(indata));
        got += frames;
        if (got >= FRAMES) throw new sd.CallbackStop();
      },
    });
    s.start();
    await s.finished;
    await s.close();
    return recordedContent(deinterleave(Buffer.concat(chunks), 'float32', 2));
  });

  await check('blocking output stream (raw write, int32)', async () => {
    const s = new sd.RawOutputStream({ ...base, device: dev.output, channels: 2, dtype: 'int32' });
    s.start();
    await s.write(interleave(sineChannels(FRAMES, RATE, CASE_FREQS.blocking), 'int32'));
    await s.stop();
    await s.close();
    return played('blocking');
  });

  await check('blocking input stream (raw read, int16)', async () => {
    const s = new sd.RawInputStream({ ...base, device: dev.input, channels: 2, dtype: 'int16' });
    s.start();
    const { data } = await s.read(FRAMES);
    await s.close();
    return recordedContent(deinterleave(Buffer.from(data), 'int16', 2));
  });

  await check('processor output stream (worker thread, int16)', async () => {
    const s = new sd.RawOutputStream({
      ...base, device: dev.output, channels: 2, dtype: 'int16',
      processor: new URL('./sine-processor.mjs', import.meta.url),
      processorData: { rate: RATE, freqs: CASE_FREQS.processor, amp: OUT_AMP, total: FRAMES },
    });
    await s.ready;
    s.start();
    await s.finished;
    await s.close();
    return played('processor');
  });
  // A stream left running by a timed-out check would keep the process alive.
  if (timedOut > 0) process.exit(0);
} else if (mode === 'errors') {
  const expectThrow = (name, fn, Cls, pattern) =>
    check(name, async () => {
      try {
        await fn();
      } catch (e) {
        const ok = e instanceof Cls && pattern.test(String(e.message));
        return { ok, thrown: `${e?.name}: ${e?.message}`.slice(0, 300) };
      }
      return { ok: false, problems: ['did not throw'] };
    });
  await expectThrow('device index out of range: RangeError', () => sd.queryDevices(999), RangeError, /999/);
  await expectThrow('device name matching nothing: RangeError listing candidates', () => new sd.RawOutputStream({ device: 'no such device', channels: 1 }), RangeError, /no such device/);
  await expectThrow('channels: -1 is rejected', () => new sd.RawOutputStream({ channels: -1 }), Error, /channels/);
  await expectThrow('unknown dtype: RangeError naming the allowed ones', () => new sd.RawOutputStream({ channels: 1, dtype: 'float16' }), RangeError, /float16.*|int16/);
  await expectThrow('play() of a string: TypeError', () => sd.play('not audio', { sampleRate: RATE }), TypeError, /./);
  await expectThrow('rec() of -5 frames', () => sd.rec(-5, { sampleRate: RATE, channels: 1 }), Error, /frames|-5/);
  await expectThrow('too many channels: PortAudioError from PortAudio', () => new sd.RawOutputStream({ channels: 4096 }), sd.PortAudioError, /channel/i);
  await expectThrow('sample rate 1 Hz: PortAudioError from PortAudio', () => sd.checkOutputSettings({ sampleRate: 1, channels: 1 }), sd.PortAudioError, /sample rate/i);
} else if (mode === 'missing') {
  // run.sh removed libportaudio.dll from the platform package first.
  await check('missing PortAudio: import works, first use throws a PortAudioError naming what was tried', async () => {
    try {
      sd.queryDevices();
    } catch (e) {
      const message = String(e?.message);
      const ok = e instanceof sd.PortAudioError && /libportaudio\.dll|portaudio\.dll/.test(message) && /SOUNDDEVICE_PORTAUDIO_LIBRARY/.test(message);
      return { ok, thrown: `${e?.name}: ${message}`.slice(0, 400) };
    }
    return { ok: false, problems: ['queryDevices() worked without PortAudio'] };
  });
} else if (mode === 'exit') {
  // Exit with a callback output stream and a blocking input stream running:
  // PortAudio is terminated, the process ends (run.sh checks its exit code and time).
  const dev = apiDevices(api);
  const out = new sd.RawOutputStream({ sampleRate: RATE, device: dev.output, channels: 2, callback: (o) => o.fill(0) });
  const input = new sd.RawInputStream({ sampleRate: RATE, device: dev.input, channels: 2 });
  out.start();
  input.start();
  report('streams running before exit', out.active && input.active);
  setTimeout(() => {
    if (how === 'exit') process.exit(0);
    void out.close().then(() => input.close());
  }, 200);
} else if (mode === 'watch') {
  // Device notifications (MMDevice API, IMMNotificationClient). Wine cannot
  // add or remove a device here; what it can do is re-read the default
  // device from its registry key: a change of
  // HKCU\Software\Wine\Drivers\winealsa.drv\DefaultOutput makes Wine's
  // mmdevapi call OnDefaultDeviceChanged (if this Wine implements it: the
  // result says whether anything arrived; report.mjs does not require it).
  const native = createRequire(import.meta.url)('@sounddevice/native');
  const KEY = 'HKCU\\Software\\Wine\\Drivers\\winealsa.drv';
  const reg = (...args) => execFileSync('reg.exe', args, { stdio: 'ignore', timeout: 15_000 });
  const until = async (test, ms) => {
    const end = Date.now() + ms;
    while (!test() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return test();
  };

  await check('native notifications: register, deliver through the COM interface, stop, start again', async () => {
    const problems = [];
    if (native.deviceNotificationsSupported() !== true) problems.push('deviceNotificationsSupported() is not true');
    const runs = [];
    for (let round = 1; round <= 2; round++) {
      const got = [];
      const t0 = Date.now();
      const h = native.DeviceNotifications.start((e) => got.push(e), false);
      const registeredMs = Date.now() - t0;
      if (!h.active) problems.push(`round ${round}: not active after start`);
      const id = `{0.0.0.00000000}.{sounddevice-probe-${round}}`;
      const t1 = Date.now();
      h.simulate(id);
      const arrived = await until(() => got.some((e) => e.kind === 'added' && e.deviceId === id), 5000);
      if (!arrived) problems.push(`round ${round}: the simulated OnDeviceAdded did not reach JavaScript in 5 s`);
      h.stop();
      h.stop();
      if (h.active) problems.push(`round ${round}: still active after stop`);
      let threw = false;
      try {
        h.simulate(id);
      } catch {
        threw = true;
      }
      if (!threw) problems.push(`round ${round}: simulate after stop did not throw`);
      runs.push({ round, registeredMs, deliveredMs: arrived ? Date.now() - t1 : null, events: got.length });
    }
    return { ok: problems.length === 0, problems, runs };
  });

  await check('watchDevices() under Wine: opens (notifications registered), check(), Wine default-device change, close()', async () => {
    const problems = [];
    // Raw notifications, to see whether Wine sends any.
    const seen = [];
    const probe = native.DeviceNotifications.start((e) => seen.push(e), false);
    const w = sd.watchDevices({ settleMs: 50 });
    const events = [];
    w.on('change', (e) => events.push(e));
    // The first refresh may move PortAudio's defaults: under Wine, MME's
    // default is the Wine Sound Mapper when PortAudio first starts and the
    // device it maps to ("In: default", "Out: default") after a restart
    // (measured 2026-12-07: defaultInput and defaultOutput on the first
    // check(), nothing on the second). Only default changes are allowed then;
    // the second check() must find nothing.
    const first = await w.check();
    const checked = await w.check();
    if (!Array.isArray(first) || !Array.isArray(checked)) problems.push('check() did not return an array');
    if ([...first, ...checked].some((e) => e.cause !== 'check')) problems.push(`check() reported causes ${[...first, ...checked].map((e) => e.cause)}`);
    if (first.some((e) => e.type === 'added' || e.type === 'removed')) problems.push(`the first check() found devices added or removed: ${first.map((e) => `${e.type} ${e.device?.name}`)}`);
    if (checked.length !== 0) problems.push(`the second check() found ${checked.length} changes with nothing changed`);
    if (!(w.devices.length > 0)) problems.push('no devices after check()');
    // Ask Wine to re-read its default output device (then put the key back).
    const before = w.devices;
    let wine = 'reg.exe failed';
    try {
      const t0 = Date.now();
      let delivered, refreshed;
      try {
        reg('add', KEY, '/v', 'DefaultOutput', '/d', 'sounddevice-probe', '/f');
        delivered = await until(() => seen.length > 0, 3000);
        refreshed = await until(() => w.devices !== before, 3000);
      } finally {
        reg('delete', KEY, '/v', 'DefaultOutput', '/f'); // the prefix is shared by every run
      }
      wine = delivered
        ? `Wine delivered ${seen.map((e) => `${e.kind}(flow ${e.flow}, role ${e.role})`).join(', ')} ${Date.now() - t0} ms after the registry change; watchDevices() ${refreshed ? 'refreshed' : 'did NOT refresh'}`
        : 'Wine delivered no notification in 3 s after the registry change';
      if (delivered && !refreshed) problems.push('a notification arrived but watchDevices() did not refresh');
    } catch (e) {
      wine = `reg.exe failed: ${e?.message}`;
    }
    probe.stop();
    w.close();
    if (!w.closed) problems.push('not closed after close()');
    const after = await w.check(); // check() works on a closed watcher
    if (!Array.isArray(after)) problems.push('check() after close() did not return an array');
    return { ok: problems.length === 0, problems, wine, wineEvents: seen.length, firstCheck: first.map((e) => `${e.type} ${e.device?.name}`), events: events.map((e) => `${e.type}:${e.cause}`) };
  });

  // persistent (the default) keeps the process alive until close(): the timer
  // that closes it is unreferenced, so it fires only if the watcher held the
  // loop (otherwise the process would end here, and this result be missing).
  await new Promise((resolve) => {
    const w = sd.watchDevices();
    const t0 = Date.now();
    setTimeout(() => {
      w.close();
      report('watchDevices() (persistent) keeps the process alive until close()', true, { ms: Date.now() - t0 });
      resolve();
    }, 1000).unref();
  });

  // Left open on purpose: persistent: false must not keep the process alive
  // (run.sh checks that this process exits by itself).
  sd.watchDevices({ persistent: false });
  report('watcher with persistent: false left open at the end', true);
} else {
  throw new Error(`unknown mode ${mode}`);
}
