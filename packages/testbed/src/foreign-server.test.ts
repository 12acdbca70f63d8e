import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jackPorts, jackServerRunning, restartJack, startTestbed, stopTestbed, type TestbedOptions } from './index.js';
import { isAlive, waitForExit } from './proc.js';
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
