import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { jackLogMark, jackXrunsSince } from './index.js';
import { tempDir } from './test-utils.js';

const dir = tempDir('jack-log');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jackXrunsSince', () => {
  it('returns the xruns jackd logged after the mark, not the ones before or other lines', () => {
    mkdirSync(dir, { recursive: true });
    expect(jackLogMark({ dir })).toBe(0);
    expect(jackXrunsSince({ dir }, 0)).toEqual([]);
    appendFileSync(`${dir}/jackd.log`, 'jackdmp 1.9.21\nJackEngine::XRun: client = a was not finished, state = Triggered\n');
    const mark = jackLogMark({ dir });
    expect(mark).toBeGreaterThan(0);
    expect(jackXrunsSince({ dir }, mark)).toEqual([]);
    appendFileSync(
      `${dir}/jackd.log`,
      'JackTimedDriver::Process XRun = 15 usec\nJackEngine::XRun: client = PortAudio was not finished, state = Running\nJackAudioDriver::ProcessGraphAsyncMaster: Process error\n',
    );
    expect(jackXrunsSince({ dir }, mark)).toEqual(['JackEngine::XRun: client = PortAudio was not finished, state = Running']);
    expect(jackXrunsSince({ dir }, 0)).toHaveLength(2);
  });
});
