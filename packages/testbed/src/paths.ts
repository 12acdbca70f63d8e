import path from 'node:path';

/** Where the testbed keeps its files inside its folder. */
export interface TestbedPaths {
  alsaConfigPath: string;
  outFile: string;
  inFile: string;
  jackLog: string;
  jackPidFile: string;
  stateFile: string;
}

/** Returns the file paths the testbed uses inside `dir` (which should be absolute). */
export function testbedPaths(dir: string): TestbedPaths {
  return {
    alsaConfigPath: path.join(dir, 'asound.conf'),
    outFile: path.join(dir, 'out.raw'),
    inFile: path.join(dir, 'in.raw'),
    jackLog: path.join(dir, 'jackd.log'),
    jackPidFile: path.join(dir, 'jackd.pid'),
    stateFile: path.join(dir, 'state.json'),
  };
}
