import { readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { alsaConfigText, clearOutFile, readOutFile, startTestbed, testbedEnv, writeInFile } from './index.js';
import { saveTestbedEnv, tempDir } from './test-utils.js';

const restoreEnv = saveTestbedEnv();
const dir = tempDir('alsa');
afterAll(() => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

describe('ALSA config', () => {
  it('defines the five PCMs of the testbed', () => {
    const text = alsaConfigText('/t/out.raw', '/t/in.raw');
    expect(text).toContain('pcm.!default { type plug slave.pcm "vnull" }');
    expect(text).toContain('pcm.vnull { type null }');
    expect(text).toContain('pcm.vfile_out { type file slave.pcm { type null } file "/t/out.raw" format "raw" }');
    expect(text).toContain(
      'pcm.vfile_in { type file slave.pcm { type null } file "/dev/null" infile "/t/in.raw" format "raw" }',
    );
    expect(text).toContain('pcm.vzero { type file slave.pcm { type null } file "/dev/null" infile "/dev/zero" format "raw" }');
    expect(text.match(/^pcm\./gm)).toHaveLength(5);
  });

  it('escapes quotes and backslashes in paths', () => {
    expect(alsaConfigText('/a "b"\\c', '/i')).toContain('file "/a \\"b\\"\\\\c"');
  });
});

describe('startTestbed without JACK', () => {
  it('writes the config, the raw files and sets process.env', async () => {
    const info = await startTestbed({ dir, jack: false, inFileSeconds: 2 });
    expect(info.dir).toBe(dir);
    expect(readFileSync(info.alsaConfigPath, 'utf8')).toBe(alsaConfigText(info.outFile, info.inFile));
    expect(statSync(info.outFile).size).toBe(0);
    expect(info.inFileBytes).toBe(2 * 48_000 * 2 * 4);
    expect(statSync(info.inFile).size).toBe(info.inFileBytes);
    expect(process.env.ALSA_CONFIG_PATH).toBe(info.alsaConfigPath);
    expect(process.env.JACK_NO_AUDIO_RESERVATION).toBe('1');
    expect(info.env).toEqual(testbedEnv({ dir }).env);
    expect(info.jack.startedByUs).toBe(false);
  });

  it('is idempotent and keeps longer infile content', async () => {
    await writeInFile({ inFile: `${dir}/in.raw` }, new Uint8Array([1, 2, 3]), 4 * 48_000 * 8);
    const info = await startTestbed({ dir, jack: false, inFileSeconds: 2 });
    const bytes = readFileSync(info.inFile);
    expect(bytes.length).toBe(4 * 48_000 * 8);
    expect([...bytes.subarray(0, 4)]).toEqual([1, 2, 3, 0]);
  });

  it('writeInFile pads with zeros, readOutFile/clearOutFile work', async () => {
    const info = await startTestbed({ dir, jack: false });
    await writeInFile(info, new Uint8Array([9, 8, 7]), 10);
    expect([...readFileSync(info.inFile)]).toEqual([9, 8, 7, 0, 0, 0, 0, 0, 0, 0]);
    await writeInFile(info, new Uint8Array([5]));
    expect(statSync(info.inFile).size).toBe(1 + 30 * 48_000 * 2 * 4);
    await writeInFile(info, new Uint8Array([1, 2, 3, 4]), 2);
    expect(statSync(info.inFile).size).toBe(4);
    expect(await readOutFile(info)).toEqual(new Uint8Array(0));
    await writeInFile({ inFile: info.outFile }, new Uint8Array([4, 4]), 0);
    expect([...(await readOutFile(info))]).toEqual([4, 4]);
    await clearOutFile(info);
    expect(statSync(info.outFile).size).toBe(0);
  });

  it('testbedEnv gives a shell snippet', () => {
    const { env, shell } = testbedEnv({ dir: "/tmp/it's here", serverName: 'x1' });
    expect(env).toEqual({
      ALSA_CONFIG_PATH: "/tmp/it's here/asound.conf",
      JACK_NO_AUDIO_RESERVATION: '1',
      JACK_DEFAULT_SERVER: 'x1',
    });
    expect(shell).toBe(
      "export ALSA_CONFIG_PATH='/tmp/it'\\''s here/asound.conf'\nexport JACK_NO_AUDIO_RESERVATION=1\nexport JACK_DEFAULT_SERVER=x1\n",
    );
  });
});
