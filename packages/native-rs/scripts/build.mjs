#!/usr/bin/env node
/**
 * Release build of the addon, as it is published.
 *
 *   node scripts/build.mjs                    # `pnpm --filter @sounddevice/native build`
 *   node scripts/build.mjs --target <triple> [napi build options]   # the release workflow
 *
 * 1. For Linux glibc targets (x64, arm64) on a Linux x64 host it links against a
 *    glibc 2.17 sysroot (`napi build --use-napi-cross`, the prebuilt gcc
 *    toolchain napi-rs ships on npm as `@napi-rs/cross-toolchain-*`), so the
 *    binary runs on any distribution with glibc >= 2.17 rather than only on the
 *    build machine's (Debian bookworm's 2.36 toolchain makes it require
 *    GLIBC_2.34). Anywhere else, or with SOUNDDEVICE_HOST_TOOLCHAIN=1, it is a
 *    plain `napi build --platform --release`.
 * 2. It writes `index.js`, `index.d.ts` and `sounddevice.<platform>.node` into a
 *    scratch folder and renames them into place, so processes that already
 *    loaded the old addon keep their (unlinked) copy instead of seeing the file
 *    change under them.
 * 3. The `.node` is then copied into its platform package (`npm/<platform>/`),
 *    which is what gets published.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(pkgDir, 'package.json'));
const napiBin = path.join(path.dirname(require.resolve('@napi-rs/cli/package.json')), 'cli.mjs');

/**
 * The `@napi-rs/cross-toolchain-<host>-target-<arch>` versions to use. The CLI's
 * own download asks for the version of `@napi-rs/cross-toolchain` it depends on
 * (1.0.5), which is not published for every target, so the toolchain is
 * unpacked here, where `napi build --use-napi-cross` looks for it first.
 */
const TOOLCHAIN_PACKAGES = {
  'x64/x86_64-unknown-linux-gnu': ['@napi-rs/cross-toolchain-x64-target-x86_64', '1.0.0'],
  'x64/aarch64-unknown-linux-gnu': ['@napi-rs/cross-toolchain-x64-target-aarch64', '1.0.3'],
};

const HOST_TRIPLES = { x64: 'x86_64-unknown-linux-gnu', arm64: 'aarch64-unknown-linux-gnu' };

function log(message) {
  process.stderr.write(`build: ${message}\n`);
}

function isGlibc() {
  const report = process.report?.getReport?.();
  return Boolean(report?.header?.glibcVersionRuntime);
}

/** Unpacks the cross toolchain for `triple` where napi looks for it; returns false if it cannot. */
function ensureCrossToolchain(triple) {
  const spec = TOOLCHAIN_PACKAGES[`${process.arch}/${triple}`];
  const cliRequire = createRequire(require.resolve('@napi-rs/cli/package.json'));
  let version;
  try {
    version = cliRequire('@napi-rs/cross-toolchain/package.json').version;
  } catch {
    return false;
  }
  const dest = path.join(os.homedir(), '.napi-rs', 'cross-toolchain', version, triple);
  if (existsSync(path.join(dest, 'package.json'))) return true;
  if (!spec) return false;
  const [name, pinned] = spec;
  log(`fetching ${name}@${pinned} (gcc + glibc 2.17 sysroot, ~50 MB, once per machine)`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sd-cross-'));
  try {
    execFileSync('npm', ['pack', `${name}@${pinned}`, '--pack-destination', scratch, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tgz = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack wrote no tarball');
    execFileSync('tar', ['-xzf', path.join(scratch, tgz), '-C', scratch]);
    const staging = `${dest}.partial-${process.pid}`;
    mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['-xJf', path.join(scratch, 'package', `${triple}.tar.xz`), '-C', staging]);
    rmSync(dest, { recursive: true, force: true });
    renameSync(staging, dest);
    return true;
  } catch (e) {
    log(`could not set up the cross toolchain: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function napi(args) {
  const r = spawnSync(process.execPath, [napiBin, ...args], { cwd: pkgDir, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// `--target <triple>` picks the target (default: the host); every other argument
// goes to `napi build` as it is (the release workflow passes `-x` for musl, say).
const argv = process.argv.slice(2);
const targetAt = argv.indexOf('--target');
const target = targetAt >= 0 ? argv[targetAt + 1] : undefined;
if (targetAt >= 0) argv.splice(targetAt, 2);
const buildArgs = ['build', '--platform', '--release', ...argv];
const glibcTarget = target ?? (process.platform === 'linux' && isGlibc() ? HOST_TRIPLES[process.arch] : undefined);
if (
  process.platform === 'linux' &&
  HOST_TRIPLES[process.arch] &&
  glibcTarget?.endsWith('-unknown-linux-gnu') &&
  process.env.SOUNDDEVICE_HOST_TOOLCHAIN !== '1'
) {
  if (ensureCrossToolchain(glibcTarget)) {
    buildArgs.push('--target', glibcTarget, '--use-napi-cross');
    log(`${glibcTarget} against glibc 2.17 (napi-rs cross toolchain)`);
  } else if (target) {
    log(`cannot set up the glibc 2.17 toolchain for ${target}`);
    process.exit(1);
  } else {
    log(`WARNING: host toolchain build: the binary will need this machine's glibc (${process.report.getReport().header.glibcVersionRuntime})`);
  }
} else if (target) {
  buildArgs.push('--target', target);
}

const outDir = path.join(pkgDir, '.napi-out');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir);
napi([...buildArgs, '--output-dir', outDir]);
for (const file of readdirSync(outDir)) {
  if (file === 'index.js' || file === 'index.d.ts' || file.endsWith('.node')) {
    renameSync(path.join(outDir, file), path.join(pkgDir, file));
  }
}
rmSync(outDir, { recursive: true, force: true });

// Copy the built .node into its platform package, npm/<platform>/ (what
// `napi artifacts` does in the release workflow, which insists on every target's
// binary), through a rename so a process holding the old file is not disturbed.
for (const file of readdirSync(pkgDir)) {
  const m = /^sounddevice\.(.+)\.node$/.exec(file);
  if (!m) continue;
  const platformDir = path.join(pkgDir, 'npm', m[1]);
  if (!existsSync(path.join(platformDir, 'package.json'))) {
    log(`no platform package npm/${m[1]} for ${file} (not a configured target)`);
    continue;
  }
  const tmp = path.join(platformDir, `.${file}.${process.pid}`);
  copyFileSync(path.join(pkgDir, file), tmp);
  renameSync(tmp, path.join(platformDir, file));
  log(`${file} -> npm/${m[1]}/`);
}
