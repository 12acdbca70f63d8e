/**
 * Property-based (fast-check): random option objects and random data shapes
 * thrown at every public constructor and function — the six stream classes
 * and RawBufferStream, their methods, play/rec/playrec/wait/stop/getStatus/
 * getStream, queryDevices/queryHostApis, checkInputSettings/
 * checkOutputSettings, every `defaults` setter, sleep, the host-API
 * settings classes, CallbackFlags, createReadable/createWritable,
 * reinitialize/terminate. Whatever comes in, only TypeError, RangeError
 * (DeviceNotFoundError and AmbiguousDeviceError are RangeErrors) or
 * PortAudioError come out, and the process never crashes (a crash ends this
 * test file). Streams a case opened are closed after it.
 *
 * The values mix the plausible (device names and indices, channel counts,
 * every dtype, common rates, 'low'/'high'), the extreme (0, -1, NaN,
 * ±Infinity, 2^31, 2^53, huge rates and latencies, huge block sizes and
 * cushions) and anything at all (fast-check's `anything()`: objects,
 * arrays, symbols, bigints, null-prototype objects, …).
 *
 * CI: 20–200 runs per property (a few thousand calls). Long: 20× as many.
 */
import fc from 'fast-check';
import ndarray from 'ndarray';
import * as sd from '@sounddevice/numeric';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LONG, collectGarbage, fixture, portAudioPorts, within } from './helpers.js';

const runs = (n: number): number => (LONG ? n * 20 : n);
const SEED = Number(process.env.SOUNDDEVICE_FUZZ_SEED ?? 20_260_424);

/** Every stream a case opened, to close it afterwards. */
const opened: Array<{ close(): Promise<void> | void; closed?: boolean }> = [];
/** Streams that opened, for the report. */
let streamsOpened = 0;
/** Error classes seen, for the report. */
const seen = new Map<string, number>();

function allowed(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof sd.PortAudioError;
}

/** Runs `fn`; a thrown error or rejected promise must be of an allowed class. */
async function call(what: string, fn: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = fn();
    if (result instanceof Promise) result = await result;
  } catch (e) {
    seen.set((e as Error)?.constructor?.name ?? typeof e, (seen.get((e as Error)?.constructor?.name ?? typeof e) ?? 0) + 1);
    if (!allowed(e)) {
      throw new Error(`${what} threw ${(e as Error)?.constructor?.name ?? typeof e}: ${String((e as Error)?.message ?? e)}`, { cause: e });
    }
    if ((e as Error).message === '' || (e as Error).message === undefined) throw new Error(`${what} threw an error without a message`);
    return e;
  }
  if (result instanceof sd.StreamBase) {
    openedBy.set(result, `${what} in ${currentCase}`);
    opened.push(result);
    streamsOpened++;
  }
  return result;
}

/** What opened each stream, for the report of a close that hangs. */
const openedBy = new WeakMap<object, string>();
let currentCase = '';

async function cleanUp(): Promise<void> {
  try {
    sd.stop();
  } catch {
    // (checked elsewhere)
  }
  for (const s of opened.splice(0)) {
    const t0 = performance.now();
    await within(Promise.resolve(s.close()), 10_000, `close() of a stream opened by ${openedBy.get(s) ?? '?'}`);
    const ms = performance.now() - t0;
    if (ms > 1000) console.log(`fuzz: slow close (${Math.round(ms)} ms) of a stream opened by ${openedBy.get(s) ?? '?'}`);
  }
  sd.defaults.reset();
}

// ---- arbitraries ---------------------------------------------------------

const extremes = fc.constantFrom<unknown>(
  undefined, null, NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1, 1.5, 2, 2 ** 31, 2 ** 32 + 1, 2 ** 53, -(2 ** 31), 1e9, 1e-9,
  '', ' ', 'abc', '0', '1e3', true, false, [], [1], [1, 2, 3], {}, 10n, Symbol('x'), () => 0,
  new Float32Array(3), new ArrayBuffer(8), Object.create(null),
);
const anything = fc.oneof({ weight: 3, arbitrary: extremes }, { weight: 1, arbitrary: fc.anything({ withNullPrototype: true, withBigInt: true, maxDepth: 2 }) });
/** A plausible value mostly, anything sometimes. */
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof({ weight: 9, arbitrary: a }, { weight: 1, arbitrary: anything });
const pairOf = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | [T, T]> => fc.oneof(a, fc.tuple(a, a));

const deviceNames = fc.constantFrom('system', 'vnull', 'vfile_out', 'vfile_in', 'vzero', 'default', 'v', 'null', 'no such device', 'SYSTEM', 'file');
const device = maybe(pairOf(fc.oneof(fc.integer({ min: -3, max: 12 }), deviceNames)));
const channels = maybe(pairOf(fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constantFrom(0, 128, 129, 1000, 2 ** 31))));
const dtypes = fc.constantFrom('float32', 'int32', 'int24', 'int16', 'int8', 'uint8', 'float64', 'float16', 'FLOAT32', '');
const dtype = maybe(pairOf(dtypes));
const sampleRate = maybe(fc.oneof(fc.constantFrom(8000, 22050, 44100, 48000, 96000, 192000, 1, 0, -48000, 1e9, 48000.5), fc.double({ min: -1e10, max: 1e10 })));
const blockSize = maybe(fc.oneof(fc.constantFrom(0, 1, 64, 256, 1024, 4096, 8192, 65536, 2 ** 20, 2 ** 31, -256, 256.5), fc.integer({ min: 0, max: 16384 })));
const latency = maybe(pairOf(fc.oneof(fc.constantFrom('low', 'high', 'medium', 0, 0.001, 0.1, 1, 10, 1e6, -0.1), fc.double({ min: 0, max: 100 }))));
const flag = maybe(fc.boolean());
const cushion = maybe(fc.constantFrom(0, 1, 2, 8, 64, 1000, 1e6, 2 ** 31, -1, 1.5));
const processorPath = maybe(fc.constantFrom(fixture('noop-processor.mjs'), fixture('processor-throws.mjs'), '/nonexistent/processor.mjs', 'relative/x.mjs', 'data:text/javascript,export default () => {}'));
const settings = fc.oneof(
  fc.constant(new sd.AsioSettings({ channelSelectors: [0] })),
  fc.constant(new sd.CoreAudioSettings({})),
  fc.constant(new sd.WasapiSettings({ exclusive: true })),
  anything,
);

/**
 * A stream options object: any subset of the real keys, each plausible or
 * (sometimes) anything; sometimes with an unknown key; sometimes not an
 * object at all. Plausible combinations open real streams.
 */
const streamOptionsRecord = (extra: boolean) =>
  fc.record(
    {
      device,
      channels,
      dtype,
      sampleRate,
      blockSize,
      latency,
      extraSettings: maybe(pairOf(settings)),
      callback: maybe(fc.constant(() => {})),
      finishedCallback: maybe(fc.constant(() => {})),
      clipOff: flag,
      ditherOff: flag,
      neverDropInput: flag,
      primeOutputBuffersUsingStreamCallback: flag,
      cushion,
      processor: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: processorPath }),
      processorData: anything,
      ...(extra ? { notAnOption: anything } : {}),
    },
    { requiredKeys: [] },
  );
/** Options that are all valid (in type and range; the device may still refuse). */
const validOptions = fc.record(
  {
    device: fc.constantFrom('system', 'vnull', 'vzero', 'vfile_out', 'default', undefined),
    channels: fc.integer({ min: 1, max: 2 }),
    dtype: fc.constantFrom('float32', 'int32', 'int16', 'int8', 'uint8'),
    sampleRate: fc.constantFrom(undefined, 44100, 48000),
    blockSize: fc.constantFrom(0, 64, 256, 1000, 4096),
    latency: fc.constantFrom('low', 'high', 0.05, undefined),
    callback: fc.constantFrom(undefined, () => {}),
    cushion: fc.integer({ min: 0, max: 64 }),
    clipOff: fc.boolean(),
    ditherOff: fc.boolean(),
  },
  { requiredKeys: [] },
);
const streamOptions = fc.oneof(
  { weight: 6, arbitrary: validOptions },
  { weight: 6, arbitrary: streamOptionsRecord(false) },
  { weight: 1, arbitrary: streamOptionsRecord(true) },
  { weight: 1, arbitrary: anything },
);

/** Audio data in every form, well-formed or not. */
const audioData: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 0, max: 2048 }).map((n) => new Float32Array(n).fill(0.25)),
  fc.integer({ min: 0, max: 2048 }).map((n) => new Float64Array(n).fill(-0.5)),
  fc.integer({ min: 0, max: 512 }).map((n) => new Int16Array(n * 2).fill(1000)),
  fc.integer({ min: 0, max: 512 }).map((n) => new Int32Array(n)),
  fc.integer({ min: 0, max: 512 }).map((n) => new Uint8Array(n).fill(128)),
  fc.integer({ min: 0, max: 512 }).map((n) => new Int8Array(n)),
  fc.integer({ min: 0, max: 64 }).map((n) => new Uint16Array(n)),
  fc.integer({ min: 0, max: 64 }).map((n) => new BigInt64Array(n)),
  fc.integer({ min: 0, max: 64 }).map((n) => new Uint8ClampedArray(n)),
  fc.array(fc.oneof(fc.double(), fc.integer(), anything), { maxLength: 64 }),
  fc.array(fc.array(fc.oneof(fc.double({ min: -2, max: 2 }), anything), { maxLength: 4 }), { maxLength: 64 }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }).map((n) => new Float32Array(n)), anything), { maxLength: 4 }),
  // ndarrays with any shape, stride and offset — also ones that point
  // outside their data, or at data of the wrong kind.
  fc
    .record({
      n: fc.integer({ min: 0, max: 600 }),
      shape: fc.array(fc.integer({ min: -2, max: 300 }), { minLength: 0, maxLength: 3 }),
      stride: fc.option(fc.array(fc.integer({ min: -400, max: 400 }), { minLength: 0, maxLength: 3 }), { nil: undefined }),
      offset: fc.option(fc.integer({ min: -10, max: 2000 }), { nil: undefined }),
      kind: fc.constantFrom('float32', 'int16', 'float64', 'array', 'uint16'),
    })
    .map(({ n, shape, stride, offset, kind }) => {
      const data =
        kind === 'float32' ? new Float32Array(n) : kind === 'int16' ? new Int16Array(n) : kind === 'float64' ? new Float64Array(n) : kind === 'uint16' ? new Uint16Array(n) : new Array<number>(n).fill(0);
      try {
        return ndarray(data as Float32Array, shape, stride, offset);
      } catch {
        return { data, shape, stride, offset };
      }
    }),
  // AudioBuffer-like objects, honest or not.
  fc.record({ channels: fc.integer({ min: -1, max: 4 }), len: fc.integer({ min: 0, max: 600 }), liar: fc.boolean() }).map(({ channels: c, len, liar }) => ({
    numberOfChannels: c,
    length: len,
    sampleRate: 48000,
    getChannelData: (i: number) => (liar ? (i === 0 ? new Float32Array(len) : 'nope') : new Float32Array(len)),
  })),
  anything,
);

/** Options of play/rec/playrec that are all valid in type and range. */
const validCallOptions = fc.record(
  {
    device: fc.constantFrom('system', 'vnull', 'vzero', 'vfile_out', 'vfile_in', undefined),
    channels: fc.integer({ min: 1, max: 2 }),
    dtype: fc.constantFrom('float32', 'int16', 'float64', undefined),
    sampleRate: fc.constantFrom(44100, 48000),
    blockSize: fc.constantFrom(0, 256),
    mapping: fc.constantFrom(undefined, [1], [2, 1], 1),
    blocking: fc.constantFrom(false, false, true),
  },
  { requiredKeys: ['sampleRate'] },
);
const callOptions = fc.oneof(
  { weight: 6, arbitrary: validCallOptions },
  { weight: 5, arbitrary: fc.record(
    {
      device,
      channels,
      dtype,
      sampleRate,
      blockSize,
      latency,
      mapping: maybe(fc.oneof(fc.integer({ min: -1, max: 5 }), fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 4 }))),
      inputMapping: maybe(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 4 })),
      outputMapping: maybe(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 4 })),
      blocking: maybe(fc.boolean()),
      loop: flag,
      out: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: audioData }),
    },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: anything },
);

// ---- properties ------------------------------------------------------------

const CLASSES = {
  Stream: (o: unknown) => new sd.Stream(o as never),
  InputStream: (o: unknown) => new sd.InputStream(o as never),
  OutputStream: (o: unknown) => new sd.OutputStream(o as never),
  RawStream: (o: unknown) => new sd.RawStream(o as never),
  RawInputStream: (o: unknown) => new sd.RawInputStream(o as never),
  RawOutputStream: (o: unknown) => new sd.RawOutputStream(o as never),
};

afterEach(async () => {
  await cleanUp();
});

afterAll(async () => {
  await collectGarbage();
  console.log(`fuzz: ${streamsOpened} streams opened; errors seen ${JSON.stringify(Object.fromEntries(seen))}`);
  expect(await portAudioPorts()).toEqual([]);
});

describe('random input never gives anything but TypeError, RangeError or PortAudioError', () => {
  it.each(Object.keys(CLASSES))('new %s(random options), then a random method with random arguments', async (name) => {
    const make = CLASSES[name as keyof typeof CLASSES];
    await fc.assert(
      fc.asyncProperty(
        streamOptions,
        fc.constantFrom('start', 'stop', 'abort', 'read', 'readSync', 'readInto', 'write', 'writeSync', 'close', 'takeStatus', 'attributes'),
        audioData,
        anything,
        async (options, method, data, arg) => {
          currentCase = `${name} ${fc.stringify(options)} then ${method}`;
          const t0 = performance.now();
          try {
            await streamCase(options, method, data, arg);
          } finally {
            const ms = performance.now() - t0;
            if (ms > 1000) console.log(`fuzz: slow case (${Math.round(ms)} ms): ${currentCase}`);
          }
        },
      ).afterEach(cleanUp),
      { numRuns: runs(name.startsWith('Raw') ? 100 : 60), seed: SEED, endOnFailure: true },
    );

    async function streamCase(options: unknown, method: string, data: unknown, arg: unknown): Promise<void> {
          const s = (await call(`new ${name}`, () => make(options))) as sd.StreamBase<unknown, unknown> | Error;
          if (!(s instanceof sd.StreamBase)) return;
          const any = s as unknown as Record<string, (...a: unknown[]) => unknown>;
          if (method === 'attributes') {
            for (const attr of ['active', 'stopped', 'closed', 'sampleRate', 'blockSize', 'device', 'channels', 'dtype', 'sampleSize', 'latency', 'cpuLoad', 'time', 'readAvailable', 'writeAvailable', 'cushion']) {
              await call(`${name}.${attr}`, () => (s as unknown as Record<string, unknown>)[attr]);
            }
          } else if (method === 'write' || method === 'writeSync' || method === 'readInto') {
            if (typeof any[method] === 'function') await call(`${name}.${method}(data)`, () => any[method]!.call(s, data));
          } else if (method === 'read' || method === 'readSync') {
            if (typeof any[method] === 'function') {
              s.start?.();
              await call(`${name}.${method}(arg)`, () => any[method]!.call(s, typeof arg === 'number' ? Math.min(Math.abs(arg), 4096) : arg));
            }
          } else {
            await call(`${name}.${method}()`, () => any[method]!.call(s));
          }
    }
  });

  it('new RawBufferStream(random direction, options, transfer)', async () => {
    await fc.assert(
      fc.asyncProperty(
        maybe(fc.constantFrom('input', 'output', 'duplex')),
        streamOptions,
        fc.record({ play: maybe(fc.record({ bytes: maybe(fc.uint8Array({ maxLength: 4096 })), channels: maybe(fc.integer({ min: -1, max: 4 })), map: maybe(fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 4 })), loop: flag }, { requiredKeys: [] })), rec: maybe(fc.record({ bytes: maybe(fc.uint8Array({ maxLength: 4096 })), map: maybe(fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 4 })) }, { requiredKeys: [] })) }, { requiredKeys: [] }),
        async (direction, options, transfer) => {
          const s = await call('new RawBufferStream', () => new sd.RawBufferStream(direction as never, options as never, transfer as never));
          if (s instanceof sd.StreamBase) await call('RawBufferStream.start', () => s.start());
        },
      ).afterEach(cleanUp),
      { numRuns: runs(150), seed: SEED, endOnFailure: true },
    );
  });

  it('play(), rec(), playrec() with random data and options, then wait(), stop(), getStatus(), getStream()', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('play', 'rec', 'playrec'),
        audioData,
        callOptions,
        anything,
        maybe(fc.record({ ignoreErrors: maybe(fc.boolean()) }, { requiredKeys: [] })),
        async (fn, data, options, frames, waitOptions) => {
          if (fn === 'play') await call('play', () => sd.play(data as never, options as never));
          else if (fn === 'playrec') await call('playrec', () => sd.playrec(data as never, options as never));
          else await call('rec', () => sd.rec((typeof frames === 'number' ? frames : data) as never, options as never));
          try {
            await call('getStatus', () => sd.getStatus());
          } catch (e) {
            // "not called yet": a plain Error, documented for getStatus/getStream only
            if (!/not called yet/.test(String((e as Error).cause))) throw e;
          }
          await call('wait', () => Promise.race([sd.wait(waitOptions as never), new Promise((r) => setTimeout(r, 50))]));
          await call('stop', () => sd.stop(waitOptions as never));
          try {
            sd.getStream();
          } catch (e) {
            // "not called yet": a plain Error is documented for getStream/getStatus only
            if (!(e instanceof Error) || !/not called yet/.test(e.message)) throw e;
          }
        },
      ).afterEach(cleanUp),
      { numRuns: runs(200), seed: SEED, endOnFailure: true },
    );
  });

  it('queryDevices, queryHostApis, checkInputSettings, checkOutputSettings, sampleSize with random arguments', async () => {
    await fc.assert(
      fc.asyncProperty(anything, fc.oneof(device, anything), fc.oneof(fc.constantFrom('input', 'output', 'duplex', 'INPUT'), anything), streamOptions, async (a, d, kind, options) => {
        await call('queryDevices(d, kind)', () => sd.queryDevices(d as never, kind as never));
        await call('queryDevices(a)', () => sd.queryDevices(a as never));
        await call('queryHostApis(a)', () => sd.queryHostApis(a as never));
        await call('checkInputSettings', () => sd.checkInputSettings(options as never));
        await call('checkOutputSettings', () => sd.checkOutputSettings(options as never));
        await call('sampleSize', () => sd.sampleSize(a as never));
      }).afterEach(cleanUp),
      { numRuns: runs(200), seed: SEED, endOnFailure: true },
    );
  });

  it('every defaults setter with random values; defaults keep working', async () => {
    const keys = ['device', 'channels', 'dtype', 'latency', 'extraSettings', 'sampleRate', 'blockSize', 'clipOff', 'ditherOff', 'neverDropInput', 'primeOutputBuffersUsingStreamCallback', 'hostApi'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.oneof(device, channels, dtype, latency, sampleRate, blockSize, flag, settings, anything), fc.boolean(), async (key, value, openAfter) => {
        await call(`defaults.${key} = value`, () => {
          (sd.defaults as unknown as Record<string, unknown>)[key] = value;
        });
        await call(`defaults.${key}[0] = value`, () => {
          const v = (sd.defaults as unknown as Record<string, unknown>)[key];
          if (Array.isArray(v) || (typeof v === 'object' && v !== null && 0 in v)) (v as unknown as unknown[])[0] = value;
        });
        await call(`defaults.${key} read`, () => String((sd.defaults as unknown as Record<string, unknown>)[key]));
        // The defaults are used: a stream opened with them works or fails clearly.
        if (openAfter) await call('new OutputStream() with those defaults', () => new sd.RawOutputStream({ device: 'vnull' }));
        await call('defaults.reset()', () => sd.defaults.reset());
      }).afterEach(cleanUp),
      { numRuns: runs(200), seed: SEED, endOnFailure: true },
    );
  });

  it('sleep, the host-API settings classes, CallbackFlags, createReadable/createWritable with random arguments', async () => {
    await fc.assert(
      fc.asyncProperty(anything, anything, async (a, b) => {
        await call('sleep', () => Promise.race([sd.sleep((typeof a === 'number' ? Math.min(a, 5) : a) as never, b as never), new Promise((r) => setTimeout(r, 10))]));
        await call('new AsioSettings', () => new sd.AsioSettings(a as never));
        await call('new CoreAudioSettings', () => new sd.CoreAudioSettings(a as never));
        await call('new WasapiSettings', () => new sd.WasapiSettings(a as never));
        await call('new CallbackFlags', () => new sd.CallbackFlags(a as never));
        await call('createReadable', () => sd.createReadable(a as never, b as never));
        await call('createWritable', () => sd.createWritable(a as never, b as never));
      }).afterEach(cleanUp),
      { numRuns: runs(200), seed: SEED, endOnFailure: true },
    );
  });

  it('reinitialize() and terminate() with random options, with streams open and running', async () => {
    await fc.assert(
      fc.asyncProperty(anything, fc.boolean(), fc.constantFrom('reinitialize', 'terminate', 'initialize'), async (options, running, fn) => {
        const s = (await call('a stream', () => new sd.RawOutputStream({ device: 'vnull', channels: 1, callback: () => {} }))) as sd.RawOutputStream;
        if (running && s instanceof sd.StreamBase) s.start();
        await call(fn, () => (sd as unknown as Record<string, (o: unknown) => unknown>)[fn]!(options));
        expect(sd.queryDevices().length).toBeGreaterThan(0); // PortAudio usable again
      }).afterEach(cleanUp),
      { numRuns: runs(20), seed: SEED, endOnFailure: true },
    );
  });
});

