import { describe, expect, it } from 'vitest';
import { type HostApiInfo, getPortAudioVersion, queryDevices, queryHostApis } from '@sounddevice/raw';
import { hasStack, runBin } from './run-bin.js';

/**
 * JACK lists every running PortAudio client (other test runs, other
 * processes) as a device after `system`; drop those so that two listings
 * taken moments apart compare equal.
 */
const JACK = 'JACK Audio Connection Kit';
const stableText = (text: string): string =>
  text.split('\n').filter((l) => !l.includes(`, ${JACK} (`) || / \d+ system, /.test(l)).join('\n');
function stableDevices<T extends { name: unknown; hostApi: unknown }>(list: readonly T[]): T[] {
  const jack = queryHostApis().find((a) => a.name === JACK)?.index;
  return list.filter((d) => d.hostApi !== jack || d.name === 'system');
}

const line = (name: string, api: string, inputs: number, outputs: number): RegExp =>
  new RegExp(`^[ ><*] +\\d+ ${name}, ${api} \\(${inputs} in, ${outputs} out\\)$`, 'm');

describe('sounddevice devices', () => {
  it('lists the testbed devices with their channels, like python3 -m sounddevice', async () => {
    const r = await runBin(['devices']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const name of ['vfile_out', 'vfile_in', 'vzero']) expect(r.stdout).toMatch(line(name, 'ALSA', 128, 128));
    expect(r.stdout).toMatch(line('system', 'JACK Audio Connection Kit', 2, 2));
    // Exactly the library's DeviceList text, with the default markers.
    expect(stableText(r.stdout)).toBe(stableText(`${String(queryDevices())}\n`));
    expect(r.stdout).toMatch(/^[<>*] /m);
  });

  it('is what runs with no arguments', async () => {
    const [none, devices] = await Promise.all([runBin([]), runBin(['devices'])]);
    expect(none.code).toBe(0);
    expect(stableText(none.stdout)).toBe(stableText(devices.stdout));
  });

  it('--json prints an array of the device objects queryDevices() returns', async () => {
    const r = await runBin(['devices', '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as { name: unknown; hostApi: unknown }[];
    expect(stableDevices(parsed as never[])).toEqual(stableDevices([...queryDevices()]));
    const system = parsed.find((d) => d.name === 'system');
    expect(system).toMatchObject({ maxInputChannels: 2, maxOutputChannels: 2, defaultSampleRate: 48000 });
    const out = parsed.find((d) => d.name === 'vfile_out');
    expect(out).toMatchObject({ maxInputChannels: 128, maxOutputChannels: 128, defaultSampleRate: 44100 });
  });
});

describe('sounddevice hostapis', () => {
  it('prints one line per host API with its devices and defaults', async () => {
    const r = await runBin(['hostapis']);
    expect(r.code).toBe(0);
    const apis = queryHostApis();
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(apis.length);
    const alsa = apis.find((a) => a.name === 'ALSA')!;
    expect(r.stdout).toContain(`${alsa.index} ALSA: devices ${alsa.devices.join(', ')} (default input `);
    const jack = apis.find((a) => a.name === 'JACK Audio Connection Kit')!;
    // JACK lists other running PortAudio clients as devices too: only `system` is sure to be there.
    const system = queryDevices('system').index;
    const jackLine = new RegExp(`^${jack.index} JACK Audio Connection Kit: devices ([\\d, ]+) \\(default input ${system}, default output ${system}\\)$`, 'm');
    expect(r.stdout).toMatch(jackLine);
    expect(r.stdout.match(jackLine)![1]!.split(', ').map(Number)).toContain(system);
  });

  it('--json prints the host API objects', async () => {
    const r = await runBin(['hostapis', '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as HostApiInfo[];
    const withoutClients = (apis: readonly HostApiInfo[]): HostApiInfo[] =>
      apis.map((a) => (a.name === JACK ? { ...a, devices: a.devices.filter((d) => d === queryDevices('system').index) } : a));
    expect(withoutClients(parsed)).toEqual(withoutClients(queryHostApis()));
  });
});

describe('sounddevice --version and --help', () => {
  it('--version prints the package version and the PortAudio version text', async () => {
    const r = await runBin(['--version']);
    expect(r.code).toBe(0);
    const [, text] = getPortAudioVersion();
    expect(text).toContain('PortAudio V19');
    expect(r.stdout).toBe(`@sounddevice/cli 0.1.0\n${text}\n`);
    expect((await runBin(['-V'])).stdout).toBe(r.stdout);
  });

  it('--help lists every command; each command has its own --help', async () => {
    const r = await runBin(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sounddevice /);
    const commands = ['devices', 'hostapis', 'tone', 'play', 'rec', 'playrec', 'wire', 'meter', 'spectrogram', 'plot', 'latency', 'testbed'];
    for (const name of commands) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    for (const [cmd, expected] of [
      ['devices', '--json'],
      ['hostapis', '--json'],
      ['tone', '--frequency <hz>'],
      ['play', '--mapping <channels>'],
      ['rec', '--subtype <subtype>'],
      ['playrec', '--input-mapping <channels>'],
      ['wire', '--blocksize <frames>'],
      ['meter', '--interval <ms>'],
      ['spectrogram', '--range <low,high>'],
      ['plot', '--web'],
      ['latency', '--jack-loopback'],
      ['testbed', 'Usage: sounddevice testbed'],
    ] as const) {
      const help = await runBin([cmd, '--help']);
      expect(help.code, cmd).toBe(0);
      expect(help.stdout, cmd).toContain(expected);
      expect(help.stderr, cmd).toBe('');
      expect((await runBin(['help', cmd])).stdout, `help ${cmd}`).toBe(help.stdout);
    }
  });

  it('runs directly as an executable (shebang and mode bit)', async () => {
    const { execFile } = await import('node:child_process');
    const { BIN } = await import('./run-bin.js');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(BIN, ['--help'], (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(out).toMatch(/^Usage: sounddevice /);
    expect(hasStack(out)).toBe(false);
  });
});
