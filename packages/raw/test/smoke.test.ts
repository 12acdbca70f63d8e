import { describe, expect, it } from 'vitest';
import { getPortAudioVersion, queryDevices } from '../src/index.js';

describe('smoke', () => {
  it('loads PortAudio and lists the testbed devices', () => {
    const [number, text] = getPortAudioVersion();
    expect(number).toBeGreaterThanOrEqual(1900);
    expect(text).toContain('PortAudio');
    const names = queryDevices().map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['vfile_out', 'vfile_in', 'vzero', 'system']));
  });
});
