// One stream of bench/resample.mjs in its own process: an output callback
// stream on JACK's `system` device that only zero-fills, at `rate` (converted
// when the 48 kHz server lacks it). Prints `RESULT {cpuMsPerS, underflows}`:
// process CPU per second of audio over `seconds`, after a warm-up.
import { RawOutputStream } from '@sounddevice/raw';

const [rate, quality, seconds] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
let underflows = 0;
const stream = new RawOutputStream({
  device: 'system',
  channels: 2,
  dtype: 'float32',
  sampleRate: rate,
  blockSize: 256,
  resample: true,
  resampleQuality: quality,
  callback: (outdata, _frames, _time, status) => {
    if (status.outputUnderflow) underflows++;
    outdata.fill(0);
  },
});
stream.start();
await new Promise((r) => setTimeout(r, 500));
underflows = 0;
const before = process.cpuUsage();
await new Promise((r) => setTimeout(r, seconds * 1000));
const used = process.cpuUsage(before);
await stream.close();
const cpuMs = (used.user + used.system) / 1000;
console.log(`RESULT ${JSON.stringify({ cpuMsPerS: cpuMs / seconds, underflows })}`);
