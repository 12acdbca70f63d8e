/**
 * The three ways users install sounddevice, proven against a real registry:
 * every package is packed from this build and published to a local Verdaccio,
 * then installed with plain npm in fresh folders outside the workspace and run
 * against the testbed's virtual devices.
 *
 * 1. `npm install @sounddevice/raw`: no array library comes with it; devices are
 *    listed and a buffer plays into vfile_out, from `import` and `require`; with
 *    the platform package gone, the error names it.
 * 2. `npm install @sounddevice/numeric`: play() and rec() with exact content.
 * 3. `npx @sounddevice/cli devices` / `tone`.
 * 4. A plain CommonJS project; 5. a strict TypeScript project type-checked
 *    against the published .d.ts files.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type TestbedInfo, clearOutFile, readOutFile, writeInFile } from '@sounddevice/testbed';
import {
  PLATFORMS,
  type Packed,
  USER_PACKAGES,
  hostPlatform,
  maxGlibc,
  pack,
  problems,
  publishablePackages,
  repoRoot,
} from './lib/packages.js';
import { run, userEnv } from './lib/run.js';
import { type Registry, startRegistry } from './lib/verdaccio.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sounddeviceTestbed: TestbedInfo;
  }
}

const WIN_ADDON = 'sounddevice.win32-x64-msvc.node';

/** The machine field of a PE file's COFF header (0x8664: x86-64), or -1. */
function peMachine(file: string): number {
  const b = readFileSync(file);
  if (b.length < 64 || b.toString('latin1', 0, 2) !== 'MZ') return -1;
  const pe = b.readUInt32LE(0x3c);
  if (b.toString('latin1', pe, pe + 4) !== 'PE\0\0') return -1;
  return b.readUInt16LE(pe + 4);
}

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const testbed = inject('sounddeviceTestbed');
const startedAt = Date.now();

let work: string;
let registry: Registry;
let packed: Packed[] = [];
/** Environment of a user's shell: npm pointed at the local registry, the testbed's devices. */
let env: NodeJS.ProcessEnv;

/** A fresh folder outside the workspace, with `files` from fixtures/`fixture` copied in. */
function freshProject(label: string, fixture?: string): string {
  const dir = mkdtempSync(path.join(work, `user-${label}-`));
  expect(path.relative(repoRoot, dir).startsWith('..')).toBe(true);
  if (fixture) cpSync(path.join(fixtures, fixture), dir, { recursive: true });
  if (!existsSync(path.join(dir, 'package.json'))) {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `sd-user-${label}`, version: '1.0.0', private: true }, null, 2));
  }
  return dir;
}

async function npm(dir: string, args: string[], timeoutMs = 180_000) {
  return run('npm', [...args, '--no-audit', '--no-fund'], { cwd: dir, env, timeoutMs });
}

async function node(dir: string, script: string, extraEnv: Record<string, string> = {}) {
  const r = await run(process.execPath, [script], { cwd: dir, env: { ...env, ...extraEnv }, timeoutMs: 60_000 });
  const lastLine = r.stdout.trim().split('\n').pop() ?? '';
  return { ...r, json: JSON.parse(lastLine) as Record<string, unknown> };
}

/** Every package folder under node_modules, nested ones included, as `name` (`@scope/name`). */
function installedPackages(dir: string): string[] {
  const out: string[] = [];
  const visit = (nm: string): void => {
    if (!existsSync(nm)) return;
    for (const entry of readdirSync(nm)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@') ? readdirSync(path.join(nm, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        out.push(name);
        visit(path.join(nm, name, 'node_modules'));
      }
    }
  };
  visit(path.join(dir, 'node_modules'));
  return out;
}

function int16Pattern(frames: number): Buffer {
  const b = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) b.writeInt16LE(((i * 7919) % 20000) - 10000, i * 2);
  return b;
}

async function outFileHas(expected: Uint8Array): Promise<boolean> {
  return Buffer.from(await readOutFile(testbed)).indexOf(Buffer.from(expected)) >= 0;
}

/**
 * Whether every non-zero sample of `expected` (int16) reached vfile_out, in order.
 * For blocking writes: vfile_out takes audio faster than real time, so when the
 * writing process falls behind, the device plays silence in between (an
 * underflow, as on real hardware), which this check allows.
 */
async function outFileHasInt16InOrder(expected: Buffer): Promise<boolean> {
  const out = Buffer.from(await readOutFile(testbed));
  const nonZero = (b: Buffer): Buffer => {
    const samples = new Int16Array(Uint8Array.from(b.subarray(0, b.byteLength - (b.byteLength % 2))).buffer);
    return Buffer.from(Int16Array.from(samples.filter((v) => v !== 0)).buffer);
  };
  return nonZero(out).indexOf(nonZero(expected)) >= 0;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sd-registry-test-'));
  registry = await startRegistry(path.join(work, 'verdaccio'));
  env = userEnv({
    ...testbed.env,
    npm_config_userconfig: registry.npmrc,
    npm_config_registry: registry.url,
    npm_config_cache: path.join(work, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  });
  console.log(`registry test: Verdaccio on ${registry.url}, work folder ${work}`);
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`registry test: ${((Date.now() - startedAt) / 1000).toFixed(1)} s in all`);
});

describe('packages as published', () => {
  it('packs every package of this build; contents, sizes and metadata are right', { timeout: 900_000 }, async () => {
    const all = publishablePackages();
    const names = all.map((p) => p.manifest.name);
    for (const name of USER_PACKAGES) expect(names).toContain(name);
    for (const platform of PLATFORMS) expect(names).toContain(`@sounddevice/native-${platform}`);

    // The Windows x64 package is cross-built here (addon + PortAudio DLL); in CI
    // its build is made now if the Wine tests did not make it yet (cached).
    const winDir = path.join(repoRoot, 'packages', 'native-rs', 'npm', 'win32-x64-msvc');
    const winFiles = [WIN_ADDON, 'libportaudio.dll', 'PORTAUDIO-LICENSE.txt'];
    if (process.env.CI && !winFiles.every((f) => existsSync(path.join(winDir, f)))) {
      await run('bash', [path.join(repoRoot, 'packages', 'native-rs', 'scripts', 'windows', 'build.sh')], { cwd: repoRoot, env: { ...process.env } as Record<string, string>, timeoutMs: 900_000 });
    }

    // Platform packages are published only with their binary; here that is this machine's.
    const host = `@sounddevice/native-${hostPlatform()}`;
    const toPublish = all.filter((p) => {
      if (!p.manifest.name.startsWith('@sounddevice/native-')) return true;
      const main = p.manifest.main as string;
      return existsSync(path.join(p.dir, main));
    });
    expect(toPublish.map((p) => p.manifest.name), `the build put ${host}'s binary in place`).toContain(host);

    const outDir = path.join(work, 'tarballs');
    mkdirSync(outDir, { recursive: true });
    packed = [];
    for (const p of toPublish) packed.push(await pack(p, outDir));

    for (const p of packed) {
      console.log(`\n${p.manifest.name}@${p.manifest.version}\n${p.report}`);
    }
    const issues = packed.flatMap((p) => problems(p).map((s) => `${p.manifest.name}: ${s}`));
    expect(issues).toEqual([]);

    // One version for the native packages (the changesets "fixed" group), exact optional dependencies.
    const native = packed.find((p) => p.manifest.name === '@sounddevice/native')!;
    const version = native.published.version;
    expect(native.published.optionalDependencies).toEqual(Object.fromEntries(PLATFORMS.map((pl) => [`@sounddevice/native-${pl}`, version])));
    expect(native.files.filter((f) => f.endsWith('.node'))).toEqual([]);
    for (const p of all.filter((q) => q.manifest.name.startsWith('@sounddevice/native-'))) {
      expect(p.manifest.version, p.manifest.name).toBe(version);
      const platform = p.manifest.name.slice('@sounddevice/native-'.length);
      expect(p.manifest.main).toBe(`sounddevice.${platform}.node`);
      expect(p.manifest.files).toEqual(platform === 'win32-x64-msvc' ? winFiles : [`sounddevice.${platform}.node`]);
      expect(p.manifest.os).toEqual([platform.split('-')[0]]);
    }

    // The Linux binary asks for nothing newer than glibc 2.17.
    const binary = packed.find((p) => p.manifest.name === host)!;
    expect(binary.files).toContain(`sounddevice.${hostPlatform()}.node`);
    if (hostPlatform().endsWith('-gnu')) {
      const glibc = maxGlibc(path.join(binary.root, `sounddevice.${hostPlatform()}.node`));
      console.log(`\n${host}: highest glibc symbol version GLIBC_${glibc?.join('.')}`);
      expect(glibc).not.toBeNull();
      expect(glibc![0] * 1000 + glibc![1]).toBeLessThanOrEqual(2 * 1000 + 17);
    }

    // The Windows package: the addon and the PortAudio DLL beside it, both PE
    // files (DLLs) for x86-64.
    const win = packed.find((p) => p.manifest.name === '@sounddevice/native-win32-x64-msvc');
    if (process.env.CI) expect(win, 'the Windows x64 package is published').toBeDefined();
    if (win) {
      expect(win.files.sort()).toEqual([...winFiles, 'LICENSE', 'README.md', 'package.json'].sort());
      for (const f of [WIN_ADDON, 'libportaudio.dll']) expect(peMachine(path.join(win.root, f)), f).toBe(0x8664);
    }

    // raw itself depends on no array library.
    const raw = packed.find((p) => p.manifest.name === '@sounddevice/raw')!;
    expect(Object.keys((raw.published.dependencies as Record<string, string>) ?? {}).sort()).toEqual(['@sounddevice/core', '@sounddevice/native']);
  });

  it('publishes them all to the local registry', async () => {
    expect(packed.length).toBeGreaterThanOrEqual(USER_PACKAGES.length + 1);
    for (const p of packed) {
      await npm(work, ['publish', p.tarball, '--registry', registry.url, '--access', 'public', '--tag', 'latest']);
    }
    const { stdout } = await npm(work, ['view', '@sounddevice/numeric', 'version', 'dependencies', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ version: packed.find((p) => p.manifest.name === '@sounddevice/numeric')!.manifest.version });
  });
});

describe('Windows x64 package from the registry', () => {
  it('installs (as on Windows: --force past the os/cpu check) with the addon and the PortAudio DLL side by side', async () => {
    if (!packed.some((p) => p.manifest.name === '@sounddevice/native-win32-x64-msvc')) {
      expect(process.env.CI, 'the Windows package is built in CI').toBeFalsy();
      return;
    }
    const dir = freshProject('win32');
    await npm(dir, ['install', '--force', '--no-audit', '--no-fund', '@sounddevice/native-win32-x64-msvc']);
    const pkg = path.join(dir, 'node_modules', '@sounddevice', 'native-win32-x64-msvc');
    for (const f of [WIN_ADDON, 'libportaudio.dll', 'PORTAUDIO-LICENSE.txt']) expect(existsSync(path.join(pkg, f)), f).toBe(true);
    expect(peMachine(path.join(pkg, 'libportaudio.dll'))).toBe(0x8664);
    expect(JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')).main).toBe(WIN_ADDON);
  });
});

describe('1. npm install @sounddevice/raw', () => {
  let dir: string;

  it('installs no array library, and the binary of this platform only', async () => {
    dir = freshProject('raw', 'raw');
    await npm(dir, ['install', '@sounddevice/raw']);
    const installed = installedPackages(dir);
    expect(installed).toContain('@sounddevice/raw');
    expect(installed).toContain(`@sounddevice/native-${hostPlatform()}`);
    const arrayLibraries = installed.filter((n) => /^(ndarray|ndarray-.*|@stdlib\/.*|@types\/ndarray|mathjs|numjs|@tensorflow\/.*)$/.test(n));
    expect(arrayLibraries).toEqual([]);
    const otherBinaries = installed.filter((n) => n.startsWith('@sounddevice/native-') && n !== `@sounddevice/native-${hostPlatform()}`);
    expect(otherBinaries).toEqual([]);
    console.log(`raw installs: ${installed.join(', ')}`);
  });

  it('lists devices and plays a buffer, from import', async () => {
    await clearOutFile(testbed);
    const { json } = await node(dir, 'play.mjs');
    expect(json.devices).toEqual(expect.arrayContaining(['vfile_out', 'vfile_in']));
    expect(String(json.version)).toMatch(/^PortAudio V19/);
    expect(await outFileHasInt16InOrder(int16Pattern(4800))).toBe(true);
  });

  it('lists devices and plays a buffer, from require', async () => {
    await clearOutFile(testbed);
    const { json } = await node(dir, 'play.cjs');
    expect(json.devices).toEqual(expect.arrayContaining(['vfile_out', 'vfile_in']));
    expect(await outFileHasInt16InOrder(int16Pattern(4800))).toBe(true);
  });

  it('without the platform package, the first call names the missing package', async () => {
    const pkg = path.join(dir, 'node_modules/@sounddevice', `native-${hostPlatform()}`);
    const aside = `${pkg}.aside`;
    renameSync(pkg, aside);
    try {
      const { json } = await node(dir, 'missing-binary.mjs');
      expect(json.threw).toBe(true);
      expect(String(json.message)).toContain(`@sounddevice/native-${hostPlatform()}`);
      console.log(`missing binary: ${String(json.name)}: ${String(json.message)}`);
    } finally {
      renameSync(aside, pkg);
    }
  });
});

describe('2. npm install @sounddevice/numeric', () => {
  it('play() and rec() run against the testbed with exact content', async () => {
    const dir = freshProject('numeric', 'numeric');
    await npm(dir, ['install', '@sounddevice/numeric']);
    expect(installedPackages(dir)).toContain('ndarray');

    const n = 4800;
    const input = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      input[2 * i] = (i % 97) / 128;
      input[2 * i + 1] = -((i % 89) / 128);
    }
    await writeInFile(testbed, new Uint8Array(input.buffer));
    await clearOutFile(testbed);

    const { json } = await node(dir, 'play-rec.mjs');
    expect(json).toMatchObject({ shape: [n, 2], dtype: 'float32' });
    const recorded = readFileSync(path.join(dir, 'recorded.raw'));
    expect(Buffer.compare(recorded, Buffer.from(input.buffer))).toBe(0);

    const played = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      played[2 * i] = ((i % 200) - 100) / 128;
      played[2 * i + 1] = -((i % 200) - 100) / 256;
    }
    expect(await outFileHas(new Uint8Array(played.buffer))).toBe(true);
  });
});

describe('3. npx @sounddevice/cli', () => {
  it('devices lists the testbed devices', async () => {
    const dir = freshProject('npx');
    const { stdout } = await run('npx', ['--yes', '@sounddevice/cli', 'devices'], { cwd: dir, env, timeoutMs: 180_000 });
    console.log(stdout);
    expect(stdout).toMatch(/vfile_out/);
    expect(stdout).toMatch(/vfile_in/);
  });

  it('tone plays into vfile_out', async () => {
    const dir = freshProject('npx-tone');
    await clearOutFile(testbed);
    const { stdout } = await run('npx', ['--yes', '@sounddevice/cli', 'tone', '--device', 'vfile_out', '--duration', '0.1'], {
      cwd: dir,
      env,
      timeoutMs: 120_000,
    });
    console.log(stdout);
    expect(stdout).toMatch(/Played .*vfile_out/);
    const out = await readOutFile(testbed);
    expect(out.some((b) => b !== 0)).toBe(true);
  });
});

describe('4. a plain CommonJS project', () => {
  it('requires raw and numeric, plays, and sees one set of error classes', async () => {
    const dir = freshProject('cjs', 'cjs-app');
    await npm(dir, ['install', '@sounddevice/numeric', '@sounddevice/raw']);
    await clearOutFile(testbed);
    const { json } = await node(dir, 'index.js');
    expect(json.devices).toBeGreaterThan(0);
    expect(json.samePortAudioError).toBe(true);
    expect(json.notFound).toMatchObject({ rangeError: true, sameClassAsRaw: true });
    const tone = new Float32Array(4800);
    for (let i = 0; i < tone.length; i++) tone[i] = Math.fround(0.25 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
    expect(await outFileHas(new Uint8Array(tone.buffer))).toBe(true);
  });
});

describe('5. a TypeScript project', () => {
  it('type-checks against the published .d.ts (strict, skipLibCheck off, ESM and CommonJS)', async () => {
    const dir = freshProject('ts', 'ts-app');
    await npm(dir, ['install', '@sounddevice/numeric', '@sounddevice/raw', 'typescript@~5.9.0', '@types/node@^20']);
    const r = await run(process.execPath, [path.join(dir, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: dir, env, check: false });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.code).toBe(0);
  });
});
