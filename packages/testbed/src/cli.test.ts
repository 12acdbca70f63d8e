import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { jackServerRunning, runTestbedCommand } from './index.js';
import { parseTestbedArgs } from './cli-args.js';
import { isAlive } from './proc.js';
import { privateServerName, saveTestbedEnv, tempDir } from './test-utils.js';

const restoreEnv = saveTestbedEnv();
const dir = tempDir('cli');
const serverName = privateServerName('cli');

afterAll(async () => {
  await run(['stop', '--dir', dir]);
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runTestbedCommand(
    argv,
    {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    },
    env,
  );
  return { code, out, err };
}

describe('parseTestbedArgs', () => {
  it('parses flags in both spellings', () => {
    expect(parseTestbedArgs(['start', '--period', '64', '--rate=44100', '--no-jack', '--dir', '/x'])).toEqual({
      command: 'start',
      help: false,
      options: { jackPeriod: 64, jackRate: 44_100, jack: false, dir: '/x' },
    });
    expect(() => parseTestbedArgs(['start', '--period'])).toThrow(/needs a value/);
    expect(() => parseTestbedArgs(['start', '--period', 'x'])).toThrow(/needs a number/);
    expect(() => parseTestbedArgs(['--what'])).toThrow(/unknown option/);
  });
});

describe('runTestbedCommand', () => {
  it('prints help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: sounddevice-testbed <command>/);
    expect((await run([])).code).toBe(2);
    expect((await run(['frobnicate'])).err).toMatch(/unknown command frobnicate/);
    expect((await run(['start', '--period', '0', '--dir', dir])).code).toBe(1);
  });

  it('env prints export lines', async () => {
    const r = await run(['env', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`export ALSA_CONFIG_PATH=${path.join(dir, 'asound.conf')}\n`);
    expect(r.out).toContain('export JACK_NO_AUDIO_RESERVATION=1\n');
  });

  it('start, status and stop a testbed', async () => {
    const started = await run(['start', '--dir', dir, '--server', serverName, '--period', '256']);
    expect(started.err).toBe('');
    expect(started.code).toBe(0);
    const pid = Number(/pid (\d+)/.exec(started.out)?.[1]);
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(path.join(dir, 'asound.conf'))).toBe(true);
    const status = await run(['status', '--dir', dir, '--server', serverName]);
    expect(status.out).toMatch(new RegExp(`running \\(started by the testbed, pid ${pid}\\), period 256`));
    const stopped = await run(['stop', '--dir', dir]);
    expect(stopped.out).toBe(`stopped jackd (pid ${pid})\n`);
    expect(isAlive(pid)).toBe(false);
    expect((await run(['stop', '--dir', dir])).out).toMatch(/no JACK server started by the testbed/);
  });

  it('start, status, env and stop honour SOUNDDEVICE_TESTBED_DIR and SOUNDDEVICE_TESTBED_SERVER', async () => {
    const envDir = tempDir('cli-env');
    const envServer = privateServerName('cli-env');
    const env = { SOUNDDEVICE_TESTBED_DIR: envDir, SOUNDDEVICE_TESTBED_SERVER: envServer };
    try {
      const started = await run(['start', '--period', '256'], env);
      expect(started.err).toBe('');
      expect(started.code).toBe(0);
      expect(started.out).toContain(`dir:          ${envDir}\n`);
      expect(started.out).toMatch(new RegExp(`^JACK "${envServer}": running \\(started by the testbed, pid \\d+\\)`, 'm'));
      // The hint works in a shell without the variables, too.
      expect(started.out).toContain(`env --dir ${envDir} --server ${envServer})`);
      const pid = Number(/pid (\d+)/.exec(started.out)?.[1]);
      expect(isAlive(pid)).toBe(true);
      expect(await jackServerRunning({ serverName: envServer })).toBe(true);
      expect(existsSync(path.join(envDir, 'asound.conf'))).toBe(true);
      const status = await run(['status'], env);
      expect(status.out).toMatch(new RegExp(`^JACK "${envServer}": running \\(started by the testbed, pid ${pid}\\)`, 'm'));
      const exported = await run(['env'], env);
      expect(exported.out).toContain(`export ALSA_CONFIG_PATH=${path.join(envDir, 'asound.conf')}\n`);
      expect(exported.out).toContain(`export JACK_DEFAULT_SERVER=${envServer}\n`);
      // --dir and --server win over the variables.
      const flagged = await run(['env', '--dir', dir, '--server', 'other-name'], env);
      expect(flagged.out).toContain(`export ALSA_CONFIG_PATH=${path.join(dir, 'asound.conf')}\n`);
      expect(flagged.out).toContain('export JACK_DEFAULT_SERVER=other-name\n');
      expect((await run(['stop'], env)).out).toBe(`stopped jackd (pid ${pid})\n`);
      expect(isAlive(pid)).toBe(false);
    } finally {
      await run(['stop'], env);
      rmSync(envDir, { recursive: true, force: true });
    }
  });

  it('documents the variables in its help', async () => {
    const r = await run(['--help']);
    expect(r.out).toContain('SOUNDDEVICE_TESTBED_DIR');
    expect(r.out).toContain('SOUNDDEVICE_TESTBED_SERVER');
  });

  const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
  it.skipIf(!existsSync(bin))('the built bin runs', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'env', '--dir', dir]);
    expect(stdout).toContain('export ALSA_CONFIG_PATH=');
  });
});
