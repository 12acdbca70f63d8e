// Runs the README's Usage chapter, so it cannot go stale: the ```ts snippets of each
// section are joined into one module (in order), written next to this test
// with '@sounddevice/numeric' pointing at the sources, type-checked with tsc
// (strict, as the package) and imported through vitest's module loader: real
// TypeScript, really executed against the testbed (JACK's 'system' device as
// the default device, as the doc says).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as sd from '../src/index.js';
import { clearOut, testbed } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '../../../README.md'), 'utf8');
const usageStart = readme.indexOf('\n## Usage\n');
const doc = readme.slice(usageStart, readme.indexOf('\n## ', usageStart + 1));
const workDir = join(here, '.usage-snippets');
const fileOf = (heading: string): string => join(workDir, `${heading.replace(/\W+/g, '-').toLowerCase()}.ts`);

/** The `### ` sections of the Usage chapter and their ```ts blocks. */
function sections(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const part of doc.split(/\n(?=### )/).slice(1)) {
    const heading = part.slice(4, part.indexOf('\n'));
    result.set(heading, [...part.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!));
  }
  return result;
}

beforeAll(() => {
  mkdirSync(workDir, { recursive: true });
  for (const [heading, code] of sections()) {
    const source = code.join('\n').replaceAll("'@sounddevice/numeric'", "'../../src/index.js'");
    writeFileSync(fileOf(heading), `${source}\nexport {};\n`);
  }
  writeFileSync(
    join(workDir, 'tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true }, include: ['*.ts'] }),
  );
});

beforeEach(() => {
  sd.defaults.reset();
  sd.defaults.device = 'system';
});

afterEach(async () => {
  sd.stop();
  await sd.wait();
  sd.defaults.reset();
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("README's Usage chapter", () => {
  it('has the sections of Python\'s usage chapter, each with snippets', () => {
    expect([...sections().keys()]).toEqual([
      'Playback',
      'Recording',
      'Simultaneous playback and recording',
      'Device selection',
      'Callback streams',
      'Blocking read/write streams',
    ]);
    for (const [heading, code] of sections()) expect(code.length, heading).toBeGreaterThan(0);
  });

  it('type-checks (strict)', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = promisify(execFile);
    await expect(run(process.execPath, [tsc, '-p', join(workDir, 'tsconfig.json')]).then(() => 'ok')).resolves.toBe('ok');
  }, 60_000);

  for (const heading of sections().keys()) {
    it(`"${heading}" runs`, async () => {
      await clearOut();
      await import(/* @vite-ignore */ `${fileOf(heading)}?t=${Date.now()}`);
      if (heading === 'Device selection') expect(statSync(testbed.outFile).size).toBeGreaterThan(4410 * 4);
    });
  }
});
