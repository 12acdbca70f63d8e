// What the benchmark needs besides the built packages: system packages, a
// Python venv with sounddevice and numpy, the C floor program, and a private
// JACK dummy server (via @sounddevice/testbed, server name "bench").
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = path.dirname(BENCH_DIR);
export const BUILD_DIR = path.join(BENCH_DIR, '.build');
export const FLOOR = path.join(BUILD_DIR, 'floor');
export const SERVER_NAME = 'bench';
export const TESTBED_DIR = '/tmp/sounddevice-bench';
export const TESTBED_OPTIONS = { serverName: SERVER_NAME, dir: TESTBED_DIR };

function log(text) {
  process.stderr.write(`bench: ${text}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error)).trim().slice(-800)}`);
  }
  return r.stdout;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** gcc and portaudio19-dev for the floor (apt-get as root when missing). */
export async function ensureSystemPackages() {
  const testbed = await import('@sounddevice/testbed');
  await testbed.ensureInstalled(); // libportaudio2, portaudio19-dev, jackd2
  const missing = [];
  if (!have('gcc')) missing.push('gcc');
  if (!existsSync('/usr/include/portaudio.h')) missing.push('portaudio19-dev');
  if (!have('python3')) missing.push('python3', 'python3-venv');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !have('apt-get')) {
    throw new Error(`please install: ${missing.join(' ')}`);
  }
  log(`installing ${missing.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** A venv with sounddevice and numpy from PyPI; returns its python. */
export function ensureVenv(venvDir) {
  const python = path.join(venvDir, 'bin', 'python');
  const ok = () =>
    existsSync(python) && spawnSync(python, ['-c', 'import sounddevice, numpy'], { stdio: 'ignore' }).status === 0;
  if (ok()) return python;
  log(`creating the Python venv ${venvDir} (sounddevice, numpy from PyPI)`);
  if (!existsSync(python)) {
    const r = spawnSync('python3', ['-m', 'venv', venvDir], { encoding: 'utf8' });
    if (r.status !== 0) {
      if (process.getuid?.() === 0 && have('apt-get')) {
        run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-venv'], {
          env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        });
        run('python3', ['-m', 'venv', venvDir]);
      } else {
        throw new Error(`python3 -m venv failed: ${r.stderr}`);
      }
    }
  }
  run(python, ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip']);
  run(python, ['-m', 'pip', 'install', '--quiet', 'sounddevice', 'numpy']);
  if (!ok()) throw new Error('the venv cannot import sounddevice and numpy');
  return python;
}

/** Builds bench/floor.c when the binary is missing or older than the source. */
export function ensureFloor() {
  const src = path.join(BENCH_DIR, 'floor.c');
  if (existsSync(FLOOR) && statSync(FLOOR).mtimeMs >= statSync(src).mtimeMs) return FLOOR;
  mkdirSync(BUILD_DIR, { recursive: true });
  log('building the C floor (gcc -O2 -pthread floor.c -lportaudio)');
  run('gcc', ['-O2', '-Wall', '-pthread', '-o', FLOOR, src, '-lportaudio']);
  return FLOOR;
}

/** The built packages the Node cases import. */
export function checkBuilt() {
  const need = [
    'packages/raw/dist/index.js',
    'packages/raw/dist/processor-worker.mjs',
    'packages/core/dist/index.js',
    'packages/testbed/dist/index.js',
  ];
  const missing = need.filter((p) => !existsSync(path.join(ROOT_DIR, p)));
  const addon = readDirSafe(path.join(ROOT_DIR, 'packages/native-rs')).some((f) => f.endsWith('.node'));
  if (missing.length > 0 || !addon) {
    throw new Error(
      `the packages are not built (${[...missing, ...(addon ? [] : ['packages/native-rs/*.node'])].join(', ')}): ` +
        'run `pnpm install && pnpm build` (or scripts/setup.sh on a fresh machine) first',
    );
  }
  return { numeric: existsSync(path.join(ROOT_DIR, 'packages/numeric/dist/index.js')) };
}

function readDirSafe(dir) {
  try {
    return execFileSync('ls', [dir], { encoding: 'utf8' }).split('\n');
  } catch {
    return [];
  }
}

/** The machine, for the report. */
export function machineInfo(python) {
  const cpuModel = (/model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? '?').trim();
  const pyInfo = spawnSync(
    python,
    ['-c', 'import sys, sounddevice as sd, numpy; print(sys.version.split()[0], sd.__version__, numpy.__version__, sd.get_portaudio_version()[1])'],
    { encoding: 'utf8', env: process.env },
  ).stdout.trim().split(' ');
  const jackd = spawnSync('jackd', ['--version'], { encoding: 'utf8' }).stdout.match(/version ([\d.]+)/)?.[1] ?? '?';
  let commit = '?';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
    if (dirty) commit += ' (with uncommitted changes in packages/)';
  } catch {
    // not a git checkout
  }
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel,
    kernel: os.release(),
    os: (/PRETTY_NAME="(.*)"/.exec(readFileSafe('/etc/os-release'))?.[1]) ?? os.type(),
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    python: pyInfo[0],
    sounddevice: pyInfo[1],
    numpy: pyInfo[2],
    portaudio: pyInfo.slice(3).join(' ').replace(/, revision.*/, ''),
    jackd,
    commit,
  };
}

function readFileSafe(p) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
