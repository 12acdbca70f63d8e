/**
 * Closing JACK streams safely and without needless work.
 *
 * - JACK2's client library walks a client's port list on its notification
 *   thread one process cycle after every change to the graph, while
 *   unregistering a port (what Pa_CloseStream does) edits the same list
 *   without a lock (jack2 issue #216). The addon makes every close wait
 *   until the announcements of the latest change it made have passed. Before
 *   that, stop()/close() churn aborted the process in libjack
 *   (`JackGraphManager::AssertPort`) three times in ~9,000 cycles; the race
 *   is too rare to reproduce on demand, so these tests check the mechanism.
 * - Closing a JACK stream that is not running must not abort on a dead
 *   server, so the addon checks the client is alive first: by a probe (open
 *   and close a one-channel stream), unless PortAudio's JACK process thread
 *   served the stream a moment ago (it finished it in stop(), or took it in
 *   at open). The probe costs a few periods and ~450 bytes PortAudio 19.6
 *   never frees, so the common stop() → close() must not need one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RawOutputStream, _native } from '@sounddevice/numeric';
import { describe, expect, it } from 'vitest';
import { portAudioPorts, waitFor } from './helpers.js';

function openJackStream(): RawOutputStream {
  return new RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: (out) => void out.fill(0) });
}

/**
 * How long a close waits after a change of the graph (native
 * `jack_graph::settle_time`): twice PortAudio's own latency of the stream
 * (`latency` without the cushion of callback streams), plus 10 ms.
 */
function settleMs(stream: RawOutputStream): number {
  const portAudioLatency = (stream.latency as number) - (stream.cushion * stream.blockSize) / stream.sampleRate;
  return 2 * portAudioLatency * 1000 + 10;
}

async function runningStream(): Promise<RawOutputStream> {
  const s = openJackStream();
  await s.ready;
  s.start();
  await waitFor(() => s.framesProcessed > 0, 2000, 'first block');
  return s;
}

describe('closing JACK streams', () => {
  it('stop() then close(): no probe of the server, and close waits until JACK has announced the disconnection', async () => {
    const s = await runningStream();
    const opens = _native().jackOpens();
    s.stop();
    const stopped = performance.now();
    await s.close();
    const closeMs = performance.now() - stopped;
    expect(_native().jackOpens() - opens, 'JACK streams opened by close() (probes)').toBe(0);
    // 1 ms of slack: the change is recorded inside stop(), a moment before `stopped`.
    expect(closeMs).toBeGreaterThanOrEqual(settleMs(s) - 1);
    expect(await portAudioPorts()).toEqual([]);
  });

  it('abort() then close(): no probe either', async () => {
    const s = await runningStream();
    const opens = _native().jackOpens();
    s.abort();
    await s.close();
    expect(_native().jackOpens() - opens).toBe(0);
    expect(await portAudioPorts()).toEqual([]);
  });

  it('open then close at once (never started): no probe, and close waits until the new ports were announced', async () => {
    const s = openJackStream();
    await s.ready;
    const opened = performance.now();
    const opens = _native().jackOpens();
    await s.close();
    expect(performance.now() - opened).toBeGreaterThanOrEqual(settleMs(s) - 1);
    expect(_native().jackOpens() - opens).toBe(0);
    expect(await portAudioPorts()).toEqual([]);
  });

  it('a stream closed long after it stopped: the server\'s listening socket proves it alive, no probe', async () => {
    const s = await runningStream();
    expect(_native().jackServerKnown(), 'the server socket was found at initialization').toBe(true);
    s.stop();
    await sleep(settleMs(s) + 100);
    const opens = _native().jackOpens();
    await s.close();
    expect(_native().jackOpens() - opens, 'no probe').toBe(0);
    expect(await portAudioPorts()).toEqual([]);
  });

  it('without the server\'s socket known, a stream closed long after it stopped is closed after a probe', async () => {
    const s = await runningStream();
    s.stop();
    await sleep(settleMs(s) + 100);
    expect(_native().jackServerKnown(true)).toBe(true);
    expect(_native().jackServerKnown()).toBe(false);
    const opens = _native().jackOpens();
    await s.close();
    expect(_native().jackOpens() - opens, 'one probe').toBe(1);
    expect(await portAudioPorts()).toEqual([]);
  });

  it('many streams closed back to back leave no port behind', async () => {
    const streams = await Promise.all(Array.from({ length: 6 }, () => runningStream()));
    for (const s of streams) s.stop();
    await Promise.all(streams.map((s) => s.close()));
    expect(await portAudioPorts()).toEqual([]);
  });
});

