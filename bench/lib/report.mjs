// Turns the records of a run into docs/benchmarks.md: medians, ratios,
// targets. The hand-written analysis (profiles, what was tried) comes from
// bench/notes.md and is appended as is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './setup.mjs';

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const yes = (ok) => (ok === undefined ? '–' : ok ? '**met**' : '**missed**');
const ms = (samples, rate = 48000) => `${((samples / rate) * 1000).toFixed(1)} ms`;

function select(records, where) {
  return records.filter((r) => Object.entries(where).every(([k, v]) => (v === undefined ? r[k] === undefined || r[k] === false : r[k] === v)));
}

function ok(records) {
  return records.filter((r) => r.result && !r.result.error);
}

function errorOf(records) {
  const e = records.find((r) => r.result?.error);
  return e ? String(e.result.error).split('\n')[0].slice(0, 120) : undefined;
}

/** Stream-like measurements: CPU per callback (median), underflows and overflows per 10 s (summed). */
function streamStats(records) {
  const good = ok(records);
  const window = good.reduce((s, r) => s + r.result.wall, 0);
  const sum = (k) => good.reduce((s, r) => s + (r.result[k] ?? 0), 0);
  return {
    n: good.length,
    runs: records.length,
    error: good.length === 0 ? errorOf(records) : undefined,
    cpuUs: median(good.map((r) => (r.result.cpu / r.result.callbacks) * 1e6)),
    under10: window > 0 ? (sum('underflows') / window) * 10 : NaN,
    over10: window > 0 ? (sum('overflows') / window) * 10 : NaN,
    window,
    delivered: good.length && good[0].result.jsCallbacks !== undefined ? sum('jsCallbacks') / Math.max(1, sum('callbacks')) : undefined,
  };
}

const pathName = (impl, mode) =>
  impl === 'floor' ? 'C floor' : impl === 'python' ? 'Python sounddevice' : mode === 'processor' ? 'Node `processor` (worker)' : 'Node `callback` (main thread)';

export function buildReport(results) {
  const { records, machine, config } = results;
  const lines = [];
  const summary = [];
  const out = (s = '') => lines.push(s);
  const target = (caseNo, what, met, detail) => summary.push({ caseNo, what, met, detail });

  // ---- case 1 ----------------------------------------------------------------
  const case1 = {};
  const case1Rows = [];
  for (const bs of config.blockSizes) {
    if (select(records, { case: 1, blockSize: bs }).length === 0 && records.every((r) => !(r.case === 1 && r.blockSize === bs))) continue;
    const latencyOf = (impl, s = {}) => ok(select(records, { case: 'latency', blockSize: bs, impl, mode: s.mode, cushion: s.cushion }))[0]?.result.latency;
    const floorLat = latencyOf('floor');
    const py = streamStats(select(records, { case: 1, blockSize: bs, impl: 'python' }));
    const fl = streamStats(select(records, { case: 1, blockSize: bs, impl: 'floor', mode: undefined }));
    const handoff = (batch) => streamStats(records.filter((r) => r.case === 1 && r.blockSize === bs && r.mode === 'handoff' && r.batch === batch));
    const rows = [
      { label: 'C floor', stats: fl, lat: floorLat },
      { label: 'C floor + hand-off to a thread every block', stats: handoff(1), note: 'floor of any design that wakes a thread per block (cushion 2)' },
      { label: 'C floor + hand-off every 4 blocks', stats: handoff(4), note: 'same, woken per 4 blocks (cushion 8)' },
      { label: 'Python sounddevice', stats: py, lat: latencyOf('python') },
    ];
    const pyLat = latencyOf('python');
    const handoff1 = handoff(1);
    for (const mode of ['callback', 'processor']) {
      for (const cushion of CUSHIONS) {
        const st = streamStats(select(records, { case: 1, blockSize: bs, impl: 'node', mode, cushion, build: undefined }));
        if (st.runs === 0) continue;
        // The issue's CPU targets are for cushion 2 and 8; cushion 0 (synchronous) is compared on latency.
        const limit = cushion === 2 ? 1.0 : cushion === 8 ? 0.5 : undefined;
        const cpuMet = limit !== undefined && Number.isFinite(st.cpuUs) && Number.isFinite(py.cpuUs) ? st.cpuUs <= limit * py.cpuUs : undefined;
        const ufMet = Number.isFinite(st.under10) && Number.isFinite(py.under10) ? st.under10 <= py.under10 : undefined;
        const lat = latencyOf('node', { mode, cushion });
        rows.push({ label: pathName('node', mode), mode, cushion, stats: st, lat, limit, cpuMet, ufMet });
        case1[`${bs}/${mode}/${cushion}`] = st;
        case1Rows.push({ bs, mode, cushion, st, py, cpuMet, ufMet, limit, lat, pyLat, handoff: handoff1 });
      }
    }
    case1[`${bs}/python`] = py;
    case1[`${bs}/floor`] = fl;
    rows.bs = bs;
    rows.floorLat = floorLat;
    case1[bs] = rows;
  }

  // ---- summary of targets ----------------------------------------------------
  for (const mode of ['callback', 'processor']) {
    for (const cushion of CUSHIONS) {
      const rows = case1Rows.filter((r) => r.mode === mode && r.cushion === cushion);
      if (rows.length === 0) continue;
      const cpuAll = rows.every((r) => r.cpuMet === true);
      const ufAll = rows.every((r) => r.ufMet === true);
      const detail = rows.map((r) => `${r.bs}: ${ratio(r.st.cpuUs, r.py.cpuUs)}`).join(', ');
      if (rows[0].limit !== undefined) {
        target(1, `${mode}, cushion ${cushion}: CPU per callback ≤ ${rows[0].limit.toFixed(1)} × Python at every block size`, cpuAll, detail);
      } else {
        target(1, `${mode}, cushion ${cushion}: loopback latency = Python's at every block size`,
          rows.every((r) => r.lat !== undefined && r.lat >= 0 && r.lat === r.pyLat),
          rows.map((r) => `${r.bs}: ${r.lat ?? '–'} vs ${r.pyLat ?? '–'}`).join(', '));
      }
      if (mode === 'callback') {
        const h = rows.map((r) => (Number.isFinite(r.st.cpuUs) && Number.isFinite(r.handoff.cpuUs) ? r.st.cpuUs / r.handoff.cpuUs : NaN));
        target(1, `callback, cushion ${cushion}: CPU per callback ≤ 1.2 × "C floor + hand-off to a thread every block" at every block size`,
          h.every((x) => Number.isFinite(x)) ? h.every((x) => x <= 1.2) : undefined,
          rows.map((r, i) => `${r.bs}: ${Number.isFinite(h[i]) ? `${h[i].toFixed(2)}×` : '–'}`).join(', '));
      }
      target(
        1,
        `${mode}, cushion ${cushion}: underflows ≤ Python's at every block size`,
        ufAll,
        rows.map((r) => `${r.bs}: ${fmt(r.st.under10)} vs ${fmt(r.py.under10)}`).join(', '),
      );
    }
  }

  out('# Benchmarks: sounddevice for Node.js beside Python\'s sounddevice');
  out();
  out(`Generated by \`${results.command}\` (\`pnpm bench\` builds the packages, then runs \`node bench/run.mjs\`) on ${results.started.slice(0, 10)} ` +
      `(${results.started.slice(11, 16)} UTC; the run took ${(results.elapsed / 60).toFixed(1)} min). ` +
      'How each case is measured: [bench/README.md](../bench/README.md). Raw figures of the run: `bench/.results/*.json` (not committed).');
  out();
  if (results.sessions) {
    out('The figures come from several sessions of the runner on this machine (the machine is shared, and a session waits for other work to go quiet; ' +
        'the later session\'s figures replace the earlier one\'s for the same case and block size). In every session Node.js, Python and the C floor alternate.');
    out();
    out('| session | command | started (UTC) | duration | measurements used |');
    out('|---|---|---|---|---|');
    for (const x of results.sessions) {
      out(`| ${x.n} | \`${x.command}\`${x.partial ? ' (interrupted)' : ''} | ${x.started.slice(0, 16).replace('T', ' ')} | ${(x.elapsed / 60).toFixed(1)} min | ${x.used} |`);
    }
    out();
  }
  out('| machine | |');
  out('|---|---|');
  out(`| CPU | ${machine.cpuModel}, ${machine.nproc} cores (nproc), ${machine.memory} RAM, shared with other work |`);
  out(`| system | ${machine.os}, Linux ${machine.kernel} |`);
  out(`| audio | PortAudio ${machine.portaudio} (the same library for all three columns); JACK ${machine.jackd}, started by \`@sounddevice/testbed\`${machine.privateShm ? ' in a private /dev/shm' : ''}, period = block size |`);
  out(`| Node.js | ${machine.node}, this repository at ${machine.commit}, built packages (\`packages/*/dist\`, release addon) |`);
  out(`| Python | ${machine.python}, sounddevice ${machine.sounddevice}, numpy ${machine.numpy} (venv from PyPI) |`);
  out(`| settings | ${config.reps} repetition(s); streams measured ${config.seconds} s after ${config.warmup} s of warm-up; play/rec ${config.bufferSeconds} s; memory rec ${config.memoryMinutes} min; allocation load slices ${config.loadSliceMs} ms |`);
  out();
  const measured = records.filter((r) => r.foreignCores !== undefined);
  const disturbed = measured.filter((r) => r.disturbed).length;
  out(`Other processes on the machine: before every measurement the runner waited until processes outside the bench used less than ${config.quietLimit ?? 0.15} cores ` +
      `(${Math.round(results.waited ?? 0)} s of waiting in this run) and repeated measurements disturbed by them; ` +
      `${disturbed} of ${measured.length} measurements still saw such load (median foreign load ${median(measured.map((r) => r.foreignCores)).toFixed(3)} cores).`);
  out();
  out('CPU is process CPU time (user + system, all threads) divided by the audio callbacks (PortAudio blocks) of the measured window; ' +
      'medians over the repetitions. Underflows/overflows are the blocks whose status flags say so, summed over the repetitions and scaled to 10 s. ' +
      'Ratios are against Python\'s figure of the same run unless the column says otherwise.');
  out();

  // ---- case 1 tables ------------------------------------------------------
  const section = [];
  const s = (x = '') => section.push(x);
  if (config.blockSizes.some((bs) => case1[bs])) {
  s('## Case 1: callback stream, trivial callback (copy input to output)');
  s();
  s('Full-duplex stream, 2 channels float32 at 48 kHz on JACK\'s `system` device, JACK period = block size. ' +
    'The callback copies the input block to the output block (Node: `output.set(input)` on Buffers; Python: `RawStream`, `outdata[:] = indata`). ' +
    '"added latency" is what the cushion adds (cushion × block size); "loopback" is the round trip measured with an impulse through `jack_connect PortAudio:out_0 PortAudio:in_0` ' +
    '(PortAudio with a fixed block size adds one block to JACK\'s one period: the C floor shows the physical minimum).');
  s();
  }
  for (const bs of config.blockSizes) {
    const rows = case1[bs];
    if (!rows) continue;
    const py = case1[`${bs}/python`];
    const fl = case1[`${bs}/floor`];
    s(`### Block size ${bs} (${ms(bs)})`);
    s();
    s('| path | cushion | added latency | loopback (samples) | CPU per callback | × Python | × floor | target | underflows / 10 s | overflows / 10 s | CPU target met | underflow target met |');
    s('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const st = r.stats;
      if (st.runs === 0) continue;
      const cpu = st.error ? `error: ${st.error}` : `${fmt(st.cpuUs)} µs`;
      const added = r.cushion ? `${r.cushion * bs} (${ms(r.cushion * bs)})` : '0';
      const loop = r.lat === undefined ? '–' : r.lat < 0 ? 'not found' : `${r.lat}${rows.floorLat !== undefined && r.lat >= 0 ? ` (+${r.lat - rows.floorLat})` : ''}`;
      s(`| ${r.label} | ${r.cushion ?? '–'} | ${added} | ${loop} | ${cpu} | ${r.label.startsWith('Python') ? '1.00×' : ratio(st.cpuUs, py.cpuUs)} | ${ratio(st.cpuUs, fl.cpuUs)} | ${r.limit ? `≤ ${r.limit.toFixed(1)}×` : ''} | ${fmt(st.under10)} | ${fmt(st.over10)} | ${yes(r.cpuMet)} | ${yes(r.ufMet)} |`);
    }
    s();
  }

  // A/B of main-thread callbacks against another build (--ab-root), with the
  // hand-off floor of the same run beside both.
  const c1builds = [...new Set(records.filter((r) => r.case === 1 && r.build).map((r) => r.build))];
  for (const build of c1builds) {
    s(`### A/B: main-thread callbacks against \`${build}\``);
    s();
    s(`The other build's packages (\`--ab-root\`) alternating with this build's and with the C hand-off floor in the same session; CPU per callback is the median of the runs, the range min-max. ` +
      'The target of issue 12: at most 1.2 × "C floor + hand-off to a thread every block" at every block size and cushion.');
    s();
    s(`| block size | cushion | C floor + hand-off | \`${build}\` | range | × hand-off | this build | range | × hand-off | this / \`${build}\` | underflows / 10 s, old → new |`);
    s('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const bs of config.blockSizes) {
      const hand = streamStats(records.filter((r) => r.case === 1 && r.blockSize === bs && r.mode === 'handoff' && r.batch === 1));
      for (const cushion of CUSHIONS) {
        const recs = (b) => ok(records.filter((r) => r.case === 1 && r.blockSize === bs && r.impl === 'node' && r.mode === 'callback' && r.cushion === cushion && r.build === b));
        const per = (b) => recs(b).map((r) => (r.result.cpu / r.result.callbacks) * 1e6);
        const [o, nw] = [per(build), per(undefined)];
        if (o.length === 0 && nw.length === 0) continue;
        const range = (v) => (v.length ? `${fmt(Math.min(...v))}-${fmt(Math.max(...v))} µs` : '–');
        const [so, sn] = [streamStats(recs(build)), streamStats(recs(undefined))];
        s(`| ${bs} | ${cushion} | ${fmt(hand.cpuUs)} µs | ${fmt(median(o))} µs | ${range(o)} | ${ratio(median(o), hand.cpuUs)} | ${fmt(median(nw))} µs | ${range(nw)} | ${ratio(median(nw), hand.cpuUs)} | ${ratio(median(nw), median(o))} | ${fmt(so.under10)} → ${fmt(sn.under10)} |`);
      }
    }
    s();
  }

  const ticks = streamStats(records.filter((r) => r.case === 'tick'));
  if (ticks.runs > 0) {
    s(`Reference, same run: one wake of Node's event loop (an idle process with \`setInterval(() => n++, 5)\`) costs **${fmt(ticks.cpuUs)} µs** of process CPU per tick ` +
      '(median of the repetitions). A main-thread `callback` pays at least this once per wake, on top of the floor.');
    s();
  }

  // ---- case 2 ----------------------------------------------------------------
  if (config.blockSizes.some((bs) => select(records, { case: 2, blockSize: bs }).length)) {
    s('## Case 2: case 1 while the main thread allocates heavily');
    s();
    s(`Node: the main thread allocates without pause in slices of ${config.loadSliceMs} ms (objects, arrays, strings and typed arrays, ` +
      'with a rolling window of 200 000 retained objects so old-generation collections happen too), yielding to the event loop between slices. ' +
      'Python: another thread does the same kind of allocation (it holds the GIL except at the interpreter\'s switch interval). ' +
      'CPU is not compared here (the load itself takes a whole core); "callbacks run" is the share of audio blocks the JavaScript function saw inside the window.');
    s();
    s('| block size | path | cushion | underflows / 10 s, idle (case 1) | underflows / 10 s, loaded | overflows / 10 s, loaded | callbacks run | target | met |');
    s('|---|---|---|---|---|---|---|---|---|');
    for (const bs of config.blockSizes) {
      const py1 = case1[`${bs}/python`];
      const py2 = streamStats(select(records, { case: 2, blockSize: bs, impl: 'python' }));
      const fl1 = case1[`${bs}/floor`];
      const fl2 = streamStats(select(records, { case: 2, blockSize: bs, impl: 'floor', mode: undefined }));
      s(`| ${bs} | C floor (+ a C thread allocating) | – | ${fmt(fl1?.under10)} | ${fl2.error ? `error: ${fl2.error}` : fmt(fl2.under10)} | ${fmt(fl2.over10)} | – | – | – |`);
      s(`| ${bs} | Python sounddevice | – | ${fmt(py1?.under10)} | ${py2.error ? `error: ${py2.error}` : fmt(py2.under10)} | ${fmt(py2.over10)} | – | – | – |`);
      for (const mode of ['callback', 'processor']) {
        for (const cushion of CUSHIONS) {
          const idle = case1[`${bs}/${mode}/${cushion}`];
          const st = streamStats(select(records, { case: 2, blockSize: bs, impl: 'node', mode, cushion }));
          if (st.runs === 0 && idle === undefined) continue;
          let met;
          if (mode === 'processor' && Number.isFinite(st.under10) && Number.isFinite(idle?.under10)) {
            met = st.under10 <= keepsCount(idle.under10);
            case2Summary.push({ bs, cushion, met, idle: idle.under10, load: st.under10 });
          }
          const tgt = mode === 'processor' ? `≤ ${fmt(keepsCount(idle?.under10))} (keeps case 1)` : 'reported';
          s(`| ${bs} | ${pathName('node', mode)} | ${cushion} | ${fmt(idle?.under10)} | ${st.error ? `error: ${st.error}` : fmt(st.under10)} | ${fmt(st.over10)} | ${st.delivered === undefined ? '–' : `${(st.delivered * 100).toFixed(0)} %`} | ${tgt} | ${mode === 'processor' ? yes(met) : '–'} |`);
        }
      }
    }
    s();
    s('"Keeps case 1" is read as: no more than case 1\'s count plus noise, i.e. ≤ max(2 × case 1, case 1 + 2) per 10 s ' +
      '(on 2 cores the load takes one core away from the audio threads, which also costs the C floor and Python a few xruns).');
    s();
    for (const cushion of CUSHIONS) {
      const rows = case2Summary.filter((r) => r.cushion === cushion);
      if (rows.length) {
        target(2, `processor, cushion ${cushion}: keeps case 1's underflow count under allocation load`, rows.every((r) => r.met),
          rows.map((r) => `${r.bs}: ${fmt(r.load)} vs ${fmt(r.idle)}`).join(', '));
      }
    }
  }

  // ---- case 3 ----------------------------------------------------------------
  if (select(records, { case: 3 }).length + records.filter((r) => r.case === 3).length) {
    s(`## Case 3: \`play()\` and \`rec()\` of ${config.bufferSeconds} s, stereo float32`);
    s();
    s('Process CPU from the call to its end (opening, starting, playing/recording, closing; the library is already initialized), per second of audio. ' +
      'Status flags: runs whose `getStatus()` / `sd.get_status()` (the floor: its callback\'s flags) showed any flag. Under load: the allocation load of case 2 runs during the call.');
    s();
    s('| call | path | CPU per s of audio | × floor | × Python | runs with flags, idle | runs with flags, loaded | target | met |');
    s('|---|---|---|---|---|---|---|---|---|');
    for (const kind of ['play', 'rec']) {
      const stat = (impl, load) => {
        const rs = records.filter((r) => r.case === 3 && r.kind === kind && r.impl === impl && !!r.load === load);
        const good = ok(rs);
        return {
          rs,
          good,
          error: good.length === 0 ? errorOf(rs) : undefined,
          cpu: median(good.map((r) => (r.result.cpu / r.result.audioSeconds) * 1000)),
          flagged: good.filter((r) => r.result.anyFlag || r.result.underflows > 0 || r.result.overflows > 0).length,
          flags: [...new Set(good.map((r) => normFlags(r.result.flags)).filter(Boolean))].join('; '),
        };
      };
      const fl = stat('floor', false);
      const py = stat('python', false);
      for (const impl of ['floor', 'python', 'node']) {
        const idle = stat(impl, false);
        const loaded = stat(impl, true);
        let met;
        if (impl === 'node' && Number.isFinite(idle.cpu) && Number.isFinite(fl.cpu)) {
          met = idle.cpu <= 1.25 * fl.cpu && loaded !== undefined && loaded.good.length > 0 && loaded.flagged === 0;
          target(3, `\`${kind}()\`: CPU ≤ 1.25 × the floor and no status flags under load`, met,
            `${ratio(idle.cpu, fl.cpu)} the floor; flags under load in ${loaded?.flagged}/${loaded?.good.length} runs`);
        }
        const flagCell = (st) => (st === undefined ? '–' : st.error ? `error: ${st.error}` : `${st.flagged}/${st.good.length}${st.flags ? ` (${st.flags})` : ''}`);
        s(`| \`${kind}\` | ${impl === 'node' ? `Node \`${kind}()\` (native, no JavaScript per block)` : pathName(impl)} | ${idle.error ? `error: ${idle.error}` : `${fmt(idle.cpu, 2)} ms`} | ${ratio(idle.cpu, fl.cpu)} | ${ratio(idle.cpu, py.cpu)} | ${flagCell(idle)} | ${flagCell(loaded)} | ${impl === 'node' ? '≤ 1.25× floor, 0 flags loaded' : ''} | ${impl === 'node' ? yes(met) : '–'} |`);
      }
    }
    s();
  }

  // ---- case 4 ----------------------------------------------------------------
  const c4 = records.filter((r) => r.case === 4);
  if (c4.length) {
    s('## Case 4: `playrec()` loopback latency');
    s();
    s('`playrec()` of 1 s (an impulse after 0.25 s of silence), mono float32, block size left to PortAudio, with `PortAudio:out_0` connected to `PortAudio:in_0` ' +
      'while the leading silence plays; latency = where the impulse is recorded minus where it was played. The C floor runs a callback stream that does the same. ' +
      'The physical floor on the testbed is one JACK period.');
    s();
    s('| JACK period | C floor | Python sounddevice | Node `playrec()` | target | met |');
    s('|---|---|---|---|---|---|');
    for (const period of [...new Set(c4.map((r) => r.period))]) {
      const lat = (impl) => {
        const rs = c4.filter((r) => r.period === period && r.impl === impl);
        const good = ok(rs);
        if (good.length === 0) return { text: `error: ${errorOf(rs)}` };
        const vals = [...new Set(good.map((r) => r.result.latency))];
        return { vals, text: vals.join(', ') };
      };
      const [f, p, n] = [lat('floor'), lat('python'), lat('node')];
      const met = n.vals && p.vals && f.vals ? n.vals.length === 1 && p.vals.length === 1 && n.vals[0] === p.vals[0] && n.vals[0] === f.vals[0] : undefined;
      target(4, `playrec latency at period ${period} equals Python's and the floor's`, met, `${n.text} vs ${p.text} vs ${f.text} samples`);
      s(`| ${period} | ${f.text} | ${p.text} | ${n.text} | = Python = floor (${period}) | ${yes(met)} |`);
    }
    s();
  }

  // ---- case 5 ----------------------------------------------------------------
  const c5 = records.filter((r) => r.case === 5);
  if (c5.length) {
    s('## Case 5: start-up');
    s();
    s('Wall time of a fresh process from spawn to exit that imports the library and prints the device list ' +
      '(Node: `startup.mjs` with `await import(...)` then `queryDevices().toString()`; Python: `import sounddevice as sd; print(sd.query_devices())`). ' +
      'The command lines: `sounddevice devices` (packages/cli/dist/bin.js) and `python -m sounddevice`. ' +
      `Median and minimum of ${config.startupReps} processes each, alternating. The bare interpreters and the C floor (Pa_Initialize, list, Pa_Terminate) show what no library can remove.`);
    s();
    s('| process | median | min | × Python | library share (median − bare interpreter) |');
    s('|---|---|---|---|---|');
    const w = (impl, mode) => c5.filter((r) => r.impl === impl && r.mode === mode && r.result.ok).map((r) => r.result.wall * 1000);
    const pyMed = median(w('python', 'sounddevice'));
    const nodeBare = median(w('node', 'bare'));
    const pyBare = median(w('python', 'bare'));
    const rows5 = [
      ['Node `@sounddevice/raw`', 'node', 'raw', nodeBare],
      ['Node `@sounddevice/numeric`', 'node', 'numeric', nodeBare],
      ['Python `sounddevice`', 'python', 'sounddevice', pyBare],
      ['C floor (`floor init`)', 'floor', 'init', 0],
      ['CLI `sounddevice devices`', 'node', 'cli', nodeBare],
      ['CLI `python -m sounddevice`', 'python', 'cli', pyBare],
      ['bare `node -e 0`', 'node', 'bare', undefined],
      ['bare `python -c pass`', 'python', 'bare', undefined],
    ];
    for (const [label, impl, mode, bare] of rows5) {
      const v = w(impl, mode);
      const m = median(v);
      s(`| ${label} | ${fmt(m, 0)} ms | ${fmt(Math.min(...v), 0)} ms | ${ratio(m, pyMed)} | ${bare === undefined ? '' : `${fmt(m - bare, 0)} ms`} |`);
    }
    const nodeRaw = median(w('node', 'raw'));
    // Issue 17's target (it replaced the earlier ≤ 0.5 ×).
    const met5 = Number.isFinite(nodeRaw) ? nodeRaw <= 1.0 * pyMed : undefined;
    target(5, 'start-up ≤ 1.0 × Python\'s', met5, `raw ${ratio(nodeRaw, pyMed)}, numeric ${ratio(median(w('node', 'numeric')), pyMed)}; bare node is ${ratio(nodeBare, pyMed)} Python's whole start-up`);
    const cliNode = median(w('node', 'cli'));
    const cliPy = median(w('python', 'cli'));
    if (Number.isFinite(cliNode) && Number.isFinite(cliPy)) {
      target(5, '`sounddevice devices` as fast as `python -m sounddevice`', cliNode <= cliPy, `${fmt(cliNode, 0)} vs ${fmt(cliPy, 0)} ms (${ratio(cliNode, cliPy)})`);
    }
    s();
  }

  // ---- case 6 ----------------------------------------------------------------
  const c6 = records.filter((r) => r.case === 6);
  if (c6.length) {
    s(`## Case 6: memory of \`rec()\` of ${config.memoryMinutes} minutes, stereo float32`);
    s();
    s('Recorded from the testbed\'s ALSA `vzero` device (not real-time paced, so 10 minutes take a moment; JACK would take 10 minutes). ' +
      'Peak RSS (VmHWM, reset with `/proc/self/clear_refs` just before) minus the RSS right before the call, divided by the array\'s size. ' +
      'With `out`, the preallocated array is created inside the measured span too, so 1.00 means "the array and nothing else".');
    s();
    s('| variant | array | Node | Python | target | met |');
    s('|---|---|---|---|---|---|');
    for (const pre of [true, false]) {
      const rat = (impl) => {
        const rs = c6.filter((r) => r.impl === impl && r.preallocated === pre);
        const good = ok(rs);
        return { v: median(good.map((r) => r.result.ratio)), bytes: good[0]?.result.bytes, error: good.length ? undefined : errorOf(rs) };
      };
      const [n, p] = [rat('node'), rat('python')];
      const met = Number.isFinite(n.v) ? n.v <= 1.1 : undefined;
      target(6, `memory overhead ≤ 1.1 × the array (${pre ? 'preallocated `out`' : 'library allocates'})`, met, `${fmt(n.v, 3)} (Python ${fmt(p.v, 3)})`);
      s(`| ${pre ? '`rec(out=…)` into a preallocated array' : '`rec(frames)`: the library allocates'} | ${n.bytes ? `${(n.bytes / 2 ** 20).toFixed(0)} MiB` : '–'} | ${n.error ? `error: ${n.error}` : `${fmt(n.v, 3)}×`} | ${p.error ? `error: ${p.error}` : `${fmt(p.v, 3)}×`} | ≤ 1.1× | ${yes(met)} |`);
    }
    s();
  }

  // ---- case 7 ----------------------------------------------------------------
  const c7 = records.filter((r) => r.case === 7);
  if (c7.length) {
    s('## Case 7: blocking `read`/`write`, block size 64');
    s();
    s('A full-duplex raw stream (2 channels float32, JACK period 64) read and written back in blocks of 64 frames. ' +
      'Node: `await stream.readInto(buffer)` + `await stream.write(buffer)` (waiting on the thread pool), and `readSync`/`writeSync` (waiting on the main thread); ' +
      'Python: `RawStream.read(64)` + `write()`; C floor: `Pa_ReadStream`/`Pa_WriteStream`.');
    s();
    s('| path | CPU per block | × Python | × floor | underflows / 10 s | overflows / 10 s | target | met |');
    s('|---|---|---|---|---|---|---|---|');
    const st = (impl, mode, build) => streamStats(c7.filter((r) => r.impl === impl && r.mode === mode && r.build === build));
    const py = st('python', undefined);
    const fl = st('floor', undefined);
    for (const [label, impl, mode] of [['C floor', 'floor'], ['Python sounddevice', 'python'], ['Node `await read/write`', 'node', 'async'], ['Node `readSync/writeSync`', 'node', 'sync']]) {
      const x = st(impl, mode);
      const met = impl === 'node' && Number.isFinite(x.cpuUs) ? x.cpuUs <= 0.5 * py.cpuUs : undefined;
      if (impl === 'node') target(7, `blocking ${mode}: CPU per block ≤ 0.5 × Python's`, met, `${ratio(x.cpuUs, py.cpuUs)}`);
      s(`| ${label} | ${x.error ? `error: ${x.error}` : `${fmt(x.cpuUs)} µs`} | ${ratio(x.cpuUs, py.cpuUs)} | ${ratio(x.cpuUs, fl.cpuUs)} | ${fmt(x.under10)} | ${fmt(x.over10)} | ${impl === 'node' ? '≤ 0.5× Python' : ''} | ${impl === 'node' ? yes(met) : '–'} |`);
    }
    s();
    const builds = [...new Set(c7.map((r) => r.build).filter(Boolean))];
    for (const build of builds) {
      const n = Math.max(...['sync', 'async'].map((m) => ok(c7.filter((r) => r.mode === m && r.build === build)).length));
      s(`A/B against the engine before this round (\`${build}\`, built in a git worktree and run through \`--ab-root\`), alternating with this build in the same session, ` +
        `${n} runs each (${config.seconds} s measured per run); the CPU per block is the median of the runs, the range is min-max. ` +
        'The requirement: on a paced device the CPU per block of blocking streams must not get worse.');
      s();
      s(`| path | CPU per block, \`${build}\` | range | CPU per block, this build | range | this / \`${build}\` | underflows / 10 s, old → new |`);
      s('|---|---|---|---|---|---|---|');
      for (const [label, mode] of [['Node `await read/write`', 'async'], ['Node `readSync/writeSync`', 'sync']]) {
        const per = (b) => ok(c7.filter((r) => r.impl === 'node' && r.mode === mode && r.build === b)).map((r) => (r.result.cpu / r.result.callbacks) * 1e6);
        const [o, nw] = [per(build), per(undefined)];
        const range = (v) => (v.length ? `${fmt(Math.min(...v))}-${fmt(Math.max(...v))} µs` : '–');
        const [so, sn] = [st('node', mode, build), st('node', mode, undefined)];
        s(`| ${label} | ${fmt(median(o))} µs | ${range(o)} | ${fmt(median(nw))} µs | ${range(nw)} | ${ratio(median(nw), median(o))} | ${fmt(so.under10)} → ${fmt(sn.under10)} |`);
        target(7, `blocking ${mode}: CPU per block not worse than before this round's engine change (\`${build}\`)`,
          Number.isFinite(median(nw)) && Number.isFinite(median(o)) ? median(nw) <= median(o) * 1.03 : undefined,
          `${fmt(median(nw))} vs ${fmt(median(o))} µs (${ratio(median(nw), median(o))}; ≤ 1.03× counts as equal)`);
      }
      s();
    }
  }

  // ---- case 8 ----------------------------------------------------------------
  const c8 = records.filter((r) => r.case === 8);
  if (c8.length) {
    const secs = c8.find((r) => r.result?.audioSeconds)?.result.audioSeconds ?? config.exactSeconds;
    s(`## Case 8: exactness of blocking \`write()\`/\`read()\` on devices without a clock, ${fmt(secs, 0)} s stereo float32`);
    s();
    s(`A known signal (frame k = ((k+1)·2⁻²², −(k+1)·2⁻²²), float32, never zero and unique per frame) written with blocking writes of ${config.exactChunk ?? 1024} frames ` +
      'to the testbed\'s ALSA `vfile_out` (`type file` over `null`: no clock), and read with blocking reads of as many frames from `vfile_in` (its infile holds the same signal). ' +
      'Node: `RawOutputStream`/`RawInputStream` with `writeSync`/`readSync` and with `await write()`/`await readInto()`; Python: `RawOutputStream.write`/`RawInputStream.read`. ' +
      'Same arguments everywhere (48 kHz, 2 channels, float32, block size and latency left to PortAudio). ' +
      'Wall time and process CPU from opening the stream to closing it; the check runs afterwards. ' +
      '"Exact": the output file is leading silence, then the data byte for byte, then at most zeros; the frames read equal the infile\'s first frames. Medians over the runs.');
    s();
    s('| direction | path | wall time | × real time | process CPU | CPU × Python | exact runs | leading silence (frames) | after the data | flags |');
    s('|---|---|---|---|---|---|---|---|---|---|');
    for (const direction of ['out', 'in']) {
      const st8 = (impl, mode) => {
        const rs = c8.filter((r) => r.direction === direction && r.impl === impl && r.mode === mode);
        const good = ok(rs);
        return {
          rs,
          good,
          error: good.length ? undefined : errorOf(rs),
          wall: median(good.map((r) => r.result.wall)),
          cpu: median(good.map((r) => r.result.cpu)),
          audio: good[0]?.result.audioSeconds,
          exact: good.filter((r) => r.result.exact).length,
        };
      };
      const py = st8('python', undefined);
      for (const [label, impl, mode] of [
        ['Python sounddevice', 'python', undefined],
        ['Node `writeSync`/`readSync`', 'node', 'sync'],
        ['Node `await write()`/`readInto()`', 'node', 'async'],
      ]) {
        const x = st8(impl, mode);
        if (x.rs.length === 0) continue;
        const what = direction === 'out' ? `\`write()\` → \`vfile_out\`` : `\`read()\` ← \`vfile_in\``;
        if (x.error) {
          s(`| ${what} | ${label} | error: ${x.error} | | | | | | | |`);
          continue;
        }
        const leads = [...new Set(x.good.map((r) => r.result.leadingSilenceFrames).filter((v) => v !== undefined))].join(', ');
        const after = direction === 'out'
          ? [...new Set(x.good.map((r) => (r.result.trailingFrames ? `${r.result.trailingFrames} frames${r.result.trailingZero ? ' of zeros' : ', not zeros'}` : 'nothing')))].join('; ')
          : '–';
        const wrong = x.good.filter((r) => !r.result.exact).map((r) =>
          direction === 'out'
            ? `first mismatch at data frame ${r.result.mismatchAtFrame} (file ${r.result.fileFrames} frames for ${r.result.dataFrames})`
            : `first mismatch at frame ${r.result.mismatchAtFrame}, first frame read = infile frame ${r.result.firstFrame}${r.result.shiftedExact ? ' (exact from there)' : ''}`);
        const flags = `${x.good.reduce((t, r) => t + (r.result.underflows ?? 0), 0)} underflow, ${x.good.reduce((t, r) => t + (r.result.overflows ?? 0), 0)} overflow`;
        s(`| ${what} | ${label} | ${fmt(x.wall, 2)} s | ${x.audio ? `${fmt(x.audio / x.wall, 0)}×` : '–'} | ${fmt(x.cpu, 2)} s | ${impl === 'python' ? '1.00×' : ratio(x.cpu, py.cpu)} | ` +
          `${x.exact}/${x.good.length}${wrong.length ? ` (${[...new Set(wrong)].join('; ')})` : ''} | ${direction === 'out' ? leads : '–'} | ${after} | ${flags} |`);
        if (impl === 'node') {
          target(8, `${mode === 'sync' ? 'writeSync/readSync' : 'await write/readInto'}: ${direction === 'out' ? 'output file' : 'frames read'} exact`,
            x.good.length ? x.exact === x.good.length : undefined, `${x.exact}/${x.good.length} runs exact (Python ${py.exact}/${py.good.length}); ${fmt(x.wall, 2)} s vs Python ${fmt(py.wall, 2)} s`);
        }
      }
    }
    s();
  }

  // ---- assemble --------------------------------------------------------------
  out('## Targets');
  out();
  out('| case | target | result | figures |');
  out('|---|---|---|---|');
  for (const t of summary) out(`| ${t.caseNo} | ${t.what} | ${yes(t.met)} | ${t.detail ?? ''} |`);
  out();
  lines.push(...section);
  const notes = path.join(BENCH_DIR, 'notes.md');
  if (existsSync(notes)) {
    out(readFileSync(notes, 'utf8').trimEnd());
    out();
  }
  return { markdown: lines.join('\n'), summary };
}

const case2Summary = [];

/** The cushions of the Node rows of cases 1 and 2 (0: synchronous). */
const CUSHIONS = [0, 2, 8];

/**
 * Updates an existing report instead of rewriting it: the `## Case N`
 * sections of the cases in `results` replace the file's (new ones go in case
 * order), their rows of the targets table too, the analysis is bench/notes.md
 * as it is now, and a line under the title says which cases came from which
 * run. Returns the console summary.
 */
export function spliceReport(results, file) {
  if (!existsSync(file)) return writeReport(results, file);
  case2Summary.length = 0;
  const { markdown, summary } = buildReport(results);
  const cases = new Set(results.records.map((r) => (typeof r.case === 'number' ? r.case : r.case === 'tick' || r.case === 'latency' ? 1 : undefined)).filter(Boolean));
  const parse = (md) => {
    const parts = md.split(/\n(?=## )/);
    return { head: parts[0], sections: parts.slice(1) };
  };
  const caseOf = (sec) => Number(/^## Case (\d+)/.exec(sec)?.[1]) || undefined;
  const old = parse(readFileSync(file, 'utf8').trimEnd());
  const neu = parse(markdown);
  const oldTargets = old.sections.find((x) => x.startsWith('## Targets'));
  const newTargets = neu.sections.find((x) => x.startsWith('## Targets'));
  const rowCase = (line) => Number(/^\| (\d+) \|/.exec(line)?.[1]) || undefined;
  let targets = newTargets;
  if (oldTargets) {
    const lines = oldTargets.trimEnd().split('\n');
    const keep = lines.filter((l) => !cases.has(rowCase(l)));
    const added = newTargets.trimEnd().split('\n').filter((l) => cases.has(rowCase(l)));
    const rows = [...keep.filter((l) => rowCase(l)), ...added].sort((a, b) => rowCase(a) - rowCase(b));
    targets = `${[...keep.filter((l) => !rowCase(l)), ...rows].join('\n')}\n`;
  }
  const byCase = new Map();
  for (const sec of old.sections) if (caseOf(sec)) byCase.set(caseOf(sec), sec);
  for (const sec of neu.sections) if (caseOf(sec) && cases.has(caseOf(sec))) byCase.set(caseOf(sec), sec);
  const analysis = neu.sections.filter((x) => !x.startsWith('## Targets') && !caseOf(x));
  const list = [...cases].sort((a, b) => a - b).join(', ');
  const line = `Cases ${list} were measured again on ${results.started.slice(0, 10)} (${results.started.slice(11, 16)} UTC) by \`${results.command}\` ` +
    `(${(results.elapsed / 60).toFixed(1)} min, repository at ${results.machine.commit}); their sections and rows of the targets table below come from that run, ` +
    'the other cases\' from the runs named above.';
  const head = `${old.head.trimEnd().split('\n').filter((l) => !l.startsWith(`Cases ${list} were measured again`)).join('\n')}`.replace(/\n\n(?=\| session|\| machine)/, `\n\n${line}\n\n`);
  const kept = keptResampleSection(file);
  const body = [head, targets, ...[...byCase.keys()].sort((a, b) => a - b).map((k) => byCase.get(k)), ...analysis, ...(kept ? [kept] : [])];
  writeFileSync(file, `${body.map((x) => x.trimEnd()).join('\n\n')}\n`);
  return `${summary.map((t) => `case ${t.caseNo}: ${t.met === undefined ? '–' : t.met ? 'met   ' : 'MISSED'} ${t.what} (${t.detail ?? ''})`).join('\n')}\n`;
}

/** The most underflows a loaded run may show and still "keep" case 1's count (noise allowance). */
function keepsCount(idle) {
  return Math.max(2 * idle, idle + 2);
}

function normFlags(text) {
  if (!text) return '';
  const t = String(text).replace(/^<CallbackFlags: ?/, '').replace(/>$/, '').trim();
  return t === 'no flags set' ? '' : t;
}

/** The section bench/resample.mjs writes: kept when this report is rewritten. */
const RESAMPLE_HEADING = '## Sample-rate conversion';

/** That section of `file` as it stands ('' if none). */
function keptResampleSection(file) {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(`\n${RESAMPLE_HEADING}`);
  if (at < 0) return '';
  const end = text.indexOf('\n## ', at + 1);
  return text.slice(at + 1, end < 0 ? undefined : end).trimEnd();
}

/** Writes the report; returns a short text summary for the console. */
export function writeReport(results, file) {
  case2Summary.length = 0;
  const { markdown, summary } = buildReport(results);
  const kept = keptResampleSection(file);
  writeFileSync(file, `${markdown}${kept ? `\n\n${kept}` : ''}\n`);
  return `${summary.map((t) => `case ${t.caseNo}: ${t.met === undefined ? '–' : t.met ? 'met   ' : 'MISSED'} ${t.what} (${t.detail ?? ''})`).join('\n')}\n`;
}

/** The group a record belongs to: a later session's group replaces an earlier one's. */
function groupOf(r) {
  return `${r.case}|${r.blockSize ?? ''}|${r.period ?? ''}|${r.kind ?? ''}`;
}

/**
 * Merges the raw results of several sessions: records of a (case, block
 * size/period, kind) group present in a later session replace the earlier
 * session's records of that group.
 */
export function mergeResults(sessions) {
  if (sessions.length === 1) return sessions[0];
  let records = [];
  for (const [i, s] of sessions.entries()) {
    const groups = new Set(s.records.map(groupOf));
    records = records.filter((r) => !groups.has(groupOf(r)));
    records.push(...s.records.map((r) => ({ ...r, session: i + 1 })));
  }
  const last = sessions.at(-1);
  const blockSizes = [...new Set(sessions.flatMap((s) => s.config.blockSizes))].sort((a, b) => b - a);
  return {
    ...last,
    sessions: sessions.map((s, i) => ({
      n: i + 1,
      command: s.command,
      started: s.started,
      elapsed: s.elapsed,
      waited: s.waited,
      partial: !!s.partial,
      used: records.filter((r) => r.session === i + 1).length,
    })),
    started: sessions[0].started,
    elapsed: sessions.reduce((t, s) => t + (s.elapsed ?? 0), 0),
    waited: sessions.reduce((t, s) => t + (s.waited ?? 0), 0),
    config: { ...last.config, blockSizes, cases: [...new Set(sessions.flatMap((s) => s.config.cases))].sort() },
    records,
  };
}
