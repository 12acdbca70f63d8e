// The main job in one command: list the devices, play a tone and record it
// back. On a machine without a sound card (CI, containers, WSL) the virtual
// testbed is started first and the tone goes through the JACK loopback.
import { existsSync, readFileSync } from 'node:fs';
import { RawStream, defaults, queryDevices, terminate } from '@sounddevice/raw';
import { jackConnect, jackDisconnect, jackConnections, startTestbed, stopTestbed } from '@sounddevice/testbed';

const RATE = 48000;
const FREQUENCY = 440;

function hasSoundCard() {
  return existsSync('/proc/asound/cards') && !readFileSync('/proc/asound/cards', 'utf8').includes('no soundcards');
}

const virtual = process.env.SOUNDDEVICE_DEMO_VIRTUAL === '1' || (process.platform === 'linux' && !hasSoundCard());
let testbed;
if (virtual) {
  console.log('No sound card here: starting the virtual testbed (ALSA file devices + JACK dummy server).');
  testbed = await startTestbed({ jackRate: RATE });
}

console.log('\nDevices:');
console.log(queryDevices().toString());

const device = virtual ? 'system' : defaults.device;
const stream = new RawStream({ device, channels: 1, dtype: 'float32', sampleRate: RATE, blockSize: 256 });
if (virtual) {
  // Loop the stream's output back into its input inside JACK.
  await jackConnect('PortAudio:out_0', 'PortAudio:in_0');
}
const seconds = 1;
const tone = new Float32Array(RATE * seconds);
for (let i = 0; i < tone.length; i++) tone[i] = 0.3 * Math.sin((2 * Math.PI * FREQUENCY * i) / RATE);

stream.start();
if (virtual) {
  for (const [from, to] of await jackConnections()) {
    if (from.startsWith('PortAudio:') !== to.startsWith('PortAudio:')) await jackDisconnect(from, to);
  }
}
const tail = new Float32Array(RATE / 4);
const writing = stream.write(tone).then(() => stream.write(tail));
const { data } = await stream.read(tone.length + tail.length);
await writing;
stream.stop();
await stream.close();

const recorded = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
const start = recorded.findIndex((v) => Math.abs(v) > 0.01);
let level = 0;
let crossings = 0;
if (start >= 0) {
  const window = recorded.subarray(start, start + RATE / 2);
  for (let i = 1; i < window.length; i++) if (window[i - 1] < 0 && window[i] >= 0) crossings++;
  level = Math.sqrt(window.reduce((sum, v) => sum + v * v, 0) / window.length);
}
const where = virtual ? "JACK's system device, looped back" : 'the default devices';
console.log(`\nPlayed ${seconds} s of a ${FREQUENCY} Hz tone through ${where}.`);
if (start < 0) console.log('Recorded silence: is a microphone or loopback connected?');
else {
  console.log(`Recorded it back: about ${crossings * 2} Hz, level ${(20 * Math.log10(level)).toFixed(1)} dBFS, ` +
    `${start} samples (${((start / RATE) * 1000).toFixed(1)} ms) after the start.`);
}
// PortAudio must let go of the JACK server before the testbed stops it.
terminate();
if (testbed?.jack.startedNow) await stopTestbed();
