import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jackServerRunning, startTestbed, stopTestbed, testbedStatus, type TestbedInfo } from './index.js';
import { takeLease } from './leases.js';
import { testRunPlace } from './options.js';
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
    expect(optionsFromEnv({ SOUNDDEVICE_TESTBED_PERIOD: '64', SOUNDDEVICE_TESTBED_JACK: '0' }, 4242)).toEqual({
      jack: false,
      jackPeriod: 64,
      dir: path.join(os.tmpdir(), 'sounddevice-test-4242'),
      serverName: 'sounddevice-test-4242',
    });
  });

  it('chooses a private folder and server name unless told otherwise, never the defaults', () => {
    const tmp = os.tmpdir();
    // An inherited JACK_DEFAULT_SERVER names the user's own server: not for tests.
    expect(testRunPlace({ JACK_DEFAULT_SERVER: 'default' }, 77)).toEqual({
      dir: path.join(tmp, 'sounddevice-test-77'),
      serverName: 'sounddevice-test-77',
      private: true,
    });
    expect(testRunPlace({ SOUNDDEVICE_TESTBED_DIR: '/x/tb', SOUNDDEVICE_TESTBED_SERVER: 'mine' }, 77)).toEqual({
      dir: '/x/tb',
      serverName: 'mine',
      private: false,
    });
    // Runs sharing a folder share its server; runs sharing a server share a folder.
    const byDir = testRunPlace({ SOUNDDEVICE_TESTBED_DIR: '/x/tb' }, 1);
    expect(byDir).toEqual(testRunPlace({ SOUNDDEVICE_TESTBED_DIR: '/x/tb/' }, 2));
    expect(byDir.serverName).toMatch(/^sounddevice-test-dir-[0-9a-f]{8}$/);
    expect(testRunPlace({ SOUNDDEVICE_TESTBED_DIR: '/x/other' }, 1).serverName).not.toBe(byDir.serverName);
    expect(testRunPlace({ SOUNDDEVICE_TESTBED_SERVER: 'a/b c' }, 1)).toEqual({
      dir: path.join(tmp, 'sounddevice-test-server-a_b_c'),
      serverName: 'a/b c',
      private: false,
    });
    expect(testRunPlace({ SOUNDDEVICE_TESTBED_DIR: '', SOUNDDEVICE_TESTBED_SERVER: '' }, 5).private).toBe(true);
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
