import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  defaultTestbedDir,
  jackPorts,
  jackServerRunning,
  restartJack,
  startTestbed,
  stopTestbed,
  type TestbedInfo,
  type TestbedOptions,
} from './index.js';
import { markRunOwnedJackd } from './leases.js';
import { isAlive, waitForExit } from './proc.js';
import { PROVIDE_KEY, removeOrphans, setup, teardown } from './vitest-setup.js';
import { privateServerName, saveTestbedEnv, tempDir } from './test-utils.js';

const restoreEnv = saveTestbedEnv();
const serverName = privateServerName('foreign');
const opts: TestbedOptions = { dir: tempDir('foreign'), serverName, jackPeriod: 256 };
let foreign: ChildProcess;

beforeAll(async () => {
  // A server started by hand, not by the testbed.
  foreign = spawn('jackd', ['-n', serverName, '--no-realtime', '-d', 'dummy', '-r', '48000', '-p', '256'], {
    stdio: 'ignore',
    env: { ...process.env, JACK_NO_AUDIO_RESERVATION: '1' },
  });
  const deadline = Date.now() + 10_000;
  while (!(await jackServerRunning({ serverName }))) {
    if (Date.now() > deadline) throw new Error('hand-started jackd did not come up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

afterAll(async () => {
  foreign.kill('SIGTERM');
  await waitForExit(foreign.pid ?? -1, 5_000);
  restoreEnv();
  rmSync(opts.dir ?? '', { recursive: true, force: true });
});

describe('a JACK server the testbed did not start', () => {
  it('is reused, not marked as ours', async () => {
    const info = await startTestbed(opts);
    expect(info.jack).toMatchObject({ running: true, startedByUs: false, startedNow: false, period: 256, rate: 48_000 });
    expect(info.jack.pid).toBeUndefined();
    expect(await jackPorts({ serverName })).toContain('system:playback_1');
  });

  it('survives stopTestbed', async () => {
    await stopTestbed(opts);
    expect(isAlive(foreign.pid ?? -1)).toBe(true);
    expect(await jackServerRunning({ serverName })).toBe(true);
  });

  it('is never restarted for another period: that is an error', async () => {
    await expect(restartJack(64, opts)).rejects.toThrow(/already running with period 256.*did not start it/s);
    expect(isAlive(foreign.pid ?? -1)).toBe(true);
  });
});

/*
 * A JACK server under the default name (a musician's own, or another program's
 * test run; CI starts one before the suite): the test setup must neither use it
 * nor stop it. One is started here only if none runs, and stopped only then.
 */
describe('a default-named JACK server', () => {
  const DEFAULT = { serverName: 'default' };
  let started: ChildProcess | undefined;
  let portsBefore: string[] = [];

  beforeAll(async () => {
    if (!(await jackServerRunning(DEFAULT))) {
      started = spawn('jackd', ['-n', 'default', '--no-realtime', '-d', 'dummy', '-r', '48000', '-p', '256'], {
        stdio: 'ignore',
        env: { ...process.env, JACK_NO_AUDIO_RESERVATION: '1' },
      });
      const deadline = Date.now() + 10_000;
      while (!(await jackServerRunning(DEFAULT))) {
        if (Date.now() > deadline) throw new Error('default-named jackd did not come up');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    portsBefore = await jackPorts(DEFAULT);
  });

  afterAll(async () => {
    if (started) {
      started.kill('SIGTERM');
      await waitForExit(started.pid ?? -1, 5_000);
    }
  });

  it('is not the server this test run uses', () => {
    const info = inject(PROVIDE_KEY);
    expect(info.jack.serverName).toMatch(/^sounddevice-test-/);
    expect(info.jack).toMatchObject({ running: true, startedByUs: true });
    expect(info.env.JACK_DEFAULT_SERVER).toBe(info.jack.serverName);
  });

  it('is left alone by setup and teardown, even with JACK_DEFAULT_SERVER=default inherited', async () => {
    const saved = saveTestbedEnv();
    let info: TestbedInfo | undefined;
    try {
      delete process.env.SOUNDDEVICE_TESTBED_DIR;
      delete process.env.SOUNDDEVICE_TESTBED_SERVER;
      process.env.JACK_DEFAULT_SERVER = 'default';
      await setup({ provide: (key, value) => key === PROVIDE_KEY && (info = value as TestbedInfo) });
      expect(info?.jack).toMatchObject({ running: true, startedByUs: true, startedNow: true, serverName: `sounddevice-test-${process.pid}` });
      expect(info?.dir).toBe(path.join(os.tmpdir(), `sounddevice-test-${process.pid}`));
      expect(info?.dir).not.toBe(defaultTestbedDir());
      // Children of the run talk to the private server, not to the default one.
      expect(process.env.JACK_DEFAULT_SERVER).toBe(`sounddevice-test-${process.pid}`);
      expect(await jackPorts()).toContain('system:playback_1');
      await teardown();
      expect(isAlive(info?.jack.pid ?? -1)).toBe(false);
      expect(existsSync(info?.dir ?? '')).toBe(false);
    } finally {
      if (info) await stopTestbed({ dir: info.dir });
      saved();
    }
    expect(await jackServerRunning(DEFAULT)).toBe(true);
    if (started) expect(isAlive(started.pid ?? -1)).toBe(true);
    expect(await jackPorts(DEFAULT)).toEqual(portsBefore);
  });
});

describe('what a test run killed before its teardown left', () => {
  it('is cleaned up: the jackd it marked as its own and its private folder, nothing else', async () => {
    const tmp = tempDir('orphans');
    // A pid that no longer runs: a test run that died.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('exit', resolve));
    const deadPid = dead.pid ?? -1;
    const orphanName = `sounddevice-test-${deadPid}`;
    const orphan = path.join(tmp, orphanName);
    const kept = path.join(tmp, `sounddevice-test-${process.pid}`); // a live run's folder
    mkdirSync(kept, { recursive: true });
    const saved = saveTestbedEnv();
    let info: TestbedInfo | undefined;
    try {
      info = await startTestbed({ dir: orphan, serverName: orphanName, jackPeriod: 256 });
      await markRunOwnedJackd(orphan, info.jack.pid ?? -1);
      expect(await removeOrphans(tmp)).toEqual([orphan]);
      expect(isAlive(info.jack.pid ?? -1)).toBe(false);
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(kept)).toBe(true);
    } finally {
      if (info) await stopTestbed({ dir: orphan });
      saved();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
