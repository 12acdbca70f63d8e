#!/usr/bin/env node
/**
 * Copies the built workspace packages the Wine tests import (@sounddevice/
 * numeric and everything it depends on, with the Windows platform package)
 * into `<dest>/node_modules`, flat and without symlinks: Node under Wine does
 * not follow pnpm's symlinked layout (a package's own dependencies, such as
 * ndarray's iota-array, are not found). The layout is what `npm install`
 * gives a Windows user.
 *
 *   node flat-install.mjs <dest>
 */
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dest = path.resolve(process.argv[2] ?? '');
const WINDOWS_PACKAGE = '@sounddevice/native-win32-x64-msvc';
const roots = ['@sounddevice/numeric', '@sounddevice/raw', '@sounddevice/core'];

/** The folder of package `name` as seen from the package folder `from`. */
function packageDir(name, from) {
  const req = createRequire(path.join(from, 'package.json'));
  let dir;
  try {
    dir = path.dirname(req.resolve(`${name}/package.json`));
  } catch {
    // packages without "./package.json" in their exports: walk node_modules
    for (let d = from; ; d = path.dirname(d)) {
      const c = path.join(d, 'node_modules', name);
      if (existsSync(path.join(c, 'package.json'))) { dir = c; break; }
      if (path.dirname(d) === d) throw new Error(`${name} not found from ${from}`);
    }
  }
  return realpathSync(dir);
}

rmSync(path.join(dest, 'node_modules'), { recursive: true, force: true });
mkdirSync(path.join(dest, 'node_modules'), { recursive: true });
const done = new Map();
const queue = roots.map((name) => [name, here]);
while (queue.length) {
  const [name, from] = queue.shift();
  if (done.has(name)) continue;
  const dir = packageDir(name, from);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  done.set(name, manifest.version);
  cpSync(dir, path.join(dest, 'node_modules', name), {
    recursive: true,
    dereference: true,
    filter: (src) => !/[\\/](node_modules|src|target|test|\.turbo|portaudio-sys|scripts|npm)$/.test(src) || src === dir,
  });
  for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push([dep, dir]);
  if (name === '@sounddevice/native') queue.push([WINDOWS_PACKAGE, path.join(dir, 'npm', 'win32-x64-msvc')]);
}
// The Windows platform package is a folder of native-rs (npm/win32-x64-msvc).
const win = path.join(dest, 'node_modules', WINDOWS_PACKAGE);
for (const f of ['sounddevice.win32-x64-msvc.node', 'libportaudio.dll']) {
  if (!existsSync(path.join(win, f))) throw new Error(`${WINDOWS_PACKAGE} lacks ${f}: run packages/native-rs/scripts/windows/build.sh`);
}
process.stdout.write(`${[...done].map(([n, v]) => `${n}@${v}`).join(' ')}\n`);
