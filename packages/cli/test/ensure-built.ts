/**
 * vitest globalSetup: the tests run the built `dist/bin.js`; build it when it
 * is missing or older than a source file (turbo's `test` task builds first
 * anyway, this covers `npx vitest run` after an edit).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function setup(): void {
  const bin = join(root, 'dist', 'bin.js');
  const sources = Math.max(newestSource(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
  if (existsSync(bin) && statSync(bin).mtimeMs >= sources) return;
  execFileSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}
