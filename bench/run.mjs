#!/usr/bin/env node
// The benchmark of issue 6: sounddevice for Node.js side by side with
// Python's sounddevice and a C floor, on the same PortAudio and a private
// JACK dummy server. Writes docs/benchmarks.md. See bench/README.md.
//
//   node bench/run.mjs            full run (about 15 minutes)
//   node bench/run.mjs --quick    short run for development (bench/.results/)
//   node bench/run.mjs --help
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runChild } from './lib/exec.mjs';
import { foreignLoad, foreignSnapshot, waitQuiet } from './lib/quiet.mjs';
import { exactSignal } from './lib/exact.mjs';
import { mergeResults, spliceReport, writeReport } from './lib/report.mjs';
import {
  BENCH_DIR,
  FLOOR,
  ROOT_DIR,
  SERVER_NAME,
  TESTBED_OPTIONS,
  checkBuilt,
  ensureFloor,
  ensureSystemPackages,
  ensureVenv,
  machineInfo,
} from './lib/setup.mjs';

const USAGE = `Usage: node bench/run.mjs [options]   (or: pnpm bench -- [options])

  --quick               short run for development (1 repetition, short streams,
                        block sizes 256 and 64); writes bench/.results/benchmarks-quick.md
  --reps N              repetitions of every measurement (default 3)
  --seconds S           measured seconds per stream run in cases 1, 2 and 7
                        (default 3.34: 3 runs ≈ the issue's 10 s)
  --warmup S            seconds a stream runs before measuring starts (default 0.5)
  --block-sizes LIST    cases 1 and 2 (default 256,64,32,16)
  --buffer-seconds S    length of play()/rec() in case 3 (default 10)
  --memory-minutes M    length of rec() in case 6 (default 10)
  --startup-reps N      fresh processes per row in case 5 (default 7)
  --load-slice-ms MS    allocation load: busy slice between event-loop turns (default 2)
  --exact-seconds S     case 8: seconds of audio written to vfile_out / read from vfile_in (default 60)
  --exact-chunk N       case 8: frames per write()/read() call (default 1024)
  --cases LIST          which cases to run, e.g. 1,3,5 (default all: 1-8)
  --out FILE            report file (default docs/benchmarks.md; quick: bench/.results/benchmarks-quick.md)
  --splice              update the report file instead of rewriting it: the sections of the cases
                        this run measured (and their rows in the targets table, and the analysis
                        from bench/notes.md) replace the file's; the other cases' sections stay
  --node-root DIR       the Node.js column uses the built packages of another checkout DIR
                        (DIR/packages/*/dist and its addon) instead of this repository's
  --ab-root DIR         cases 1 (main-thread callback rows) and 7 also run the Node rows with the
                        packages of DIR (e.g. a git worktree of an older commit, built), alternating
                        with this build's, and the report adds A/B tables; --ab-label TEXT names it
                        (default: DIR's commit)
  --ab-reps N           repetitions of cases 1 and 7 when --ab-root is given (default 7)
  --venv DIR            Python venv (default bench/.venv)
  --from FILE.json      only rewrite the report from the raw results of an earlier run;
                        give it several times to merge sessions (a later file's figures
                        replace an earlier file's for the same case and block size/period)
  --shared-shm          don't run in a private /dev/shm (see below)
  --max-wait S          seconds the run may spend waiting for other processes to go quiet
                        (default 1800; before every measurement it waits until processes
                        outside the bench use < 0.2 cores, and repeats a measurement that
                        was disturbed, at most twice)
  --no-wait             measure at once, whatever else runs
  --jack-realtime on|off  jackd -R (SCHED_FIFO for the server and every client's JACK
                        thread) or --no-realtime; default on

As root on Linux the run re-executes itself in a private mount namespace with its own
/dev/shm (unshare -m): JACK keeps its server registry, semaphores and sockets there, so
the bench server is invisible to other JACK users on the machine and theirs to it (JACK
allows only 8 server names per machine, and killed servers keep their slot).
  --help`;

const { values: argv } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reps: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    'block-sizes': { type: 'string' },
    'buffer-seconds': { type: 'string' },
    'memory-minutes': { type: 'string' },
    'startup-reps': { type: 'string' },
    'load-slice-ms': { type: 'string' },
    cases: { type: 'string' },
    out: { type: 'string' },
    splice: { type: 'boolean', default: false },
    'exact-seconds': { type: 'string' },
    'exact-chunk': { type: 'string' },
    'node-root': { type: 'string' },
    'ab-root': { type: 'string' },
    'ab-label': { type: 'string' },
    'ab-reps': { type: 'string' },
    venv: { type: 'string' },
    from: { type: 'string', multiple: true },
    'shared-shm': { type: 'boolean', default: false },
    'jack-realtime': { type: 'string' },
    'max-wait': { type: 'string' },
    'no-wait': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
  // `pnpm bench -- --quick` hands the `--` over as an argument.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
});

if (argv.help) {
  console.log(USAGE);
  process.exit(0);
}

const quick = argv.quick;
const num = (v, d) => (v === undefined ? d : Number(v));
const config = {
  quick,
  reps: num(argv.reps, quick ? 1 : 3),
  seconds: num(argv.seconds, quick ? 1.5 : 3.34),
  warmup: num(argv.warmup, 0.5),
  blockSizes: (argv['block-sizes'] ?? (quick ? '256,64' : '256,64,32,16')).split(',').map(Number),
  bufferSeconds: num(argv['buffer-seconds'], quick ? 2 : 10),
  memoryMinutes: num(argv['memory-minutes'], quick ? 1 : 10),
  startupReps: num(argv['startup-reps'], quick ? 3 : 7),
  loadSliceMs: num(argv['load-slice-ms'], 2),
  cases: new Set((argv.cases ?? '1,2,3,4,5,6,7,8').split(',').map(Number)),
  exactSeconds: num(argv['exact-seconds'], quick ? 10 : 60),
  exactChunk: num(argv['exact-chunk'], 1024),
  nodeRoot: argv['node-root'] ? path.resolve(argv['node-root']) : undefined,
  abRoot: argv['ab-root'] ? path.resolve(argv['ab-root']) : undefined,
  abLabel: argv['ab-label'],
  abReps: num(argv['ab-reps'], quick ? 2 : 7),
  out: argv.out ?? (quick ? path.join(BENCH_DIR, '.results', 'benchmarks-quick.md') : path.join(ROOT_DIR, 'docs', 'benchmarks.md')),
  venv: path.resolve(argv.venv ?? path.join(BENCH_DIR, '.venv')),
  maxWait: num(argv['max-wait'], 1800),
  wait: !argv['no-wait'],
  quietLimit: 0.2,
};
if (config.abRoot && !config.abLabel) {
  try {
    config.abLabel = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: config.abRoot, encoding: 'utf8' }).stdout.trim() || path.basename(config.abRoot);
  } catch {
    config.abLabel = path.basename(config.abRoot);
  }
}
for (const root of [config.nodeRoot, config.abRoot]) {
  if (root && !existsSync(path.join(root, 'packages/raw/dist/index.js'))) throw new Error(`${root}/packages/raw/dist/index.js is missing: build that checkout first`);
}
for (const [k, v] of Object.entries({ reps: config.reps, seconds: config.seconds, warmup: config.warmup })) {
  if (!(v >= 0) || (k === 'reps' && !(v >= 1))) throw new RangeError(`--${k} must be a positive number`);
}

const command = `node bench/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
const started = new Date();
const t0 = Date.now();
const log = (text) => process.stderr.write(`bench [${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${text}\n`);

if (argv.from) {
  const saved = mergeResults(argv.from.map((f) => JSON.parse(readFileSync(f, 'utf8'))));
  const out = argv.out ?? (saved.config.quick ? path.join(BENCH_DIR, '.results', 'benchmarks-quick.md') : path.join(ROOT_DIR, 'docs', 'benchmarks.md'));
  process.stdout.write(argv.splice ? spliceReport(saved, out) : writeReport(saved, out));
  process.stderr.write(`bench: report ${path.relative(ROOT_DIR, out)} rewritten from ${argv.from.join(', ')}\n`);
  process.exit(0);
}

// Real-time JACK by default: the cases measure real-time behaviour, and
// without SCHED_FIFO any busy thread (the allocation load, V8's GC helpers)
// competes with the audio threads as an equal. (The testbed's own default,
// for tests, is --no-realtime.)
const realtime = argv['jack-realtime'] ?? 'on';
if (!['on', 'off'].includes(realtime)) throw new RangeError('--jack-realtime must be on or off');
process.env.SOUNDDEVICE_TESTBED_REALTIME = realtime === 'on' ? '1' : '0';

// ---- a private /dev/shm for JACK ------------------------------------------------

if (process.platform === 'linux' && process.getuid?.() === 0 && !argv['shared-shm'] && process.env.SOUNDDEVICE_BENCH_PRIVATE_SHM !== '1') {
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) {
    const script = 'mount -t tmpfs -o mode=1777 bench-shm /dev/shm && exec "$0" "$@"';
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, process.execPath, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, SOUNDDEVICE_BENCH_PRIVATE_SHM: '1' },
    });
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
    await new Promise(() => {}); // the child decides the exit code
  }
  process.stderr.write('bench: cannot make a private /dev/shm (unshare -m); sharing JACK\'s registry with the machine\n');
}

// ---- setup ------------------------------------------------------------------

const built = checkBuilt();
await ensureSystemPackages();
const python = ensureVenv(config.venv);
ensureFloor();
const testbed = await import('@sounddevice/testbed');

let jackStarted = false;
let stopping = false;
async function jackPeriod(period) {
  log(`JACK dummy server "${SERVER_NAME}" at period ${period}`);
  const info = await testbed.restartJack(period, TESTBED_OPTIONS);
  jackStarted ||= info.jack.startedByUs;
  if (!info.jack.running || info.jack.period !== period) throw new Error(`JACK server not running at period ${period}`);
  return info;
}
async function cleanup() {
  if (stopping) return;
  stopping = true;
  if (jackStarted) await testbed.stopTestbed(TESTBED_OPTIONS);
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: stopping the bench JACK server`);
    void cleanup().finally(() => process.exit(130));
  });
}

const info = await testbed.startTestbed({ ...TESTBED_OPTIONS, jackPeriod: config.blockSizes[0] ?? 256 });
jackStarted ||= info.jack.startedByUs;
const childEnv = { ...process.env, ...info.env, JACK_DEFAULT_SERVER: SERVER_NAME, JACK_NO_AUDIO_RESERVATION: '1' };
const machine = machineInfo(python);
machine.jackd = `${machine.jackd}: \`${jackdCommand(info.jack.pid)}\``;
machine.privateShm = process.env.SOUNDDEVICE_BENCH_PRIVATE_SHM === '1';
if (config.nodeRoot) {
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: config.nodeRoot, encoding: 'utf8' }).stdout.trim();
  machine.commit = `${rev || '?'} (the built packages of ${config.nodeRoot}, through --node-root; the bench code from ${machine.commit})`;
}

function jackdCommand(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').replace(/-p \d+$/, '-p <period>');
  } catch {
    return 'jackd (command line unknown)';
  }
}

// ---- runners ------------------------------------------------------------------

const records = [];
mkdirSync(path.join(BENCH_DIR, '.results'), { recursive: true });
const jsonFile = path.join(BENCH_DIR, '.results', `${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
/** Saves the raw results so far (after every measurement: an interrupted run keeps its figures). */
function saveResults(extra = {}) {
  const results = {
    waited: waitedTotal,
    command,
    started: started.toISOString(),
    elapsed: (Date.now() - t0) / 1000,
    config: { ...config, cases: [...config.cases] },
    machine,
    records,
    ...extra,
  };
  writeFileSync(jsonFile, JSON.stringify(results, null, 1));
  return results;
}
const timeoutFor = (spec) => ((spec.seconds ?? 0) * (spec.case === 'exact' ? 2 : 1) + (spec.warmup ?? 0) + 60) * 1000;
const RATE = 48000;

let waitedTotal = 0;

/** Waits (within the run's budget) until processes outside the bench are quiet. */
async function quietFirst() {
  if (!config.wait || waitedTotal >= config.maxWait) return;
  const w = await waitQuiet({ limit: config.quietLimit, maxSeconds: config.maxWait - waitedTotal, log });
  waitedTotal += w.waited > 2.5 ? w.waited : 0;
  if (w.waited > 2.5) log(`waited ${w.waited.toFixed(0)} s for quiet (${w.quiet ? 'quiet now' : 'gave up'}; ${waitedTotal.toFixed(0)} s so far)`);
}

async function measure(meta, impl, spec) {
  for (let attempt = 0; ; attempt++) {
    await quietFirst();
    const before = foreignSnapshot();
    let r = await measureOnce(impl, spec);
    if (r.result.error) {
      log(`retrying after: ${String(r.result.error).split('\n')[0].slice(0, 160)}`);
      r = await measureOnce(impl, spec);
    }
    const load = foreignLoad(before, foreignSnapshot());
    const disturbed = load.cores >= config.quietLimit;
    if (disturbed && config.wait && attempt < 2 && waitedTotal < config.maxWait) {
      log(`disturbed (${load.top.map((p) => `${p.comm} ${p.cores.toFixed(2)} cores`).join(', ')}): repeating`);
      continue;
    }
    const record = { ...meta, impl, result: r.result, processWall: r.wall, foreignCores: Number(load.cores.toFixed(3)) };
    if (disturbed) record.disturbed = true;
    records.push(record);
    saveResults({ partial: true });
    logResult(meta, impl, r.result, r.wall);
    return record;
  }
}

function measureOnce(impl, spec) {
  const opts = { env: childEnv, timeoutMs: timeoutFor(spec) };
  if (impl === 'node') {
    const nodeSpec = config.nodeRoot && spec.nodeRoot === undefined ? { ...spec, nodeRoot: config.nodeRoot } : spec;
    return runChild(process.execPath, [path.join(BENCH_DIR, 'node-case.mjs'), JSON.stringify(nodeSpec)], opts);
  }
  if (impl === 'python') return runChild(python, [path.join(BENCH_DIR, 'py_case.py'), JSON.stringify(spec)], opts);
  return runChild(FLOOR, floorArgs(spec), opts);
}

function logResult(meta, impl, res, wall) {
  const brief = res.error
    ? `ERROR ${String(res.error).split('\n')[0].slice(0, 160)}`
    : res.latency !== undefined
      ? `latency ${res.latency}`
      : res.callbacks
        ? `${((res.cpu / res.callbacks) * 1e6).toFixed(1)} µs/callback, ${res.underflows} underflows`
        : res.exact !== undefined
          ? `${res.wall.toFixed(2)} s, ${((res.cpu / res.audioSeconds) * 1000).toFixed(2)} ms CPU per s, ${res.exact ? 'exact' : `NOT exact (${JSON.stringify(res)})`}`
          : res.ratio !== undefined
          ? `ratio ${res.ratio.toFixed(3)}`
          : res.cpu !== undefined
            ? `${((res.cpu / res.audioSeconds) * 1000).toFixed(2)} ms CPU per s, flags: ${res.flags || 'none'}`
            : `${wall.toFixed(3)} s`;
  const what = `${impl}${meta.build ? ` [${meta.build}]` : ''}${meta.direction ? ` ${meta.direction}` : ''}${meta.mode ? ` ${meta.mode}` : ''}${meta.batch ? ` batch ${meta.batch}` : ''}${meta.cushion !== undefined ? ` c${meta.cushion}` : ''}` +
    `${meta.blockSize ? ` bs${meta.blockSize}` : ''}${meta.kind ? ` ${meta.kind}` : ''}${meta.load ? ' +load' : ''}`;
  log(`case ${meta.case} ${what}: ${brief}`);
}

function floorArgs(spec) {
  switch (spec.case) {
    case 'stream':
      return ['duplex', String(spec.blockSize), String(spec.seconds), String(spec.warmup), ...(spec.load ? ['load'] : [])];
    case 'stream-latency':
      return ['latency', String(spec.blockSize)];
    case 'buffer':
      return [spec.kind, String(spec.seconds), ...(spec.load ? ['load'] : [])];
    case 'playrec-latency':
      return ['latency', '0'];
    case 'blocking':
      return ['blocking', String(spec.blockSize), String(spec.seconds), String(spec.warmup)];
    case 'handoff':
      return ['handoff', String(spec.blockSize), String(spec.seconds), String(spec.warmup), String(spec.batch)];
    case 'init':
      return ['init'];
    default:
      throw new Error(`no floor for ${spec.case}`);
  }
}

/** Runs `jobs` once per repetition, starting each repetition at another job (alternating). */
async function alternate(jobs, reps) {
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < jobs.length; k++) await jobs[(k + rep) % jobs.length](rep);
  }
}

const NODE_STREAMS = [
  { mode: 'callback', cushion: 0 },
  { mode: 'callback', cushion: 2 },
  { mode: 'callback', cushion: 8 },
  { mode: 'processor', cushion: 0 },
  { mode: 'processor', cushion: 2 },
  { mode: 'processor', cushion: 8 },
];

async function streamCases(blockSize) {
  const base = { case: 'stream', blockSize, seconds: config.seconds, warmup: config.warmup, loadSliceMs: config.loadSliceMs };
  for (const load of [false, true]) {
    const caseNo = load ? 2 : 1;
    if (!config.cases.has(caseNo)) continue;
    const jobs = [
      (rep) => measure({ case: caseNo, blockSize, load, rep }, 'python', { ...base, load }),
      ...NODE_STREAMS.map((s) => (rep) => measure({ case: caseNo, blockSize, load, rep, ...s }, 'node', { ...base, ...s, load })),
    ];
    jobs.push((rep) => measure({ case: caseNo, blockSize, load, rep }, 'floor', { ...base, load }));
    if (!load) {
      // The floor of a hand-off (the C floor waking another thread per block /
      // per 4 blocks) alternates with the rest: the 1.2× target compares the
      // main-thread callback with it, so both must see the same machine.
      for (const batch of [1, 4]) {
        jobs.push((rep) => measure({ case: 1, blockSize, mode: 'handoff', batch, rep }, 'floor', { ...base, case: 'handoff', batch }));
      }
      if (config.abRoot) {
        // The other build's main-thread callback rows (A/B of an engine change).
        const build = config.abLabel;
        for (const s of NODE_STREAMS.filter((x) => x.mode === 'callback')) {
          jobs.push((rep) => measure({ case: 1, blockSize, build, rep, ...s }, 'node', { ...base, ...s, nodeRoot: config.abRoot }));
        }
      }
    }
    const reps = load ? Math.max(1, config.reps - 1) : config.abRoot ? Math.max(config.reps, config.abReps) : config.reps;
    await alternate(jobs, reps);
  }
  // Loopback latency of each configuration (deterministic: once).
  const probe = { case: 'stream-latency', blockSize };
  await measure({ case: 'latency', blockSize }, 'floor', probe);
  await measure({ case: 'latency', blockSize }, 'python', probe);
  for (const s of NODE_STREAMS) await measure({ case: 'latency', blockSize, ...s }, 'node', { ...probe, ...s });
}

async function bufferCases() {
  if (!built.numeric) log('packages/numeric is not built: cases 3, 4 and 6 will show errors for Node');
  for (const kind of ['play', 'rec']) {
    const spec = { case: 'buffer', kind, seconds: config.bufferSeconds };
    await alternate(
      [
        (rep) => measure({ case: 3, kind, rep }, 'node', spec),
        (rep) => measure({ case: 3, kind, rep }, 'python', spec),
        (rep) => measure({ case: 3, kind, rep }, 'floor', spec),
      ],
      Math.max(1, config.reps - 1),
    );
    const loaded = { ...spec, load: true, loadSliceMs: config.loadSliceMs };
    await alternate(
      [
        (rep) => measure({ case: 3, kind, load: true, rep }, 'node', loaded),
        (rep) => measure({ case: 3, kind, load: true, rep }, 'python', loaded),
        (rep) => measure({ case: 3, kind, load: true, rep }, 'floor', loaded),
      ],
      1,
    );
  }
}

async function tickReference() {
  const spec = { case: 'tick', periodMs: 5, seconds: config.seconds, warmup: config.warmup };
  for (let rep = 0; rep < config.reps; rep++) await measure({ case: 'tick', rep }, 'node', spec);
}

async function latencyCase(period) {
  const spec = { case: 'playrec-latency' };
  await alternate(
    [
      (rep) => measure({ case: 4, period, rep }, 'node', spec),
      (rep) => measure({ case: 4, period, rep }, 'python', spec),
      (rep) => measure({ case: 4, period, rep }, 'floor', spec),
    ],
    Math.min(config.reps, 2),
  );
}

async function startupCase() {
  await quietFirst();
  const node = (which) => async (rep) => {
    const r = await runChild(process.execPath, [path.join(BENCH_DIR, 'startup.mjs'), which], { env: childEnv, timeoutMs: 30_000 });
    records.push({ case: 5, impl: 'node', mode: which, rep, result: { wall: r.wall, ok: r.code === 0 }, processWall: r.wall });
  };
  const py = (code, mode, impl) => async (rep) => {
    const r = await runChild(python, ['-c', code], { env: childEnv, timeoutMs: 30_000 });
    records.push({ case: 5, impl, mode, rep, result: { wall: r.wall, ok: r.code === 0 }, processWall: r.wall });
  };
  // The command line: `sounddevice devices` beside `python3 -m sounddevice` (issue 17).
  const cli = async (rep) => {
    const r = await runChild(process.execPath, [path.join(config.nodeRoot ?? ROOT_DIR, 'packages/cli/dist/bin.js'), 'devices'], { env: childEnv, timeoutMs: 30_000 });
    records.push({ case: 5, impl: 'node', mode: 'cli', rep, result: { wall: r.wall, ok: r.code === 0 }, processWall: r.wall });
  };
  const pyCli = async (rep) => {
    const r = await runChild(python, ['-m', 'sounddevice'], { env: childEnv, timeoutMs: 30_000 });
    records.push({ case: 5, impl: 'python', mode: 'cli', rep, result: { wall: r.wall, ok: r.code === 0 }, processWall: r.wall });
  };
  const bare = async (rep) => {
    const r = await runChild(process.execPath, ['-e', '0'], { env: childEnv });
    records.push({ case: 5, impl: 'node', mode: 'bare', rep, result: { wall: r.wall, ok: r.code === 0 } });
  };
  const floor = async (rep) => {
    const r = await runChild(FLOOR, ['init'], { env: childEnv });
    records.push({ case: 5, impl: 'floor', mode: 'init', rep, result: { wall: r.wall, ok: r.code === 0 } });
  };
  await alternate(
    [
      node('raw'),
      py('import sounddevice as sd; print(sd.query_devices())', 'sounddevice', 'python'),
      node('numeric'),
      py('pass', 'bare', 'python'),
      bare,
      floor,
      cli,
      pyCli,
    ],
    config.startupReps,
  );
  log('case 5 start-up done');
}

async function memoryCase() {
  const spec = { case: 'memory', minutes: config.memoryMinutes };
  for (const preallocated of [true, false]) {
    await alternate(
      [
        (rep) => measure({ case: 6, preallocated, rep }, 'node', { ...spec, preallocated }),
        (rep) => measure({ case: 6, preallocated, rep }, 'python', { ...spec, preallocated }),
      ],
      Math.min(config.reps, 2),
    );
  }
}

async function blockingCase() {
  const spec = { case: 'blocking', blockSize: 64, seconds: config.seconds, warmup: config.warmup };
  const jobs = [
    (rep) => measure({ case: 7, mode: 'async', rep }, 'node', { ...spec, sync: false }),
    (rep) => measure({ case: 7, mode: 'sync', rep }, 'node', { ...spec, sync: true }),
    (rep) => measure({ case: 7, rep }, 'python', spec),
    (rep) => measure({ case: 7, rep }, 'floor', spec),
  ];
  if (config.abRoot) {
    // The other build's Node rows, alternating with this build's (A/B).
    const build = config.abLabel;
    const other = { ...spec, nodeRoot: config.abRoot };
    jobs.splice(2, 0,
      (rep) => measure({ case: 7, mode: 'async', build, rep }, 'node', { ...other, sync: false }),
      (rep) => measure({ case: 7, mode: 'sync', build, rep }, 'node', { ...other, sync: true }));
  }
  await alternate(jobs, config.abRoot ? Math.max(config.reps, config.abReps) : config.reps);
}

/**
 * Case 8: the known signal written with blocking writes to the testbed's
 * `vfile_out` and read with blocking reads from `vfile_in` (devices that do
 * not run on a clock), timed and checked byte for byte.
 */
async function exactCase() {
  const frames = Math.round(config.exactSeconds * RATE);
  log(`case 8: writing ${config.exactSeconds} s of the known signal to ${info.inFile}`);
  await testbed.writeInFile(info, exactSignal(frames));
  const base = { case: 'exact', seconds: config.exactSeconds, chunk: config.exactChunk, outFile: info.outFile, warmup: 0 };
  for (const direction of ['out', 'in']) {
    const spec = { ...base, direction };
    const run = (impl, mode, extra = {}) => async (rep) => {
      if (direction === 'out') await testbed.clearOutFile(info);
      return measure({ case: 8, direction, mode, rep }, impl, { ...spec, ...extra });
    };
    await alternate(
      [run('node', 'sync', { sync: true }), run('python'), run('node', 'async', { sync: false })],
      Math.min(config.reps, 3),
    );
  }
}

// ---- the run ------------------------------------------------------------------

let failure;
try {
  log(`config: ${JSON.stringify({ ...config, cases: [...config.cases] })}`);
  const periods = [...new Set([...config.blockSizes, 256, 64])];
  for (const period of periods) {
    const streams = config.blockSizes.includes(period) && (config.cases.has(1) || config.cases.has(2));
    const at256 = period === 256 && [3, 4, 5, 6].some((c) => config.cases.has(c));
    const at64 = period === 64 && [4, 7].some((c) => config.cases.has(c));
    if (!streams && !at256 && !at64) continue;
    await jackPeriod(period);
    if (streams) await streamCases(period);
    if (period === 256) {
      if (config.cases.has(1)) await tickReference();
      if (config.cases.has(4)) await latencyCase(256);
      if (config.cases.has(5)) await startupCase();
      if (config.cases.has(6)) await memoryCase();
      if (config.cases.has(3)) await bufferCases();
    }
    if (period === 64) {
      if (config.cases.has(4)) await latencyCase(64);
      if (config.cases.has(7)) await blockingCase();
    }
  }
  if (config.cases.has(8)) await exactCase();
} catch (e) {
  failure = e;
} finally {
  await cleanup();
}

const elapsed = (Date.now() - t0) / 1000;
const results = saveResults(failure ? { partial: true } : {});
log(`raw results: ${path.relative(ROOT_DIR, jsonFile)}`);
if (failure) {
  log(`failed: ${failure.stack ?? failure}`);
  process.exit(1);
}
mkdirSync(path.dirname(config.out), { recursive: true });
const summary = argv.splice ? spliceReport(results, config.out) : writeReport(results, config.out);
log(`report: ${path.relative(ROOT_DIR, config.out)} (${elapsed.toFixed(0)} s)`);
process.stdout.write(summary);
