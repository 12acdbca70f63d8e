/** Shared wording of the commands' messages. */
import { type DeviceInfo, queryHostApis } from '@sounddevice/raw';

/** `device 3 'vfile_out, ALSA'`. */
export function describeDevice(info: DeviceInfo): string {
  return `device ${info.index} '${info.name}, ${queryHostApis(info.hostApi).name}'`;
}

/** `2 channels` / `1 channel`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
