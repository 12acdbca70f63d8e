// Runs the README's code snippets for this package (the first look, callback
// streams, blocking read/write) against the testbed, so they cannot go stale.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '../../../README.md'), 'utf8');
const rawEntry = pathToFileURL(join(here, '../dist/index.js')).href;
const run = promisify(execFile);

/** The ```ts blocks of the README section with this heading. */
function snippets(heading: string): string[] {
  const start = readme.indexOf(`# ${heading}\n`);
  expect(start, `README section "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = readme.slice(start + 2).search(/\n###? /);
  const section = readme.slice(start, end < 0 ? undefined : start + 2 + end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

async function runSnippet(code: string): Promise<{ stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sd-readme-'));
  writeFileSync(join(dir, 'wire.mjs'), 'export default function (indata, outdata) { outdata.set(indata); }\n');
  const file = join(dir, 'snippet.mjs');
  writeFileSync(file, code.replaceAll("'@sounddevice/raw'", `'${rawEntry}'`));
  return run(process.execPath, [file], { cwd: dir, timeout: 20_000 });
}

describe('README snippets', () => {
  it('"A first look" lists the devices and plays to vfile_out', async () => {
    const [code] = snippets('A first look');
    const { stdout } = await runSnippet(code!);
    expect(stdout).toContain('vfile_out, ALSA');
  });

  it('"Callback streams" run: a wire stopped by CallbackStop, and a processor', async () => {
    const [callback, processor] = snippets('Callback streams on bytes');
    expect((await runSnippet(callback!)).stdout).toContain('finished after 50 blocks');
    await runSnippet(processor!);
  });

  it('"Blocking read/write" runs', async () => {
    const [code] = snippets('Blocking read/write on bytes');
    await runSnippet(code!);
  });

  it('"Devices that come and go" refreshes under a running stream and watches until the signal aborts', async () => {
    const [code] = snippets('Devices that come and go');
    const { stdout } = await runSnippet(code!);
    expect(stdout).toContain('vnull, ALSA');
  });
});
