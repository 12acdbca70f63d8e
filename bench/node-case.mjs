// One benchmark case for sounddevice for Node.js, in a fresh process.
// Usage: node bench/node-case.mjs '<json spec>'. Prints one line
// `RESULT {json}` on stdout. Uses the BUILT packages (packages/*/dist).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { checkExactInput, checkExactOutput, exactSignal } from './lib/exact.mjs';
import { probeBlock } from './lib/probe.mjs';

const spec = JSON.parse(process.argv[2] ?? '{}');

// The packages measured: this repository's by default; `spec.nodeRoot` (the
// runner's --node-root / --ab-root) or SOUNDDEVICE_BENCH_NODE_ROOT points at
// another checkout's built packages (an A/B run of two builds).
const rootDir = spec.nodeRoot ?? process.env.SOUNDDEVICE_BENCH_NODE_ROOT;
const ROOT = rootDir ? pathToFileURL(`${path.resolve(rootDir)}/`) : new URL('../', import.meta.url);
const RAW = new URL('packages/raw/dist/index.js', ROOT).href;
const NUMERIC = new URL('packages/numeric/dist/index.js', ROOT).href;
const RATE = 48000;
const CHANNELS = 2;

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function procStatus(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * The allocation load of case 2: the main thread allocates without pause
 * in slices of `sliceMs`, yielding to the event loop between slices (or no
 * callback could ever run). A rolling window of retained objects keeps the
 * old generation churning, so major collections happen too.
 */
function startAllocationLoad(sliceMs, kind = 'alloc') {
  const keep = new Array(200_000).fill(null);
  let running = true;
  let i = 0;
  let slices = 0;
  const slice = () => {
    if (!running) return;
    const end = performance.now() + sliceMs;
    while (performance.now() < end) {
      if (kind === 'spin') continue; // analysis only: the same busy slices without allocating
      for (let k = 0; k < 200; k++) {
        i++;
        keep[(i * 7919) % keep.length] = { i, list: [i, i + 1, i + 2], text: `item ${i}` };
      }
      keep[i % keep.length] = new Float64Array(64);
    }
    slices++;
    setImmediate(slice);
  };
  setImmediate(slice);
  return () => {
    running = false;
    return { allocations: i, slices };
  };
}

async function jackSystemDevice(sd) {
  const apis = sd.queryHostApis();
  const devices = sd.queryDevices();
  const d = [...devices].find((x) => x.name === 'system' && /JACK/.test(apis[x.hostApi].name));
  if (!d) throw new Error('no JACK "system" device: is the bench JACK server running?');
  return d.index;
}

function jack(tool, ...args) {
  try {
    execFileSync(tool, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ---- case 1/2: callback and processor streams ---------------------------

async function streamCase(s) {
  const sd = await import(RAW);
  const device = await jackSystemDevice(sd);
  const counts = new Int32Array(new SharedArrayBuffer(16)); // callbacks, underflows, overflows
  const options = {
    device,
    channels: CHANNELS,
    dtype: 'float32',
    sampleRate: RATE,
    blockSize: s.blockSize,
    cushion: s.cushion,
  };
  if (s.mode === 'processor') {
    options.processor = new URL('./processor.mjs', import.meta.url);
    options.processorData = { counts: counts.buffer };
  } else {
    options.callback = (input, output, frames, time, status) => {
      output.set(input);
      counts[0]++;
      if (status.outputUnderflow) counts[1]++;
      if (status.inputOverflow) counts[2]++;
    };
  }
  const stream = new sd.RawStream(options);
  await stream.ready;
  const stopLoad = s.load ? startAllocationLoad(s.loadSliceMs, s.loadKind) : null;
  stream.start();
  await sleep(s.warmup * 1000);
  const read = () => ({ cpu: cpuSeconds(), t: performance.now(), frames: stream.framesProcessed, c: Atomics.load(counts, 0), u: Atomics.load(counts, 1), o: Atomics.load(counts, 2) });
  const a = read();
  await sleep(s.seconds * 1000);
  const b = read();
  const load = stopLoad?.();
  const latency = stream.latency;
  stream.abort();
  await stream.close();
  return {
    callbacks: Math.round((b.frames - a.frames) / s.blockSize),
    jsCallbacks: b.c - a.c,
    cpu: b.cpu - a.cpu,
    wall: (b.t - a.t) / 1000,
    underflows: b.u - a.u,
    overflows: b.o - a.o,
    totalUnderflows: Atomics.load(counts, 1),
    reportedLatency: latency,
    load,
  };
}

// ---- latency probe of a callback/processor stream (loopback) -------------

async function streamLatency(s) {
  const sd = await import(RAW);
  const device = await jackSystemDevice(sd);
  const state = new Float64Array(new SharedArrayBuffer(24)); // frame, emitAt, foundAt
  state[1] = Math.round(0.3 * RATE);
  state[2] = -1;
  const options = { device, channels: CHANNELS, dtype: 'float32', sampleRate: RATE, blockSize: s.blockSize, cushion: s.cushion };
  if (s.mode === 'processor') {
    options.processor = new URL('./probe-processor.mjs', import.meta.url);
    options.processorData = { state: state.buffer };
  } else {
    options.callback = probeBlock(state);
  }
  const stream = new sd.RawStream(options);
  await stream.ready;
  if (!jack('jack_connect', 'PortAudio:out_0', 'PortAudio:in_0')) throw new Error('jack_connect failed');
  stream.start();
  jack('jack_disconnect', 'system:capture_1', 'PortAudio:in_0');
  await sleep(1000 + (s.cushion * s.blockSize * 1000) / RATE);
  stream.abort();
  await stream.close();
  return { latency: state[2] < 0 ? -1 : state[2] - state[1] };
}

// ---- case 3: play() and rec() ---------------------------------------------

async function bufferCase(s) {
  const sd = await import(NUMERIC);
  const ndarray = createRequire(new URL('packages/numeric/package.json', ROOT))('ndarray');
  const device = await jackSystemDevice(sd);
  const frames = Math.round(s.seconds * RATE);
  let data;
  if (s.kind === 'play') {
    const samples = new Float32Array(frames * CHANNELS);
    for (let i = 0; i < samples.length; i++) samples[i] = ((i % 200) - 100) / 1000;
    data = ndarray(samples, [frames, CHANNELS]);
  }
  const stopLoad = s.load ? startAllocationLoad(s.loadSliceMs, s.loadKind) : null;
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  if (s.kind === 'play') await sd.play(data, { device, sampleRate: RATE, blocking: true });
  else await sd.rec(frames, { device, channels: CHANNELS, dtype: 'float32', sampleRate: RATE, blocking: true });
  const cpu = cpuSeconds() - cpu0;
  const wall = (performance.now() - t0) / 1000;
  const status = sd.getStatus();
  const load = stopLoad?.();
  return {
    cpu,
    wall,
    audioSeconds: s.seconds,
    flags: status.toString(),
    anyFlag: status.any,
    underflows: status.outputUnderflow ? 1 : 0,
    overflows: status.inputOverflow ? 1 : 0,
    load,
  };
}

// ---- case 4: playrec loopback latency ------------------------------------

async function playrecLatency() {
  const sd = await import(NUMERIC);
  const ndarray = createRequire(new URL('packages/numeric/package.json', ROOT))('ndarray');
  const device = await jackSystemDevice(sd);
  const frames = RATE; // 1 s: 0.25 s of silence, then an impulse
  const emitAt = Math.round(0.25 * RATE);
  const samples = new Float32Array(frames);
  samples[emitAt] = 1;
  const rec = sd.playrec(ndarray(samples, [frames, 1]), { device, sampleRate: RATE, channels: 1, dtype: 'float32' });
  // The stream's ports exist now: loop them while the leading silence plays.
  const connected = jack('jack_connect', 'PortAudio:out_0', 'PortAudio:in_0');
  jack('jack_disconnect', 'system:capture_1', 'PortAudio:in_0');
  await sd.wait();
  const out = rec.data;
  let found = -1;
  for (let i = 0; i < out.length; i++) {
    if (out[i] > 0.5) {
      found = i;
      break;
    }
  }
  return { latency: found < 0 ? -1 : found - emitAt, connected };
}

// ---- case 6: memory of rec() ----------------------------------------------

async function memoryCase(s) {
  const sd = await import(NUMERIC);
  const ndarray = createRequire(new URL('packages/numeric/package.json', ROOT))('ndarray');
  const device = sd.queryDevices('vzero', 'input').index;
  const frames = Math.round(s.minutes * 60 * RATE);
  const bytes = frames * CHANNELS * 4;
  globalThis.gc?.();
  const idle = procStatus('VmRSS');
  writeFileSync('/proc/self/clear_refs', '5'); // reset the peak (VmHWM) to now
  const t0 = performance.now();
  let result;
  if (s.preallocated) {
    const out = ndarray(new Float32Array(frames * CHANNELS), [frames, CHANNELS]);
    result = await sd.rec({ out, device, sampleRate: RATE, blocking: true });
  } else {
    result = await sd.rec(frames, { device, channels: CHANNELS, dtype: 'float32', sampleRate: RATE, blocking: true });
  }
  const peak = procStatus('VmHWM');
  const wall = (performance.now() - t0) / 1000;
  if (result.shape[0] !== frames) throw new Error(`recorded ${result.shape[0]} frames, not ${frames}`);
  return { idle, peak, bytes, ratio: (peak - idle) / bytes, wall };
}

// ---- case 7: blocking read/write ------------------------------------------

async function blockingCase(s) {
  const sd = await import(RAW);
  const device = await jackSystemDevice(sd);
  const stream = new sd.RawStream({ device, channels: CHANNELS, dtype: 'float32', sampleRate: RATE, blockSize: s.blockSize });
  const buffer = Buffer.alloc(s.blockSize * CHANNELS * 4);
  stream.start();
  let blocks = 0;
  let under = 0;
  let over = 0;
  let a;
  const t0 = performance.now();
  for (;;) {
    const now = performance.now();
    if (!a && now - t0 >= s.warmup * 1000) a = { cpu: cpuSeconds(), t: now, blocks, under, over };
    if (a && now - a.t >= s.seconds * 1000) break;
    if (s.sync) {
      const r = stream.readSync(s.blockSize);
      if (r.overflowed) over++;
      if (stream.writeSync(r.data)) under++;
    } else {
      const r = await stream.readInto(buffer);
      if (r.overflowed) over++;
      if (await stream.write(buffer)) under++;
    }
    blocks++;
  }
  const b = { cpu: cpuSeconds(), t: performance.now() };
  stream.abort();
  await stream.close();
  return { callbacks: blocks - a.blocks, cpu: b.cpu - a.cpu, wall: (b.t - a.t) / 1000, underflows: under - a.under, overflows: over - a.over };
}

// ---- case 8: exactness of blocking write()/read() on unpaced devices -------

/**
 * Writes `seconds` of the known signal to `vfile_out` with blocking writes of
 * `chunk` frames (or reads as much from `vfile_in`), timed from opening the
 * stream to its close; then (outside the timed span) checks the bytes.
 */
async function exactCase(s) {
  const sd = await import(RAW);
  const frames = Math.round(s.seconds * RATE);
  const fb = CHANNELS * 4;
  const out = s.direction === 'out';
  const data = out ? exactSignal(frames) : undefined;
  const got = out ? undefined : Buffer.alloc(frames * fb);
  const options = { device: out ? 'vfile_out' : 'vfile_in', channels: CHANNELS, dtype: 'float32', sampleRate: RATE };
  let under = 0;
  let over = 0;
  let calls = 0;
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  const stream = out ? new sd.RawOutputStream(options) : new sd.RawInputStream(options);
  stream.start();
  for (let f = 0; f < frames; f += s.chunk) {
    const n = Math.min(s.chunk, frames - f);
    if (out) {
      const part = data.subarray(f * fb, (f + n) * fb);
      if (s.sync ? stream.writeSync(part) : await stream.write(part)) under++;
    } else if (s.sync) {
      const r = stream.readSync(n);
      r.data.copy(got, f * fb);
      if (r.overflowed) over++;
    } else {
      const r = await stream.readInto(got.subarray(f * fb, (f + n) * fb));
      if (r.overflowed) over++;
    }
    calls++;
  }
  stream.stop();
  const unpaced = stream.unpaced;
  await stream.close();
  const cpu = cpuSeconds() - cpu0;
  const wall = (performance.now() - t0) / 1000;
  const check = out ? checkExactOutput(readFileSync(s.outFile), data) : checkExactInput(got, frames);
  return { cpu, wall, audioSeconds: frames / RATE, calls, underflows: under, overflows: over, unpaced, ...check };
}

// ---- reference: what one wake of Node's event loop costs ------------------

async function tickCase(s) {
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
  }, s.periodMs);
  await sleep(s.warmup * 1000);
  const a = { cpu: cpuSeconds(), t: performance.now(), ticks };
  await sleep(s.seconds * 1000);
  const b = { cpu: cpuSeconds(), t: performance.now(), ticks };
  clearInterval(timer);
  return { callbacks: b.ticks - a.ticks, cpu: b.cpu - a.cpu, wall: (b.t - a.t) / 1000, underflows: 0, overflows: 0 };
}

const CASES = {
  stream: streamCase,
  'stream-latency': streamLatency,
  buffer: bufferCase,
  'playrec-latency': playrecLatency,
  memory: memoryCase,
  blocking: blockingCase,
  exact: exactCase,
  tick: tickCase,
};

{
  // Keeps the event loop alive while a case awaits something that holds no
  // handle of its own (a processor stream's unref'd worker before start()).
  const keepAlive = setInterval(() => {}, 1 << 30);
  const run = CASES[spec.case];
  if (!run) {
    console.error(`unknown case ${spec.case}`);
    process.exit(2);
  }
  try {
    const result = await run(spec);
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    // PortAudio must leave the JACK server before the process ends.
    (await import(RAW)).terminate();
    process.exit(0);
  } catch (e) {
    process.stdout.write(`RESULT ${JSON.stringify({ error: String(e?.stack ?? e) })}\n`);
    process.exit(1);
  }
}
