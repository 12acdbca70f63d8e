/**
 * The Python side's environment: a venv with `sounddevice` and `numpy` from
 * PyPI, created on first use (as root, `python3-venv` is installed with
 * apt-get when `python3 -m venv` is missing), kept between runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `packages/parity/.venv` (git-ignored); `SOUNDDEVICE_PARITY_VENV` overrides it. */
export const VENV_DIR =
  process.env.SOUNDDEVICE_PARITY_VENV ?? fileURLToPath(new URL('../.venv', import.meta.url));

function _log(text: string): void {
  process.stderr.write(`parity: ${text}\n`);
}

function _run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || String(r.error)).trim().slice(-800);
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${why}`);
  }
}

function _has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function _imports(python: string): boolean {
  return existsSync(python) && spawnSync(python, ['-c', 'import sounddevice, numpy'], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian packages as root, or says what to install. */
function _aptInstall(packages: string[]): void {
  if (process.getuid?.() !== 0 || !_has('apt-get')) {
    throw new Error(`please install: ${packages.join(' ')} (the parity tests need Python 3 with venv)`);
  }
  _log(`installing ${packages.join(' ')}`);
  _run('apt-get', ['update', '-qq']);
  _run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

function _createVenv(dir: string): void {
  if (!_has('python3')) _aptInstall(['python3', 'python3-venv']);
  const first = spawnSync('python3', ['-m', 'venv', '--clear', dir], { encoding: 'utf8' });
  if (first.status === 0) return;
  _aptInstall(['python3-venv']);
  _run('python3', ['-m', 'venv', '--clear', dir]);
}

/**
 * Returns the venv's `python`, creating the venv (and installing
 * `sounddevice` and `numpy` into it) when it cannot import both.
 */
export function ensureVenv(dir: string = VENV_DIR): string {
  const python = path.join(dir, 'bin', 'python');
  if (_imports(python)) return python;
  _log(`creating the Python venv ${dir} (sounddevice, numpy from PyPI)`);
  if (!existsSync(python)) _createVenv(dir);
  _run(python, ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip']);
  _run(python, ['-m', 'pip', 'install', '--quiet', 'sounddevice', 'numpy']);
  if (!_imports(python)) throw new Error(`the venv ${dir} cannot import sounddevice and numpy`);
  return python;
}
