import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from './proc.js';

/*
 * Test runs (vitest globalSetup) in several processes may share one testbed. Each
 * holds a lease (`dir/leases/<pid>`) while it runs; the jackd a run started is
 * marked in `dir/leases/jackd-owner` so the last run to leave can stop it, while
 * a server started by hand (`sounddevice-testbed start`) is never stopped.
 */

const leaseDir = (dir: string) => path.join(dir, 'leases');
const ownerFile = (dir: string) => path.join(leaseDir(dir), 'jackd-owner');

/** Records that process `pid` uses the testbed in `dir`. */
export async function takeLease(dir: string, pid = process.pid): Promise<void> {
  await mkdir(leaseDir(dir), { recursive: true });
  await writeFile(path.join(leaseDir(dir), String(pid)), '');
}

/** Removes the lease of `pid` and resolves with the pids of other processes that still hold one. */
export async function dropLease(dir: string, pid = process.pid): Promise<number[]> {
  await rm(path.join(leaseDir(dir), String(pid)), { force: true });
  let names: string[] = [];
  try {
    names = await readdir(leaseDir(dir));
  } catch {
    return [];
  }
  const others: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const other = Number(name);
    if (isAlive(other)) others.push(other);
    else await rm(path.join(leaseDir(dir), name), { force: true });
  }
  return others;
}

/** Marks jackd `jackdPid` as started by a test run (so the last run stops it). */
export async function markRunOwnedJackd(dir: string, jackdPid: number): Promise<void> {
  await mkdir(leaseDir(dir), { recursive: true });
  await writeFile(ownerFile(dir), `${jackdPid}\n`);
}

/** The jackd pid marked by {@link markRunOwnedJackd}, if any. */
export async function runOwnedJackd(dir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(ownerFile(dir), 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the mark written by {@link markRunOwnedJackd}. */
export async function clearRunOwnedJackd(dir: string): Promise<void> {
  await rm(ownerFile(dir), { force: true });
}
