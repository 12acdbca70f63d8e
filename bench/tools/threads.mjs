// Per-thread CPU of one benchmark case, without a profiler's overhead: reads
// /proc/<pid>/task/*/schedstat (run time in ns, timeslices) at the start and
// end of a window and divides by the audio blocks of the window.
//
//   eval "$(node packages/testbed/dist/bin.js env --dir /tmp/sounddevice-bench --server bench)"
//   node packages/testbed/dist/bin.js start --dir /tmp/sounddevice-bench --server bench --period 256
//   node bench/tools/threads.mjs node '{"case":"stream","mode":"processor","blockSize":256,"cushion":2,"seconds":8,"warmup":0.5}'
//   node bench/tools/threads.mjs python '{"case":"stream","blockSize":256,"seconds":8,"warmup":0.5}'
//   node bench/tools/threads.mjs floor duplex 256 8 0.5
//
// Labels: the process's first thread is `main`; `sounddevice-pump` is the
// pump; among the other busy threads, the one created first is PortAudio's
// JACK client thread (`audio`) and a later one a `processor` worker.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { foreignLoad, foreignSnapshot, waitQuiet } from '../lib/quiet.mjs';

const BENCH = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [impl, ...rest] = process.argv.slice(2);
const spec = impl === 'floor' ? undefined : JSON.parse(rest[0] ?? '{}');
const seconds = impl === 'floor' ? Number(rest[2] ?? 8) : (spec.seconds ?? 8);
const blockSize = impl === 'floor' ? Number(rest[1] ?? 256) : (spec.blockSize ?? 256);
const cmd =
  impl === 'node'
    ? [process.execPath, path.join(BENCH, 'node-case.mjs'), rest[0]]
    : impl === 'python'
      ? [path.join(BENCH, '.venv/bin/python'), path.join(BENCH, 'py_case.py'), rest[0]]
      : [path.join(BENCH, '.build/floor'), ...rest];

function sample(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const [run, , slices] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
      out.set(Number(tid), { comm, run, slices });
    } catch {
      // the thread ended
    }
  }
  return out;
}

if (process.env.BENCH_NO_WAIT !== '1') await waitQuiet({ limit: 0.2, maxSeconds: 900, log: (t) => console.error(t) });
const quietStart = foreignSnapshot();
const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
let stdout = '';
child.stdout.on('data', (d) => (stdout += d));
const window = Math.max(1, seconds - 2);
await sleep(1500);
const a = sample(child.pid);
await sleep(window * 1000);
const b = sample(child.pid);
await new Promise((r) => child.on('close', r));

const blocks = (window * 48000) / blockSize;
const rows = [];
for (const [tid, end] of b) {
  const start = a.get(tid);
  if (!start) continue;
  const us = (end.run - start.run) / 1000;
  if (us / window < 50) continue; // under 0.05 ms/s: idle
  rows.push({ tid, comm: end.comm, us, slices: end.slices - start.slices });
}
rows.sort((x, y) => x.tid - y.tid);
const busy = rows.filter((r) => r.tid !== child.pid && r.comm !== 'sounddevice-pum' && r.slices / window > blocks / window / 8);
for (const r of rows) {
  const label =
    r.tid === child.pid ? 'main' : r.comm === 'sounddevice-pum' ? 'pump' : r === busy[0] ? 'audio (JACK client)' : busy.includes(r) ? 'worker' : 'other';
  console.log(
    `${label.padEnd(20)} tid ${String(r.tid).padEnd(7)} ${(r.us / 1000 / window).toFixed(2).padStart(6)} ms/s  ` +
      `${(r.us / blocks).toFixed(1).padStart(6)} µs/block  ${(r.slices / window).toFixed(0).padStart(5)} wake-ups/s`,
  );
}
const total = rows.reduce((s, r) => s + r.us, 0);
console.log(`${'all threads'.padEnd(20)} ${' '.repeat(12)}${(total / 1000 / window).toFixed(2).padStart(6)} ms/s  ${(total / blocks).toFixed(1).padStart(6)} µs/block`);
const foreign = foreignLoad(quietStart, foreignSnapshot());
console.log(`${'(other processes)'.padEnd(20)} ${' '.repeat(12)}${(foreign.cores * 1000).toFixed(2).padStart(6)} ms/s${foreign.cores >= 0.2 ? '  DISTURBED' : ''}`);
const result = stdout.split('\n').find((l) => l.startsWith('RESULT ') || l.startsWith('{'));
if (result) console.log(result.slice(0, 240));
