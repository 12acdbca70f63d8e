import { describe, expect, inject, it } from 'vitest';
import type { TestbedInfo } from '@sounddevice/testbed';
import { runBin } from './run-bin.js';

const testbed = inject('sounddeviceTestbed' as never) as TestbedInfo;

// Only the read-only testbed commands: `start`/`stop` would touch the JACK
// server this very test run uses (the testbed package tests those).
describe('sounddevice testbed', () => {
  it('env prints the export lines of the testbed in use', async () => {
    const r = await runBin(['testbed', 'env', '--dir', testbed.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`export ALSA_CONFIG_PATH=${testbed.alsaConfigPath}\n`);
    expect(r.stdout).toContain('export JACK_NO_AUDIO_RESERVATION=1\n');
  });

  it('status shows the files and the running JACK server', async () => {
    const r = await runBin(['testbed', 'status', '--dir', testbed.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`vfile_out ->  ${testbed.outFile}\n`);
    expect(r.stdout).toMatch(/^JACK.*: running/m);
  });

  it('--help is the testbed usage under this command name', async () => {
    const r = await runBin(['testbed', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sounddevice testbed <command>/);
    expect(r.stdout).toContain('eval "$(sounddevice testbed env)"');
    expect(r.stdout).not.toMatch(/(?<![/])sounddevice-testbed(?![/])/);
  });
});
