import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jackServerRunning, startTestbed, stopTestbed, testbedStatus, type TestbedInfo } from './index.js';
import { takeLease } from './leases.js';
import { isAlive } from './proc.js';
import { privateServerName, saveTestbedEnv, tempDir } from './test-utils.js';
import { optionsFromEnv, PROVIDE_KEY, setup, teardown } from './vitest-setup.js';

const restoreEnv = saveTestbedEnv();
const dir = tempDir('setup');
const serverName = privateServerName('setup');
const opts = { dir, serverName };

beforeAll(() => {
  process.env.SOUNDDEVICE_TESTBED_DIR = dir;
  process.env.SOUNDDEVICE_TESTBED_SERVER = serverName;
});

afterAll(async () => {
  delete process.env.SOUNDDEVICE_TESTBED_DIR;
  delete process.env.SOUNDDEVICE_TESTBED_SERVER;
  await stopTestbed(opts);
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

async function setupProviding(): Promise<TestbedInfo> {
  let provided: unknown;
  await setup({ provide: (key, value) => key === PROVIDE_KEY && (provided = value) });
  return provided as TestbedInfo;
}

describe('vitest-setup', () => {
  it('reads overrides from the environment', () => {
    expect(optionsFromEnv({ SOUNDDEVICE_TESTBED_PERIOD: '64', SOUNDDEVICE_TESTBED_JACK: '0' })).toEqual({
      jack: false,
      jackPeriod: 64,
    });
  });

  it('teardown stops the server setup started', async () => {
    const info = await setupProviding();
    expect(info.jack).toMatchObject({ running: true, startedNow: true, period: 256, serverName });
    expect(process.env.ALSA_CONFIG_PATH).toBe(info.alsaConfigPath);
    await teardown();
    expect(isAlive(info.jack.pid ?? -1)).toBe(false);
    expect(await jackServerRunning({ serverName })).toBe(false);
  });

  it('teardown leaves a server started before setup running', async () => {
    const before = await startTestbed(opts);
    const info = await setupProviding();
    expect(info.jack).toMatchObject({ startedByUs: true, startedNow: false, pid: before.jack.pid });
    await teardown();
    expect(isAlive(before.jack.pid ?? -1)).toBe(true);
    await stopTestbed(opts);
  });

  it('teardown leaves the server to another test run that still uses it', async () => {
    const info = await setupProviding();
    await takeLease(dir, process.ppid); // another live process holds a lease
    await teardown();
    expect(isAlive(info.jack.pid ?? -1)).toBe(true);
    expect((await testbedStatus(opts)).jack.pid).toBe(info.jack.pid);
    rmSync(`${dir}/leases/${process.ppid}`);
    await stopTestbed(opts);
  });
});
