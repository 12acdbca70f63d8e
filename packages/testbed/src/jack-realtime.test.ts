import { describe, expect, it } from 'vitest';
import { jackdArgs, jackRealtime } from './jack-server.js';

describe('jackd scheduling', () => {
  it('is not real-time unless asked for', () => {
    expect(jackRealtime({})).toBe(false);
    expect(jackRealtime({ SOUNDDEVICE_TESTBED_REALTIME: '0' })).toBe(false);
    expect(jackRealtime({ SOUNDDEVICE_TESTBED_REALTIME: '1' })).toBe(true);
    const args = jackdArgs({ period: 256, rate: 48000, serverName: 'x' });
    expect(args).toContain(jackRealtime() ? '-R' : '--no-realtime');
    expect(args.slice(-6)).toEqual(['-d', 'dummy', '-r', '48000', '-p', '256']);
  });
});
