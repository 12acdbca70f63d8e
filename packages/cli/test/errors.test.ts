import { describe, expect, it } from 'vitest';
import { hasStack, runBin } from './run-bin.js';

/** Exactly one `sounddevice: error: …` line on stderr, nothing on stdout. */
function expectOneErrorLine(r: { stdout: string; stderr: string }): string {
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n');
  expect(lines.at(-1)).toBe('');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^sounddevice: error: \S/);
  expect(hasStack(r.stderr)).toBe(false);
  return lines[0]!;
}

describe('user mistakes: one line on stderr, no stack trace', () => {
  it('unknown device: exit 1, the line names the query and lists the candidates', async () => {
    const r = await runBin(['tone', '--device', 'no such device', '--duration', '0.1']);
    expect(r.code).toBe(1);
    const line = expectOneErrorLine(r);
    expect(line).toContain("No output device matching 'no such device'");
    expect(line).toContain("'vfile_out, ALSA'");
  });

  it('ambiguous device and device index out of range: exit 1', async () => {
    const ambiguous = await runBin(['tone', '--device', 'v', '--duration', '0.1']);
    expect(ambiguous.code).toBe(1);
    expect(expectOneErrorLine(ambiguous)).toMatch(/Multiple output devices found for 'v'.*matches: .*'vzero, ALSA'/);
    const index = await runBin(['tone', '--device', '999', '--duration', '0.1']);
    expect(index.code).toBe(1);
    expect(expectOneErrorLine(index)).toContain('got 999');
  });

  it('a rate the device does not support: PortAudio says so in one line, exit 1', async () => {
    const r = await runBin(['tone', '--device', 'system', '--samplerate', '44100', '--duration', '0.1', '--no-resample']);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toMatch(
      /Invalid sample rate: 44100 Hz; the device supports 48000 Hz\. Leave out --no-resample to run the device at a rate it supports and convert \[PaErrorCode -9997\]/,
    );
  });

  it('SOUNDDEVICE_DEBUG_STACK=1 adds the stack trace', async () => {
    const r = await runBin(['tone', '--device', 'no such device'], { SOUNDDEVICE_DEBUG_STACK: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sounddevice: error: No output device matching/);
    expect(hasStack(r.stderr)).toBe(true);
  });
});

describe('usage errors: exit 2', () => {
  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['devics'], 'Did you mean devices?'],
    [['devices', '--bogus'], "unknown option '--bogus'"],
    [['tone', '--frequency', 'abc'], "frequency must be a number, got 'abc'"],
    [['tone', '--duration', '-1'], 'duration must be greater than 0'],
    [['tone', '--amplitude', '1.5'], 'amplitude must be from 0 to 1'],
    [['tone', '--channels', '1.5'], 'channels must be a whole number'],
    [['tone', '--dtype', 'float64'], 'Allowed choices are float32'],
    [['--version', 'extra'], '--version takes no other arguments'],
    [['testbed'], 'testbed: missing command'],
    [['testbed', 'frob'], 'testbed: unknown command frob'],
  ])('%j', async (args, expected) => {
    const r = await runBin(args);
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toContain(expected);
  });
});
