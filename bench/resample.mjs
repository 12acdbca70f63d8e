#!/usr/bin/env node
// Sample-rate conversion (issue 16): the converter's quality and CPU at each
// `resampleQuality`, beside libsoxr (sox's resampler) and libsamplerate on
// the same signals, and what a converted callback stream costs over an
// unconverted one. Prints markdown tables; `--write` puts them into
// docs/benchmarks.md (section "Sample-rate conversion", kept by bench/run.mjs).
//
//   node bench/resample.mjs [--write] [--seconds 5] [--reps 3]
//
// Needs: cargo, python3 with venv (a venv with numpy, soxr and samplerate from
// PyPI is made in .cache/resample-venv), the packages built, jackd.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runChild } from './lib/exec.mjs';
import { BENCH_DIR, ROOT_DIR } from './lib/setup.mjs';

const { values: opts } = parseArgs({
  options: { write: { type: 'boolean', default: false }, seconds: { type: 'string', default: '5' }, reps: { type: 'string', default: '3' } },
});
const log = (m) => process.stderr.write(`[resample bench] ${m}\n`);

/** `RESAMPLE {json}` lines of a command's output. */
function figures(cmd, args, cwd, env = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  // (cargo prints the test's name on the line of its first output.)
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('RESAMPLE {'))
    .map((l) => JSON.parse(l.slice(l.indexOf('RESAMPLE {') + 'RESAMPLE '.length)));
}

function ensureVenv() {
  const dir = path.join(ROOT_DIR, '.cache', 'resample-venv');
  const python = path.join(dir, 'bin', 'python');
  const ok = () => existsSync(python) && spawnSync(python, ['-c', 'import numpy, soxr, samplerate'], { stdio: 'ignore' }).status === 0;
  if (ok()) return python;
  log(`creating ${dir} (numpy, soxr, samplerate from PyPI)`);
  if (!existsSync(python)) spawnSync('python3', ['-m', 'venv', dir], { stdio: 'inherit' });
  spawnSync(python, ['-m', 'pip', 'install', '--quiet', 'numpy', 'soxr', 'samplerate'], { stdio: 'inherit' });
  if (!ok()) throw new Error('the venv cannot import numpy, soxr and samplerate');
  return python;
}

log('sounddevice converter (cargo test --release resample_bench)');
// (A target folder of its own: the addon's build uses other compiler flags,
// and sharing one folder would rebuild everything each time.)
const nativeDir = path.join(ROOT_DIR, 'packages/native-rs');
const ours = figures('cargo', ['test', '--release', '--lib', 'resample_bench', '--', '--ignored', '--nocapture', '--test-threads=1'], nativeDir, {
  ...process.env,
  CARGO_TARGET_DIR: path.join(nativeDir, 'target', 'resample-bench'),
});
log('libsoxr and libsamplerate (bench/resample_peers.py)');
const python = ensureVenv();
const peers = figures(python, [path.join(BENCH_DIR, 'resample_peers.py')], ROOT_DIR);
const versions = spawnSync(python, ['-c', 'import soxr, samplerate, importlib.metadata as m; print(m.version("soxr"), m.version("samplerate"))'], { encoding: 'utf8' }).stdout.trim().split(' ');

log('stream cost on a private JACK server (48 kHz, period 256)');
const testbed = await import('@sounddevice/testbed');
const TB = { serverName: 'bench-resample', dir: '/tmp/sounddevice-bench-resample' };
const info = await testbed.startTestbed({ ...TB, jackPeriod: 256 });
const env = { ...process.env, ...info.env, JACK_DEFAULT_SERVER: TB.serverName, JACK_NO_AUDIO_RESERVATION: '1' };
const streamCases = [
  ['48000 Hz, not converted', 48000, 'high'],
  ['44100 Hz, quality low', 44100, 'low'],
  ['44100 Hz, quality high', 44100, 'high'],
  ['44100 Hz, quality best', 44100, 'best'],
  ['16000 Hz, quality high', 16000, 'high'],
];
const runs = new Map(streamCases.map(([name]) => [name, []]));
try {
  for (let rep = 0; rep < Number(opts.reps); rep++) {
    for (const [name, rate, quality] of streamCases) {
      const { result } = await runChild(process.execPath, [path.join(BENCH_DIR, 'resample-stream-case.mjs'), String(rate), quality, opts.seconds], { env, cwd: ROOT_DIR });
      if (result.error) throw new Error(`${name}: ${result.error}`);
      runs.get(name).push(result);
    }
  }
} finally {
  if (info.jack.startedByUs) await testbed.stopTestbed(TB);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 1) => (x === null || x === undefined ? '–' : x.toFixed(d));
const pair = (r) => `${r.from / 1000}→${r.to / 1000}`;
const all = [...ours, ...peers];
const names = [...new Set(all.map((r) => r.converter))];
const pairs = [...new Set(all.map(pair))];
const row = (name, key, d) => `| ${name} | ${pairs.map((p) => fmt(all.find((r) => r.converter === name && pair(r) === p)?.[key], d)).join(' | ')} |`;
const head = `| converter | ${pairs.map((p) => `${p} kHz`).join(' | ')} |\n|---|${pairs.map(() => '---').join('|')}|`;
const base = median(runs.get(streamCases[0][0]).map((r) => r.cpuMsPerS));

// Issue 16's targets, at the default quality, for every pair measured.
const high = ours.filter((r) => r.converter === 'sounddevice high');
const worst = (key) => Math.max(...high.map((r) => r[key] ?? -Infinity));
const met = worst('passband_db') <= 0.1 && worst('residual_db') <= -100 && worst('stopband_db') <= -100;
const verdict =
  `Target (issue 16), the default quality \`high\` at 44.1↔48 and 16↔48 kHz: passband within ±0.1 dB to 0.45 × the lower ` +
  `rate, aliasing and images <= -100 dB: **${met ? 'met' : 'MISSED'}** (worst: ${fmt(worst('passband_db'), 4)} dB, ` +
  `${fmt(worst('residual_db'), 1)} dB residual, ${fmt(worst('stopband_db'), 1)} dB stopband).`;

const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8' }).stdout.trim();
const md = `## Sample-rate conversion (\`resample\`)

Written by \`node bench/resample.mjs --write\` on ${date} UTC (repository at ${commit}; ${info.env ? 'private JACK dummy server' : ''}
\`bench-resample\`, 48 kHz, period 256; libsoxr through PyPI \`soxr\` ${versions[0]}, libsamplerate through PyPI
\`samplerate\` ${versions[1]}). Every converter gets the same signals, streamed in chunks of 512 frames (the
engine's default block): mono sines of amplitude 0.5, 1 s each, the middle 80 % of the output fitted with a sine
at the expected frequency. sounddevice's figures come from the very resampler the engine runs
(\`Quality::resampler\`); its conversion *through real streams* is tested separately (JACK tests in
packages/numeric/test/resample.test.ts: rec at 16 and 44.1 kHz, play at 22.05 and 44.1 kHz, ±0.1 dB,
<= -100 dB, frequency error < 0.01 %).

${verdict}

Passband: the worst gain error over 40 tones from 20 Hz to 0.45 × the lower rate (dB; the target is 0.1):

${head}
${names.map((n) => row(n, 'passband_db', 4)).join('\n')}

Aliasing, images and noise: the worst rms of everything but the sine over the same tones, relative to the sine
(dB; the target is -100 or lower):

${head}
${names.map((n) => row(n, 'residual_db', 1)).join('\n')}

Stopband of the downsamplers: the worst output of 20 tones from 0.505 × the output rate to 0.495 × the input rate
(dB relative to the tone; what leaks in as aliases):

${head}
${names.map((n) => row(n, 'stopband_db', 1)).join('\n')}

CPU: milliseconds of one core per second of stereo audio (thread CPU, 10 s of two tones, one run on a shared
2-core machine; compare within the table):

${head}
${names.map((n) => row(n, 'cpu_ms_per_s', 2)).join('\n')}

What conversion adds to a stream: an output callback stream on JACK's \`system\` device (2 channels, float32,
block size 256, the callback only zero-fills), process CPU per second of audio, median of ${opts.reps} runs of
${opts.seconds} s each, alternated. The JACK server runs at 48 kHz, so a rate it lacks is always converted: the
difference to the unconverted 48 kHz stream is the converter's cost plus the change in blocks per second
(at 16 kHz the program gets a third as many 256-frame blocks, so that stream costs less in all); the
converter's own cost is in the CPU table above:

| stream | CPU ms per s | over 48 kHz unconverted | underflows per run (median) |
|---|---|---|---|
${streamCases.map(([name]) => {
  const r = runs.get(name);
  const cpu = median(r.map((x) => x.cpuMsPerS));
  const diff = `${cpu >= base ? '+' : '-'}${fmt(Math.abs(cpu - base), 1)} ms (${fmt(cpu / base, 2)}×)`;
  return `| ${name} | ${fmt(cpu, 1)} | ${name.includes('not converted') ? '–' : diff} | ${median(r.map((x) => x.underflows))} |`;
}).join('\n')}
`;
process.stdout.write(`${md}\n`);
if (opts.write) {
  const file = path.join(ROOT_DIR, 'docs/benchmarks.md');
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('\n## Sample-rate conversion');
  let out;
  if (at < 0) out = `${text.trimEnd()}\n\n${md}`;
  else {
    const end = text.indexOf('\n## ', at + 1);
    out = `${text.slice(0, at + 1)}${md}${end < 0 ? '' : `\n${text.slice(end + 1)}`}`;
  }
  writeFileSync(file, `${out.trimEnd()}\n`);
  log('docs/benchmarks.md updated');
}
