// On a shared machine, figures taken while somebody else's tests or builds run
// are meaningless. This measures the CPU used by processes outside the bench's
// own process tree, so the runner can wait for quiet before a measurement and
// repeat one that was disturbed.
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const TICK = 100; // USER_HZ on Linux

function readStats() {
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = text.lastIndexOf(')');
      const comm = text.slice(text.indexOf('(') + 1, close);
      const f = text.slice(close + 2).split(' ');
      // after comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
      stats.set(Number(name), {
        comm,
        ppid: Number(f[1]),
        cpu: Number(f[11]) + Number(f[12]),
        children: Number(f[13]) + Number(f[14]),
      });
    } catch {
      // the process ended
    }
  }
  return stats;
}

/** Busy CPU time of the whole machine in ticks (everything but idle and iowait). */
function machineBusy() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu;
  return user + nice + system + irq + softirq + steal;
}

/** Pids of this process, its ancestors and all its descendants (the bench itself). */
function ownTree(stats) {
  const own = new Set([process.pid]);
  for (let p = process.ppid; p > 1 && !own.has(p); p = stats.get(p)?.ppid ?? 0) own.add(p);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of stats) {
      if (!own.has(pid) && own.has(s.ppid) && s.ppid !== 1) {
        own.add(pid);
        grew = true;
      }
    }
  }
  return own;
}

/**
 * A snapshot: the machine's busy time, the bench's own (its processes and
 * the children they reaped) and the other processes' times.
 */
export function foreignSnapshot() {
  const stats = readStats();
  const own = ownTree(stats);
  let ownTicks = 0;
  const others = new Map();
  for (const [pid, s] of stats) {
    if (own.has(pid)) ownTicks += s.cpu + s.children;
    else others.set(pid, { comm: s.comm, cpu: s.cpu });
  }
  return { t: performance.now(), busy: machineBusy(), own: ownTicks, others };
}

/**
 * Cores used by everything outside the bench between two snapshots (the
 * machine's busy time minus the bench's, so short-lived processes count too),
 * and the busiest long-lived ones.
 */
export function foreignLoad(a, b) {
  const seconds = (b.t - a.t) / 1000;
  if (seconds <= 0) return { cores: 0, top: [] };
  const foreign = Math.max(0, b.busy - a.busy - (b.own - a.own)) / TICK;
  const top = [];
  for (const [pid, s] of b.others) {
    const used = (s.cpu - (a.others.get(pid)?.cpu ?? 0)) / TICK; // started in between: counts whole
    if (used > 0) top.push({ pid, comm: s.comm, cores: used / seconds });
  }
  top.sort((x, y) => y.cores - x.cores);
  return { cores: foreign / seconds, top: top.slice(0, 3) };
}

/**
 * Waits until foreign processes use less than `limit` cores over 2 s, for at
 * most `maxSeconds`. Returns the seconds waited and whether it got quiet.
 */
export async function waitQuiet({ limit = 0.15, maxSeconds = 900, log = () => {} } = {}) {
  const t0 = performance.now();
  let warned = false;
  for (;;) {
    const a = foreignSnapshot();
    await sleep(2000);
    const load = foreignLoad(a, foreignSnapshot());
    const waited = (performance.now() - t0) / 1000;
    if (load.cores < limit) return { waited, quiet: true };
    if (!warned) {
      log(`waiting for other work to finish: ${load.top.map((p) => `${p.comm} (${p.pid}) ${p.cores.toFixed(2)} cores`).join(', ')}`);
      warned = true;
    }
    if (waited >= maxSeconds) return { waited, quiet: false };
  }
}
