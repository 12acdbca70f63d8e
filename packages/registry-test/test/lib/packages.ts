/**
 * The workspace's publishable packages: found, packed with `pnpm pack` (which
 * turns `workspace:` ranges into versions, as `pnpm publish` does), unpacked
 * and checked as a user would receive them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, userEnv } from './run.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The packages users install; the test fails if one of them is not published. */
export const USER_PACKAGES = ['@sounddevice/core', '@sounddevice/native', '@sounddevice/raw', '@sounddevice/numeric', '@sounddevice/cli', '@sounddevice/testbed'];

/** `@sounddevice/native`'s platform packages, as napi-rs names them. The platform packages published (CI builds and tests each); the others under npm/ are private. */
export const PLATFORMS = ['linux-x64-gnu', 'linux-arm64-gnu', 'win32-x64-msvc'];

/** The platform package of this machine (as the generated loader picks it). */
export function hostPlatform(): string {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const abi = process.platform === 'linux' ? (report.header?.glibcVersionRuntime ? '-gnu' : '-musl') : process.platform === 'win32' ? '-msvc' : '';
  return `${process.platform}-${process.arch}${abi}`;
}

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  [key: string]: unknown;
}

export interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every non-private package of the workspace (packages/* and the native platform packages). */
export function publishablePackages(): WorkspacePackage[] {
  const dirs = [
    ...readdirSync(path.join(repoRoot, 'packages')).map((d) => path.join(repoRoot, 'packages', d)),
    ...readdirSync(path.join(repoRoot, 'packages/native-rs/npm')).map((d) => path.join(repoRoot, 'packages/native-rs/npm', d)),
  ];
  return dirs
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readManifest(dir) }))
    .filter((p) => !p.manifest.private);
}

export interface Packed extends WorkspacePackage {
  tarball: string;
  /** Where the tarball was unpacked (its `package/` folder). */
  root: string;
  /** Paths inside the package, `/`-separated. */
  files: string[];
  /** package.json as published. */
  published: Manifest;
  /** `npm pack --dry-run`'s report: files, sizes, integrity. */
  report: string;
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** Packs `pkg` into `outDir`, unpacks it beside, and asks `npm pack --dry-run` for the size report. */
export async function pack(pkg: WorkspacePackage, outDir: string): Promise<Packed> {
  const env = userEnv({ npm_config_update_notifier: 'false' });
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', outDir, '--json'], { cwd: pkg.dir, env });
  const tarball = (JSON.parse(stdout.slice(stdout.indexOf('{'))) as { filename: string }).filename;
  const unpackTo = path.join(outDir, 'unpacked', pkg.manifest.name.replace('/', '__'));
  mkdirSync(unpackTo, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', unpackTo], { cwd: outDir, env });
  const root = path.join(unpackTo, 'package');
  const report = await run('npm', ['pack', '--dry-run', '--ignore-scripts'], { cwd: pkg.dir, env });
  return {
    ...pkg,
    tarball,
    root,
    files: walk(root).sort(),
    published: readManifest(root),
    report: (report.stderr + report.stdout)
      .split('\n')
      .filter((l) => l.startsWith('npm notice') && !/Unknown (user|env) config/.test(l))
      .join('\n'),
  };
}

/** The highest `GLIBC_x.y` symbol version a shared object asks for, e.g. `[2, 17]`. */
export function maxGlibc(file: string): [number, number] | null {
  const text = readFileSync(file).toString('latin1');
  let best: [number, number] | null = null;
  for (const m of text.matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
    const v: [number, number] = [Number(m[1]), Number(m[2])];
    if (!best || v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  }
  return best;
}

const FORBIDDEN = [
  { re: /(^|\/)(test|tests|__tests__|fixtures)\//, why: 'test folder' },
  { re: /\.(test|spec)\.[cm]?[jt]sx?$/, why: 'test file' },
  { re: /(^|\/)src\/.*\.[cm]?tsx?$/, why: 'TypeScript source' },
  { re: /(^|\/)(tsconfig[^/]*\.json|tsup\.config\.[cm]?[jt]s|vitest\.config\.[cm]?[jt]s|turbo\.json)$/, why: 'build config' },
  { re: /(^|\/)(node_modules|\.turbo|target)\//, why: 'build folder' },
  { re: /\.(rs|toml|lock)$/, why: 'Rust source' },
];

/** What is wrong with a packed package, one line each (empty: nothing). */
export function problems(p: Packed): string[] {
  const out: string[] = [];
  const m = p.published;
  const has = (file: string): boolean => p.files.includes(file.replace(/^\.\//, ''));
  for (const f of p.files) {
    for (const { re, why } of FORBIDDEN) if (re.test(f)) out.push(`${f}: ${why} in the package`);
  }
  if (!p.files.some((f) => /^readme\.md$/i.test(f))) out.push('no README.md');
  const engines = m.engines as { node?: string } | undefined;
  if (!engines?.node) out.push('no engines.node');
  if ((m.publishConfig as { access?: string } | undefined)?.access !== 'public') out.push('publishConfig.access is not "public"');
  if (!m.license) out.push('no license');
  if (!p.files.includes('LICENSE')) out.push('no LICENSE file');
  // npm provenance ties the package to its source repository
  const repo = m.repository as { url?: string; directory?: string } | undefined;
  if (!repo?.url?.startsWith('git+https://github.com/')) out.push('no repository.url (npm provenance needs it)');
  if (!repo?.directory) out.push('no repository.directory');
  if (!m.homepage) out.push('no homepage');
  if (!(m.bugs as { url?: string } | undefined)?.url) out.push('no bugs.url');
  if (!Array.isArray(m.files)) out.push('no "files" list');
  if (!m.description) out.push('no description');
  const text = JSON.stringify(m);
  if (text.includes('workspace:')) out.push('a workspace: range survived packing');
  // Every entry point the manifest names is in the tarball.
  const targets: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') targets.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect(m.exports);
  collect(m.bin);
  for (const key of ['main', 'module', 'types']) if (typeof m[key] === 'string') targets.push(m[key] as string);
  for (const t of new Set(targets)) if (!t.includes('*') && !has(t)) out.push(`${t} is named in package.json but not packed`);
  return out;
}

export function fileSize(p: Packed, file: string): number {
  return statSync(path.join(p.root, file)).size;
}
