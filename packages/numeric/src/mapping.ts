/**
 * Channel mappings of `play`/`rec`/`playrec` (1-based channel numbers, each
 * at most once), turned into the maps the audio thread applies.
 */
import { describe } from '@sounddevice/core';

/** A channel number (1-based) or a list of them. */
export type ChannelMapping = number | readonly number[];

/**
 * Validate a mapping: one or more distinct positive integers.
 *
 * @param mapping - A channel number or an array of them.
 * @param param - Parameter name for messages.
 * @returns The channel numbers (1-based).
 * @throws TypeError if it is not a number or an array of numbers;
 *   RangeError for 0, negative or fractional numbers, duplicates or an
 *   empty list.
 */
export function checkMapping(mapping: unknown, param: string): number[] {
  const list: unknown[] = typeof mapping === 'number' ? [mapping] : Array.isArray(mapping) ? mapping : [];
  if (typeof mapping !== 'number' && !Array.isArray(mapping)) {
    throw new TypeError(`${param} must be a channel number or an array of channel numbers (starting at 1), got ${describe(mapping)}`);
  }
  if (list.length === 0) throw new RangeError(`${param} must name at least one channel, got []`);
  const seen = new Set<number>();
  for (const ch of list) {
    if (typeof ch !== 'number') {
      throw new TypeError(`${param} must hold channel numbers, got ${describe(ch)} in ${describe(mapping)}`);
    }
    if (!Number.isSafeInteger(ch) || ch < 1) {
      throw new RangeError(`${param} must hold channel numbers starting at 1 (not 0), got ${describe(ch)} in ${describe(mapping)}`);
    }
    if (seen.has(ch)) throw new RangeError(`${param} must name each channel at most once, got ${ch} twice in ${describe(mapping)}`);
    seen.add(ch);
  }
  return list as number[];
}

/** What the output side of a stream plays. */
export interface OutputMap {
  /** Channels of the output stream. */
  channels: number;
  /** For each output channel: the data channel played on it, or -1 for silence. */
  map: number[];
}

/**
 * The output map of `play`/`playrec` (Python's rules): without mapping the
 * data's channels are played on the first channels; with one, the stream
 * has as many channels as the highest channel number, mono data goes to
 * every mapped channel, the rest are silent. A mapping of exactly `[1]`
 * plays on a 2-channel stream (second channel silent) when the device has
 * two channels, because some host APIs copy mono streams to both.
 *
 * @param mapping - The mapping option (or null/undefined).
 * @param dataChannels - Channels of the data.
 * @param param - Parameter name for messages.
 * @param maxChannels - Called only for `[1]`: the device's output channel count.
 * @throws RangeError when a multi-channel mapping's length differs from the data's channels.
 */
export function outputMap(
  mapping: unknown,
  dataChannels: number,
  param: string,
  maxChannels: () => number,
): OutputMap {
  if (mapping === undefined || mapping === null) {
    return { channels: dataChannels, map: Array.from({ length: dataChannels }, (_, c) => c) };
  }
  const list = checkMapping(mapping, param);
  if (dataChannels !== 1 && list.length !== dataChannels) {
    throw new RangeError(
      `${param} must have one entry per channel of the data (${dataChannels}), got ${list.length} in ${describe(mapping)}; ` +
        'only mono data may be mapped to several channels',
    );
  }
  let channels = Math.max(...list);
  if (list.length === 1 && list[0] === 1 && maxChannels() >= 2) channels = 2;
  const map = new Array<number>(channels).fill(-1);
  list.forEach((ch, k) => {
    map[ch - 1] = dataChannels === 1 ? 0 : k;
  });
  return { channels, map };
}

/** What the input side of a stream records. */
export interface InputMap {
  /** Channels of the input stream. */
  channels: number;
  /** For each recorded channel: the input channel it takes (0-based). */
  map: number[];
}

/**
 * The input map of `rec`/`playrec`.
 *
 * @param mapping - The mapping option (or null/undefined).
 * @param channels - Channels to record (of the result).
 * @param param - Parameter name for messages.
 * @throws RangeError when the mapping's length differs from `channels`.
 */
export function inputMap(mapping: unknown, channels: number, param: string): InputMap {
  if (mapping === undefined || mapping === null) {
    return { channels, map: Array.from({ length: channels }, (_, c) => c) };
  }
  const list = checkMapping(mapping, param);
  if (list.length !== channels) {
    throw new RangeError(`${param} must have one entry per recorded channel (${channels}), got ${list.length} in ${describe(mapping)}`);
  }
  return { channels: Math.max(...list), map: list.map((ch) => ch - 1) };
}
