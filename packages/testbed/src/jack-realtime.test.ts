import { describe, expect, it } from 'vitest';
import { jackdArgs, jackRealtime } from './jack-server.js';

describe('jackd scheduling', () => {
  it('is real-time as root unless turned off, and can be forced', () => {
    const root = process.getuid?.() === 0;
    expect(jackRealtime({})).toBe(root);
    expect(jackRealtime({ SOUNDDEVICE_TESTBED_REALTIME: '0' })).toBe(false);
    expect(jackRealtime({ SOUNDDEVICE_TESTBED_REALTIME: '1' })).toBe(true);
    const args = jackdArgs({ period: 256, rate: 48000, serverName: 'x' });
    expect(args).toContain(jackRealtime() ? '-R' : '--no-realtime');
    expect(args.slice(-6)).toEqual(['-d', 'dummy', '-r', '48000', '-p', '256']);
  });
});
