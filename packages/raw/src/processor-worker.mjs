// The worker thread of a `processor` stream (plain ESM, shipped as is).
// It attaches to the native stream, imports the user's module, then loops:
// wait inside native code for blocks, run the processor on each, queue output.
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { NativeStream } = require('@sounddevice/native');

const { streamId, module, data, adapter, info } = workerData;

function post(error) {
  parentPort.postMessage({
    type: 'error',
    name: error?.name ?? 'Error',
    message: error?.message ?? String(error),
    stack: error?.stack,
  });
}

async function main() {
  const stream = NativeStream.attach(streamId);
  const mod = await import(module);
  const fn = typeof mod.default === 'function' ? mod.default : mod.process;
  if (typeof fn !== 'function') {
    throw new TypeError(`processor module ${module} must export a function as default or as "process"`);
  }
  if (typeof mod.init === 'function') await mod.init(data);
  const wrap = adapter ? await import(adapter) : null;
  const wrapInput = wrap ? (b, f) => wrap.wrapInput(b, f, info) : (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const wrapOutput = wrap ? (b, f) => wrap.wrapOutput(b, f, info) : (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

  const { inFrameBytes, outFrameBytes, direction } = info;
  const silence = info.outputDType === 'uint8' ? 0x80 : 0;
  let inBacking = new Uint8Array(Math.max(1, inFrameBytes * Math.max(info.blockSize, 1024)));
  let outBacking = new Uint8Array(Math.max(1, outFrameBytes * Math.max(info.blockSize, 1024)));
  const views = new Map();
  const meta = new Float64Array(7); // frames, status, three times, outputLate, blocks still ready
  const { CallbackFlags } = await import('@sounddevice/core');

  function viewsFor(frames) {
    let v = views.get(frames);
    if (!v) {
      if (frames * inFrameBytes > inBacking.byteLength) { inBacking = new Uint8Array(frames * inFrameBytes); views.clear(); }
      if (frames * outFrameBytes > outBacking.byteLength) { outBacking = new Uint8Array(frames * outFrameBytes); views.clear(); }
      const inBytes = inBacking.subarray(0, frames * inFrameBytes);
      const outBytes = outBacking.subarray(0, frames * outFrameBytes);
      v = {
        inBytes,
        outBytes,
        input: inFrameBytes > 0 ? wrapInput(inBytes, frames) : undefined,
        output: outFrameBytes > 0 ? wrapOutput(outBytes, frames) : undefined,
      };
      views.set(frames, v);
    }
    return v;
  }

  parentPort.postMessage({ type: 'ready' });
  const EMPTY = new Uint8Array(0);
  let seq = stream.seq;
  for (;;) {
    if (stream.closed) return;
    // One native call per block: it queues the previous block's output and
    // takes the next block (frames), 0 when none is ready, -frames when the
    // next block is larger than the buffers (blockSize 0).
    let frames = stream.exchange(EMPTY, inBacking, meta, true);
    let halted = false;
    while (frames !== 0) {
      if (frames < 0) {
        viewsFor(-frames);
        frames = stream.exchange(EMPTY, inBacking, meta, true);
        continue;
      }
      const v = viewsFor(frames);
      const time = { inputBufferAdcTime: meta[2], currentTime: meta[3], outputBufferDacTime: meta[4] };
      const status = new CallbackFlags(meta[1]);
      // Output for a slot the device already filled with silence is not
      // queued: it would push all later output back by a block.
      const queueOutput = outFrameBytes > 0 && meta[5] !== 1;
      if (outFrameBytes > 0) v.outBytes.fill(silence);
      try {
        let result;
        if (direction === 'duplex') result = fn(v.input, v.output, frames, time, status);
        else if (direction === 'input') result = fn(v.input, frames, time, status);
        else result = fn(v.output, frames, time, status);
        if (typeof result?.then === 'function') {
          // This loop waits for blocks inside native code and never lets the
          // worker's event loop run: a promise would never settle.
          result.then(undefined, () => {}); // (never runs; keeps Node quiet)
          throw new TypeError(
            `processor module ${module} returned a Promise: processors must be synchronous functions`,
          );
        }
      } catch (e) {
        if (e?.name === 'CallbackStop') {
          if (queueOutput) stream.exchange(v.outBytes, EMPTY, meta, false);
          stream.requestStop();
        } else if (e?.name === 'CallbackAbort') {
          stream.requestAbort();
        } else {
          // The main thread records the error, then aborts the stream, so
          // `finished` rejects with it (aborting here first could let the
          // 'finished' notification overtake the error message).
          post(e);
        }
        halted = true;
        break;
      }
      frames = stream.exchange(queueOutput ? v.outBytes : EMPTY, inBacking, meta, true);
    }
    if (halted) {
      // No more callbacks this run; wait for the stream to be closed or restarted.
      seq = waitForRestart(stream, seq);
      if (stream.closed) return; // (blocks queued before the close are stale)
      continue;
    }
    seq = stream.waitBlocks(seq);
  }
}

/** After CallbackStop/Abort/an error: skip blocks until the stream is closed or restarted. */
function waitForRestart(stream, seq) {
  while (!stream.closed && !stream.finished) seq = stream.waitBlocks(seq);
  while (!stream.closed && stream.finished) seq = stream.waitBlocks(seq);
  return seq;
}

main().catch((e) => post(e));
