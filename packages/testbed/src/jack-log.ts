import { readFileSync, statSync } from 'node:fs';
import { testbedPaths } from './paths.js';

/** Anything that names the testbed folder (a `TestbedInfo` will do). */
export interface HasTestbedDir {
  dir: string;
}

/**
 * The current end of the testbed's jackd log (`dir/jackd.log`), to pass to
 * {@link jackXrunsSince} later. 0 when there is no log yet.
 */
export function jackLogMark(info: HasTestbedDir): number {
  try {
    return statSync(testbedPaths(info.dir).jackLog).size;
  } catch {
    return 0;
  }
}

/**
 * The xruns the testbed's jackd logged after `mark` (from {@link jackLogMark}):
 * its `JackEngine::XRun` lines, one per client that had not finished a cycle in
 * time, so the server skipped it for every client. A test of real-time content
 * can use them to tell a lost JACK cycle (the machine was too busy) from a
 * frame its code lost. Only servers the testbed started write this log.
 */
export function jackXrunsSince(info: HasTestbedDir, mark: number): string[] {
  let text: string;
  try {
    text = readFileSync(testbedPaths(info.dir).jackLog).subarray(mark).toString('utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => line.startsWith('JackEngine::XRun'));
}
