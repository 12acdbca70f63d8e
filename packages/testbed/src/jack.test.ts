import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  jackBufferSize,
  jackConnect,
  jackConnections,
  jackDisconnect,
  jackPorts,
  jackServerRunning,
  restartJack,
  startTestbed,
  stopTestbed,
  testbedStatus,
  type TestbedOptions,
} from './index.js';
import { parseJackConnections } from './jack-tools.js';
import { isAlive } from './proc.js';
import { privateServerName, saveTestbedEnv, tempDir } from './test-utils.js';

const restoreEnv = saveTestbedEnv();
const serverName = privateServerName('own');
const opts: TestbedOptions = { dir: tempDir('jack'), serverName, jackPeriod: 256 };
const tool = { serverName };

afterAll(async () => {
  await stopTestbed(opts);
  restoreEnv();
  rmSync(opts.dir ?? '', { recursive: true, force: true });
});

describe('JACK dummy server started by the testbed', () => {
  let firstPid: number | undefined;

  it('starts jackd and records it', async () => {
    const info = await startTestbed(opts);
    expect(info.jack).toMatchObject({ running: true, startedByUs: true, startedNow: true, period: 256, rate: 48_000, serverName });
    firstPid = info.jack.pid;
    expect(firstPid).toBeTypeOf('number');
    expect(isAlive(firstPid ?? -1)).toBe(true);
    expect(readFileSync(`${opts.dir}/jackd.pid`, 'utf8').trim()).toBe(String(firstPid));
    expect(JSON.parse(readFileSync(`${opts.dir}/state.json`, 'utf8'))).toMatchObject({ pid: firstPid, period: 256, rate: 48_000 });
    expect(process.env.JACK_DEFAULT_SERVER).toBe(serverName);
    expect(await jackPorts(tool)).toEqual(expect.arrayContaining(['system:playback_1', 'system:capture_1']));
    expect(await jackBufferSize(tool)).toBe(256);
  });

  it('is idempotent: a second start keeps the same server', async () => {
    const info = await startTestbed(opts);
    expect(info.jack).toMatchObject({ running: true, startedByUs: true, startedNow: false, pid: firstPid });
    expect((await testbedStatus(opts)).jack.pid).toBe(firstPid);
  });

  it('connects, lists and disconnects ports', async () => {
    await jackConnect('system:capture_1', 'system:playback_2', tool);
    expect(await jackConnections(tool)).toContainEqual(['system:capture_1', 'system:playback_2']);
    await jackDisconnect('system:capture_1', 'system:playback_2', tool);
    expect(await jackConnections(tool)).toEqual([]);
    await expect(jackDisconnect('system:capture_1', 'system:playback_2', tool)).rejects.toThrow(/jack_disconnect/);
  });

  it('restarts with another period, stopping the old server', async () => {
    const info = await restartJack(64, opts);
    expect(info.jack).toMatchObject({ running: true, startedByUs: true, startedNow: true, period: 64 });
    expect(info.jack.pid).not.toBe(firstPid);
    expect(isAlive(firstPid ?? -1)).toBe(false);
    expect(await jackBufferSize(tool)).toBe(64);
    const again = await startTestbed({ ...opts, jackPeriod: 128 });
    expect(again.jack).toMatchObject({ startedNow: true, period: 128 });
    expect(isAlive(info.jack.pid ?? -1)).toBe(false);
  });

  it('stop removes the server and its state', async () => {
    const pid = (await testbedStatus(opts)).jack.pid ?? -1;
    await stopTestbed(opts);
    expect(isAlive(pid)).toBe(false);
    expect(await jackServerRunning(tool)).toBe(false);
    expect((await testbedStatus(opts)).jack).toMatchObject({ running: false, startedByUs: false });
    await stopTestbed(opts); // nothing left to stop: a no-op
  });
});

describe('parseJackConnections', () => {
  it('returns each connection once, output port first', () => {
    const text = [
      'system:capture_1',
      '   system:playback_1',
      '\tproperties: output,physical,terminal,',
      'system:playback_1',
      '   system:capture_1',
      '\tproperties: input,physical,terminal,',
      'system:playback_2',
      '\tproperties: input,physical,terminal,',
      '',
    ].join('\n');
    expect(parseJackConnections(text)).toEqual([['system:capture_1', 'system:playback_1']]);
  });
});
