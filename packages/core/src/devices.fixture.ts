/**
 * A realistic device list for tests: a Linux machine with ALSA (a sound card,
 * the testbed's virtual devices, ALSA plugins), a JACK server, and OSS whose
 * `default` device has the same name as ALSA's.
 *
 * @module
 */

import type { DeviceInfo, HostApiInfo } from './devices.js';

function device(index: number, name: string, hostApi: number, ins: number, outs: number): DeviceInfo {
  return {
    name,
    index,
    hostApi,
    maxInputChannels: ins,
    maxOutputChannels: outs,
    defaultLowInputLatency: ins > 0 ? 0.008707 : -1,
    defaultLowOutputLatency: outs > 0 ? 0.008707 : -1,
    defaultHighInputLatency: ins > 0 ? 0.034829 : -1,
    defaultHighOutputLatency: outs > 0 ? 0.034829 : -1,
    defaultSampleRate: 48000,
  };
}

/** Thirteen devices in three host APIs; index 7 (`default, ALSA`) is the default for both directions. */
export const FIXTURE_DEVICES: readonly DeviceInfo[] = [
  device(0, 'HDA Intel PCH: ALC257 Analog (hw:0,0)', 0, 2, 2),
  device(1, 'HDA Intel PCH: HDMI 0 (hw:0,3)', 0, 0, 8),
  device(2, 'vfile_in', 0, 2, 0),
  device(3, 'vfile_out', 0, 0, 2),
  device(4, 'vzero', 0, 128, 128),
  device(5, 'pulse', 0, 32, 32),
  device(6, 'sysdefault', 0, 128, 128),
  device(7, 'default', 0, 128, 128),
  device(8, 'system', 1, 2, 2),
  device(9, 'PulseAudio JACK Sink', 1, 0, 2),
  device(10, 'PulseAudio JACK Source', 1, 2, 0),
  device(11, '/dev/dsp', 2, 16, 16),
  device(12, 'default', 2, 2, 2),
];

/** The host APIs of {@link FIXTURE_DEVICES}. */
export const FIXTURE_HOST_APIS: readonly HostApiInfo[] = [
  { name: 'ALSA', index: 0, devices: [0, 1, 2, 3, 4, 5, 6, 7], defaultInputDevice: 7, defaultOutputDevice: 7 },
  { name: 'JACK Audio Connection Kit', index: 1, devices: [8, 9, 10], defaultInputDevice: 8, defaultOutputDevice: 8 },
  { name: 'OSS', index: 2, devices: [11, 12], defaultInputDevice: 11, defaultOutputDevice: 11 },
];
