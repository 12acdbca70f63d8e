/**
 * A throwaway Verdaccio (the version pinned in ../../verdaccio/package-lock.json)
 * on 127.0.0.1 with its storage, config and user in a temporary folder. Our own
 * `@sounddevice/*` packages are served only from that storage; everything else
 * is proxied to the registry npm is configured with on this machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { run, userEnv } from './run.js';

const verdaccioDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../verdaccio');

/** Installs the pinned Verdaccio with `npm ci` unless it is already installed from the same lock file. */
export async function ensureVerdaccio(): Promise<string> {
  const bin = path.join(verdaccioDir, 'node_modules/verdaccio/bin/verdaccio');
  const lock = path.join(verdaccioDir, 'package-lock.json');
  const installedLock = path.join(verdaccioDir, 'node_modules/.package-lock.json');
  const upToDate = existsSync(bin) && existsSync(installedLock) && statSync(installedLock).mtimeMs >= statSync(lock).mtimeMs;
  if (!upToDate) {
    await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: verdaccioDir,
      env: userEnv({}),
      timeoutMs: 300_000,
    });
  }
  return bin;
}

/** The registry npm uses on this machine: what Verdaccio proxies third-party packages to. */
export async function upstreamRegistry(): Promise<string> {
  const { stdout } = await run('npm', ['config', 'get', 'registry'], { cwd: verdaccioDir, env: userEnv({}) });
  const url = stdout.trim();
  if (!/^https?:\/\//.test(url)) throw new Error(`npm config get registry gave ${JSON.stringify(url)}`);
  return url;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Registry {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** An `.npmrc` pointing at the registry with a publish token. */
  npmrc: string;
  /** Verdaccio's log file. */
  log: string;
  stop(): Promise<void>;
}

/** Starts Verdaccio in `dir` (config, storage, log) and registers a user that may publish. */
export async function startRegistry(dir: string): Promise<Registry> {
  const bin = await ensureVerdaccio();
  const upstream = await upstreamRegistry();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  mkdirSync(path.join(dir, 'storage'), { recursive: true });
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
      '    max_users: 10',
      'uplinks:',
      '  upstream:',
      `    url: ${JSON.stringify(upstream)}`,
      '    timeout: 60s',
      '    maxage: 30m',
      'packages:',
      // Ours come from this registry only: never a same-named package upstream.
      "  '@sounddevice/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: upstream',
      'web:',
      '  enable: false',
      'max_body_size: 200mb',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const log = path.join(dir, 'verdaccio.log');
  const fd = openSync(log, 'a');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    env: userEnv({}),
    stdio: ['ignore', fd, fd],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${readFileSync(log, 'utf8')}`);
      try {
        const r = await fetch(`${url}-/ping`);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url} within 30 s:\n${readFileSync(log, 'utf8')}`);
      await delay(100);
    }
    const user = 'sounddevice-ci';
    const res = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user, password: 'registry-test-only', type: 'user', roles: [], date: new Date().toISOString() }),
    });
    const body = (await res.json()) as { token?: string };
    if (!res.ok || !body.token) throw new Error(`could not add a user: ${res.status} ${JSON.stringify(body)}`);
    const npmrc = path.join(dir, 'npmrc');
    const hostPath = url.replace(/^https?:/, '');
    writeFileSync(npmrc, `registry=${url}\n${hostPath}:_authToken=${body.token}\n`);
    return { url, npmrc, log, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
