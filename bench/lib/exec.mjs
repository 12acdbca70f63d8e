// Running one measurement in a fresh child process.
import { spawn } from 'node:child_process';

/**
 * Spawns `cmd args`, waits for it (killing it after `timeoutMs`), and returns
 * `{ result, wall, code }`: `result` is the JSON of the last stdout line that
 * starts with `RESULT ` or `{` (or `{ error }`), `wall` the seconds from spawn
 * to exit.
 */
export function runChild(cmd, args, { env, timeoutMs = 120_000, cwd } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ result: { error: String(e) }, wall: 0, code: -1, stderr });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const line = stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('RESULT ') || l.startsWith('{'))
        .pop();
      let result;
      try {
        result = line ? JSON.parse(line.replace(/^RESULT /, '')) : undefined;
      } catch {
        result = undefined;
      }
      if (result === undefined) {
        const why = signal ? `killed by ${signal}` : `exit ${code}`;
        result = { error: `${why}, no result: ${stderr.trim().slice(-600)}` };
      }
      resolve({ result, wall, code, stderr });
    });
  });
}
