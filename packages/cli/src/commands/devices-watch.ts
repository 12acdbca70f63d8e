/** `sounddevice devices --watch`: the list, then its changes as they happen. */
import { type DeviceChangeEvent, type DeviceList, watchDevices } from '@sounddevice/raw';
import { onInterrupt } from '../interrupt.js';
import type { CliContext } from '../io.js';

/** One change as a line of text: `+`/`-` with the device, or the new default. */
export function describeChange(e: DeviceChangeEvent): string {
  if (e.type === 'added' || e.type === 'removed') {
    const d = e.device;
    const sign = e.type === 'added' ? '+' : '-';
    return `${sign} ${d.name}, ${e.hostApiName} (${d.maxInputChannels} in, ${d.maxOutputChannels} out)`;
  }
  const what = e.type === 'defaultInput' ? 'default input' : 'default output';
  const name = (d: { name: string } | null): string => (d === null ? 'none' : d.name);
  return `${e.type === 'defaultInput' ? '>' : '<'} ${what}: ${name(e.device)} (was ${name(e.previous)})`;
}

/** One change as one line of JSON (the list it led to is left out: it can be long). */
export function changeJson(e: DeviceChangeEvent, at: Date): string {
  const { devices: _list, ...change } = e;
  return JSON.stringify({ ...change, time: at.toISOString() });
}

function listJson(list: DeviceList): string {
  return JSON.stringify({ type: 'list', devices: [...list] });
}

/**
 * Prints the device list, then every change until SIGINT/SIGTERM: text lines
 * (`+ name, host API (in, out)`, `- …`, `> default input: …`, `< default
 * output: …`) or, with `json`, one JSON object per line (first
 * `{"type":"list","devices":[…]}`, then the changes with their `time`).
 *
 * @param json - JSON lines instead of text.
 * @param ctx - Where to write.
 * @returns Resolves once interrupted.
 */
export async function watchDevicesCommand(json: boolean, ctx: CliContext): Promise<void> {
  const watcher = watchDevices();
  const out = (line: string): void => void ctx.io.stdout.write(`${line}\n`);
  out(json ? listJson(watcher.devices) : watcher.devices.toString());
  watcher.on('change', (e) => out(json ? changeJson(e, new Date()) : describeChange(e)));
  watcher.on('error', (e) => ctx.io.stderr.write(`error while refreshing the device list: ${e.message}\n`));
  await new Promise<void>((resolve) => {
    const stop = onInterrupt(() => {
      stop();
      watcher.close();
      resolve();
    });
  });
}
