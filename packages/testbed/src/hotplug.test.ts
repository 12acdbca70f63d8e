import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addAlsaPcm, removeAlsaPcm } from './hotplug.js';

async function config(): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'sd-hotplug-')), 'asound.conf');
  await writeFile(file, 'pcm.vnull { type null }\n');
  return file;
}

describe('addAlsaPcm / removeAlsaPcm', () => {
  it('adds a PCM by replacing the file (a new inode) and removes exactly it', async () => {
    const configPath = await config();
    const before = (await stat(configPath)).ino;
    await addAlsaPcm('vhot', undefined, { configPath });
    expect((await stat(configPath)).ino).not.toBe(before);
    expect(await readFile(configPath, 'utf8')).toMatch(/^pcm\.vnull \{ type null \}\npcm\.vhot \{ type null \} # added by/);
    await addAlsaPcm('vfile2', '{ type file slave.pcm "vnull" file "/dev/null" }', { configPath });
    await removeAlsaPcm('vhot', { configPath });
    const text = await readFile(configPath, 'utf8');
    expect(text).not.toContain('vhot');
    expect(text).toContain('pcm.vfile2 { type file');
    expect(text).toContain('pcm.vnull');
  });

  it('refuses bad names, duplicates and PCMs it did not add', async () => {
    const configPath = await config();
    await expect(addAlsaPcm('a b', undefined, { configPath })).rejects.toThrow(TypeError);
    await expect(addAlsaPcm('null', undefined, { configPath })).rejects.toThrow(RangeError);
    await expect(addAlsaPcm('vnull', undefined, { configPath })).rejects.toThrow(/already defines pcm.vnull/);
    await expect(removeAlsaPcm('vnull', { configPath })).rejects.toThrow(/was not added/);
  });

  it('needs a configuration to change', async () => {
    const saved = process.env.ALSA_CONFIG_PATH;
    delete process.env.ALSA_CONFIG_PATH;
    try {
      await expect(addAlsaPcm('vx')).rejects.toThrow(/no ALSA configuration to change/);
    } finally {
      if (saved !== undefined) process.env.ALSA_CONFIG_PATH = saved;
    }
  });
});
