import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reclaimStaleJackServers } from './jack-registry.js';
import { tempDir } from './test-utils.js';

const dir = tempDir('jack-registry');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A registry as JACK2 lays it out, with servers [pid, name] in its entries. */
function registry(servers: Array<[number, string] | null>): Buffer {
  const b = Buffer.alloc(24 + 8 * 264 + 512);
  b.writeUInt32LE(0x4a41434b, 0);
  b.writeUInt32LE(b.length, 12);
  b.writeUInt32LE(24 + 8 * 264, 16);
  servers.forEach((s, i) => {
    if (s === null) return;
    b.writeInt32LE(s[0], 24 + i * 264);
    b.write(s[1], 24 + i * 264 + 4);
  });
  b.write('/jack-0-0', 24 + 8 * 264 + 4); // segment entries after the servers stay
  return b;
}

/** A pid no process has (the largest possible is 2^22). */
const DEAD = 4_194_000;

describe('reclaimStaleJackServers', () => {
  it('frees the entries of servers that are gone, and only those', () => {
    const file = path.join(dir, 'registry');
    const before = registry([[process.pid, 'jack-0:alive:'], [DEAD, 'jack-0:killed-1:'], null, [DEAD + 1, 'jack-0:killed-2:']]);
    writeFileSync(file, before);
    expect(reclaimStaleJackServers(file)).toEqual(['jack-0:killed-1:', 'jack-0:killed-2:']);
    const after = readFileSync(file);
    expect(after.readInt32LE(24)).toBe(process.pid);
    expect(after.toString('utf8', 28, 28 + 13)).toBe('jack-0:alive:');
    expect(after.subarray(24 + 264, 24 + 2 * 264).every((x) => x === 0)).toBe(true);
    expect(after.subarray(24 + 3 * 264, 24 + 4 * 264).every((x) => x === 0)).toBe(true);
    expect(after.subarray(24 + 8 * 264)).toEqual(before.subarray(24 + 8 * 264));
    expect(reclaimStaleJackServers(file)).toEqual([]);
  });

  it('leaves a file that is not a JACK registry alone, and a missing one is no error', () => {
    const file = path.join(dir, 'other');
    const text = Buffer.alloc(4096, 7);
    writeFileSync(file, text);
    expect(reclaimStaleJackServers(file)).toEqual([]);
    expect(readFileSync(file)).toEqual(text);
    expect(reclaimStaleJackServers(path.join(dir, 'missing'))).toEqual([]);
  });
});
