/**
 * No audio at all: PortAudio started (for real) on ALSA configurations with no
 * usable device, an empty or missing one (PortAudio 19.6 aborts on those) and
 * a broken one, with JACK absent (a server name nobody runs, never started).
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { suspectAlsaConfig } from '../src/diagnose.js';
import { hasStack, runBin } from './run-bin.js';
import { tempDir } from './wav-files.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** The environment of a machine whose ALSA configuration is `config` and that runs no JACK server. */
function noJack(config: string): Record<string, string> {
  return { ALSA_CONFIG_PATH: config, JACK_DEFAULT_SERVER: `sd-cli-nobody-${process.pid}`, JACK_NO_START_SERVER: '1' };
}

function configFile(name: string, text: string): string {
  const path = tmp.path(name);
  writeFileSync(path, text);
  return path;
}

const NO_DEVICES = /no audio devices found \(PortAudio's host APIs: ALSA[^)]*\); without a sound card, 'sounddevice testbed start' provides virtual devices \(ALSA and JACK\)/;

describe('no audio devices', () => {
  // Only a default PCM on a card that does not exist: PortAudio starts and lists nothing.
  const nothing = configFile('nothing.conf', 'pcm.!default { type hw card 99 }\n');

  it('devices says "no audio devices found" on stderr and points at the testbed; stdout stays empty', async () => {
    const r = await runBin(['devices'], noJack(nothing));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^sounddevice: ${NO_DEVICES.source}\\n$`));
    const json = await runBin(['devices', '--json'], noJack(nothing));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
    expect(json.stderr).toMatch(NO_DEVICES);
  });

  it('tone, rec and meter fail with that one line instead of "no default device"', async () => {
    for (const args of [['tone'], ['tone', '--device', '3'], ['rec', '--duration', '1', tmp.path('x.wav')], ['meter']]) {
      const r = await runBin(args, noJack(nothing));
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^sounddevice: error: ${NO_DEVICES.source}\\n$`));
    }
  });

  it('an empty ALSA configuration (PortAudio 19.6 aborts on it) is an error with the cause, not a silent crash', async () => {
    const empty = configFile('empty.conf', '');
    const r = await runBin(['devices'], noJack(empty));
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `sounddevice: error: PortAudio aborted (SIGABRT) while listing ALSA devices: the ALSA configuration defines no device (ALSA_CONFIG_PATH=${empty}: '${empty}' is empty); ` +
        "fix it or unset ALSA_CONFIG_PATH, or without a sound card, 'sounddevice testbed start' provides virtual devices (ALSA and JACK)",
    );
    expect(lines.slice(1).join('\n')).toMatch(/^  .*pa_linux_alsa\.c:\d+: BuildDeviceList: Assertion `devIdx < numDeviceNames' failed\.$/m);
    expect(hasStack(r.stderr)).toBe(false);
    // Same for a command that plays.
    const tone = await runBin(['tone'], noJack(empty));
    expect(tone.code).toBe(1);
    expect(tone.stderr).toMatch(/^sounddevice: error: PortAudio aborted \(SIGABRT\)/);
  });

  it('an ALSA_CONFIG_PATH naming a missing file says so', async () => {
    const missing = tmp.path('missing.conf');
    const r = await runBin(['hostapis'], noJack(missing));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`(ALSA_CONFIG_PATH=${missing}: '${missing}' cannot be read (ENOENT))`);
    expect(r.stderr).toContain(`  ALSA lib conf.c`);
  });

  it('a broken ALSA configuration shows ALSA\'s own messages under the error line', async () => {
    const broken = configFile('broken.conf', 'pcm.vnull { type null }\npcm.broken { type\n');
    const r = await runBin(['devices'], noJack(broken));
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('sounddevice: error: Error initializing PortAudio: Unanticipated host error [PaErrorCode -9999]');
    expect(lines).toContain(`  (ALSA_CONFIG_PATH=${broken})`);
    expect(lines.some((l) => /^  ALSA lib conf\.c:\d+:.*may be old or corrupted/.test(l) && l.includes(broken)), r.stderr).toBe(true);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it('only a configuration that may lack every PCM is checked first (a sound one costs nothing)', () => {
    expect(suspectAlsaConfig({})).toBeUndefined();
    expect(suspectAlsaConfig({ ALSA_CONFIG_PATH: nothing })).toBeUndefined();
    expect(suspectAlsaConfig({ ALSA_CONFIG_PATH: configFile('incl.conf', '</usr/share/alsa/alsa.conf>\n') })).toBeUndefined();
    const only = configFile('only-null.conf', 'pcm.vnull { type null }\n');
    expect(suspectAlsaConfig({ ALSA_CONFIG_PATH: only })).toEqual([only]);
  });
});
