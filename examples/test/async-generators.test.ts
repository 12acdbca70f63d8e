/**
 * async-generators on JACK: the input generator's blocks are seen (their
 * minimum and maximum are printed), the pair generator wires input to output
 * bit-exact, and the countdown ends with the wire cancelled.
 *
 * This process runs one full-duplex stream for the whole test: its output
 * plays a periodic sequence into the example's inputs, its input records the
 * example's outputs.
 */
import * as sd from '@sounddevice/numeric';
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAll, newPorts, portsNow } from './jack.js';
import { type Running, runExample, startExample } from './run.js';

const RATE = 48000;
const PERIOD = 256;
/** One period: every value k/256 - 0.5 once (37 is prime to 256), so any 256 frames hold min -0.5 and max 127/256. */
const SEQUENCE = Float32Array.from({ length: PERIOD }, (_, k) => (((k * 37) % PERIOD) - 128) / 256);

let running: Running | undefined;
afterEach(async () => {
  sd.stop();
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
});

/** The longest run of `recorded` that continues SEQUENCE (at any phase). */
function longestSequenceRun(recorded: Float32Array): number {
  let best = 0;
  let run = 0;
  let phase = -1;
  for (let k = 0; k < recorded.length; k++) {
    const v = recorded[k]!;
    if (phase >= 0 && v === SEQUENCE[(phase + 1) % PERIOD]) {
      phase = (phase + 1) % PERIOD;
      run++;
    } else {
      phase = v === -0.5 ? SEQUENCE.indexOf(-0.5) : -1; // -0.5 occurs once a period: a new start
      run = phase >= 0 ? 1 : 0;
    }
    best = Math.max(best, run);
  }
  return best;
}

describe('async-generators', () => {
  it('--help, exit code 0', async () => {
    const r = await runExample('async-generators', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: async-generators \[options\]/);
    expect(r.stdout).toMatch(/-b, --blocksize <N>\s+block size of the wire \(default: 1024\)/);
  });

  it('prints min/max of the input blocks, wires input to output bit-exact, cancels the wire after the countdown', async () => {
    // 16 s of the periodic sequence out, and a recording of as long.
    const frames = 16 * RATE;
    const data = new Float32Array(frames);
    for (let k = 0; k < frames; k++) data[k] = SEQUENCE[k % PERIOD]!;
    const beforeMine = await portsNow();
    const recording = sd.playrec(ndarray(data, [frames, 1]), { device: 'system', channels: 1, sampleRate: RATE });
    const mine = await newPorts(beforeMine, { ins: 1, outs: 1 });

    const before = await portsNow();
    running = startExample('async-generators', ['-i', 'system', '-o', 'system']);
    const input = await newPorts(before, { ins: 1 });
    await connectAll(mine.outs, input.ins, 1);

    await running.waitFor('activating wire');
    const wire = await newPorts(new Set([...before, ...input.ins]), { ins: 1, outs: 1 });
    await connectAll(mine.outs, wire.ins, 1);
    await connectAll(wire.outs, mine.ins, 1);

    const r = await running.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('Some information about the input signal:');
    const infos = out.filter((l) => l.startsWith('min: '));
    expect(infos.length).toBeGreaterThan(100); // 2 s of blocks
    for (const line of infos) expect(line).toMatch(/^min: (-?[\d.e-]+)\tmax: (-?[\d.e-]+)$/);
    // Once connected, every block holds a whole period of the sequence.
    expect(infos.filter((l) => l === 'min: -0.5\tmax: 0.49609375').length).toBeGreaterThan(50);
    // Status lines (xruns on a busy machine) may come in between, as in Python's example.
    const tail = out.slice(out.indexOf('Enough of that, activating wire ...')).filter((l) => !/^(?:input underflow|input overflow|output underflow|output overflow|priming output)(?:, (?:input underflow|input overflow|output underflow|output overflow|priming output))*$/.test(l));
    expect(tail).toEqual(['Enough of that, activating wire ...', '', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1', 'wire was cancelled', '']);

    sd.stop();
    // What came back through the wire: the sequence, unchanged, for seconds on end.
    expect(longestSequenceRun(recording.data as Float32Array)).toBeGreaterThan(2 * RATE);
  });
});
