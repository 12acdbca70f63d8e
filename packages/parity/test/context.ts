/**
 * What the global setups provide to the tests: the testbed (devices, files,
 * JACK) and the venv's python.
 */
import { inject } from 'vitest';
import type { TestbedInfo } from '@sounddevice/testbed';

declare module 'vitest' {
  export interface ProvidedContext {
    sounddeviceTestbed: TestbedInfo;
    parityPython: string;
  }
}

/** The running testbed (paths of the `vfile_out`/`vfile_in` files, JACK period and rate). */
export function testbed(): TestbedInfo {
  return inject('sounddeviceTestbed');
}

/** The venv's python, with `sounddevice` and `numpy`. */
export function python(): string {
  return inject('parityPython');
}
