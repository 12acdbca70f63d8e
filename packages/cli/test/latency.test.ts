import { describe, expect, inject, it } from 'vitest';
import type { TestbedInfo } from '@sounddevice/testbed';
import { hasStack, runBin } from './run-bin.js';

const testbed = inject('sounddeviceTestbed' as never) as TestbedInfo;

describe('sounddevice latency', () => {
  it('--jack-loopback with PortAudio choosing the block size: exactly one JACK period', async () => {
    // A JACK client that feeds its own input gets the output of a cycle in the next
    // cycle: the round trip is one period (256 frames on the testbed), on every run.
    const period = testbed.jack.period;
    const r = await runBin(['latency', '--device', 'system', '--jack-loopback']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ms = ((1000 * period) / 48000).toFixed(3);
    expect(r.stdout.split('\n')[0]).toBe(`Round-trip latency: ${period} samples = ${ms} ms at 48000 Hz`);
    expect(r.stdout).toMatch(/\(JACK loopback\), block size variable; match 100\.0 %;/);
  });

  it.each([128, 512])('--jack-loopback with --blocksize %i: one JACK period plus one block', async (block) => {
    // With a fixed block size PortAudio's JACK host API adapts its blocks to JACK's
    // periods through one block of buffering, which the round trip adds (and which
    // PortAudio includes in the output latency it reports).
    const period = testbed.jack.period;
    const r = await runBin(['latency', '-d', 'system', '--jack-loopback', '--blocksize', String(block)]);
    expect(r.code).toBe(0);
    const samples = period + block;
    expect(r.stdout.split('\n')[0]).toBe(`Round-trip latency: ${samples} samples = ${((1000 * samples) / 48000).toFixed(3)} ms at 48000 Hz`);
    expect(r.stdout).toContain(`output ${((1000 * samples) / 48000).toFixed(3)} ms`);
  });

  it('says so in one line when nothing connects output to input', async () => {
    const r = await runBin(['latency', '--device', 'system', '--max-latency', '0.2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sounddevice: error: did not find the test signal in the input \(best match \d+ %\): connect output channel 1 of .* or use --jack-loopback\n$/);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it('--jack-loopback on a device that is not JACK is a usage error', async () => {
    const r = await runBin(['latency', '--device', 'vfile_in,vfile_out', '--jack-loopback']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sounddevice: error: --jack-loopback needs one JACK device/);
  });
});
