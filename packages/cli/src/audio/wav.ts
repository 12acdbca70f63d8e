/**
 * WAV (RIFF WAVE) files: reading the header of a file to stream its
 * samples, and writing a file block by block whose header sizes are patched
 * as it grows and when it is closed.
 */
import type { FileHandle } from 'node:fs/promises';
import type { DType } from '@sounddevice/raw';
import { FileError } from '../errors.js';

/** What a WAV file holds. */
export interface WavInfo {
  channels: number;
  sampleRate: number;
  /** The sample format as stored; `float64` is converted to float32 when read. */
  format: DType | 'float64';
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of samples (whole frames; clamped to what the file really holds). */
  dataBytes: number;
  /** Number of frames. */
  frames: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Reads the header of an open WAV file.
 *
 * A `data` chunk whose size is 0, 0xFFFFFFFF or past the end of the file
 * (as left by a recorder that was killed) is taken to run to the end of the
 * file.
 *
 * @param handle - The open file.
 * @param size - Its size in bytes.
 * @param name - The file's name for messages.
 * @throws FileError for what is not a WAV file or a sample format this reads.
 */
export async function readWavInfo(handle: FileHandle, size: number, name: string): Promise<WavInfo> {
  const head = Buffer.alloc(Math.min(size, 1 << 16));
  await handle.read(head, 0, head.length, 0);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new FileError(`'${name}' is not a WAV file (no RIFF/WAVE header)`);
  }
  let at = 12;
  let fmt: { tag: number; channels: number; rate: number; bits: number; blockAlign: number } | undefined;
  while (at + 8 <= head.length) {
    const id = head.toString('latin1', at, at + 4);
    const chunkSize = head.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (body + 16 > head.length) break;
      let tag = head.readUInt16LE(body);
      if (tag === WAVE_FORMAT_EXTENSIBLE && chunkSize >= 40 && body + 26 <= head.length) tag = head.readUInt16LE(body + 24);
      fmt = {
        tag,
        channels: head.readUInt16LE(body + 2),
        rate: head.readUInt32LE(body + 4),
        blockAlign: head.readUInt16LE(body + 12),
        bits: head.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (fmt === undefined) throw new FileError(`'${name}' is not a valid WAV file: 'data' comes before 'fmt '`);
      const format = _format(fmt.tag, fmt.bits, name);
      if (fmt.channels < 1 || fmt.rate < 1) throw new FileError(`'${name}' is not a valid WAV file: ${fmt.channels} channels at ${fmt.rate} Hz`);
      const frameBytes = fmt.channels * (fmt.bits / 8);
      const available = size - body;
      let bytes = chunkSize === 0 || chunkSize === 0xffffffff || chunkSize > available ? available : chunkSize;
      bytes -= bytes % frameBytes;
      return { channels: fmt.channels, sampleRate: fmt.rate, format, dataOffset: body, dataBytes: bytes, frames: bytes / frameBytes };
    }
    at = body + chunkSize + (chunkSize % 2);
  }
  throw new FileError(`'${name}' is not a valid WAV file: no ${fmt ? "'data'" : "'fmt '"} chunk found`);
}

function _format(tag: number, bits: number, name: string): WavInfo['format'] {
  if (tag === WAVE_FORMAT_PCM) {
    const f = ({ 8: 'uint8', 16: 'int16', 24: 'int24', 32: 'int32' } as const)[bits as 8 | 16 | 24 | 32];
    if (f) return f;
  } else if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bits === 32) return 'float32';
    if (bits === 64) return 'float64';
  } else {
    throw new FileError(`'${name}' uses WAV format tag ${tag} (compressed); only PCM and IEEE float WAV files can be played`);
  }
  throw new FileError(`'${name}' has ${bits}-bit samples, which this command does not read (8, 16, 24, 32-bit PCM, 32/64-bit float)`);
}

/** WAV sample formats `rec` writes (libsndfile's subtype names). */
export type WavSubtype = 'PCM_16' | 'PCM_24' | 'PCM_32' | 'FLOAT';

/** The stream dtype that records each subtype without conversion. */
export const SUBTYPE_DTYPE: Readonly<Record<WavSubtype, DType>> = {
  PCM_16: 'int16',
  PCM_24: 'int24',
  PCM_32: 'int32',
  FLOAT: 'float32',
};

/**
 * The 44-byte (PCM) or 58-byte (float: `fmt ` with cbSize and a `fact`
 * chunk) header of a WAV file holding `frames` frames.
 */
export function wavHeader(channels: number, sampleRate: number, subtype: WavSubtype, frames: number): Buffer {
  const float = subtype === 'FLOAT';
  const bytes = { PCM_16: 2, PCM_24: 3, PCM_32: 4, FLOAT: 4 }[subtype];
  const dataBytes = frames * channels * bytes;
  const fmtSize = float ? 18 : 16;
  const headerBytes = 12 + 8 + fmtSize + (float ? 12 : 0) + 8;
  const h = Buffer.alloc(headerBytes);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, headerBytes - 8 + dataBytes + (dataBytes % 2)), 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(fmtSize, 16);
  h.writeUInt16LE(float ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * bytes, 28);
  h.writeUInt16LE(channels * bytes, 32);
  h.writeUInt16LE(bytes * 8, 34);
  let at = 36;
  if (float) {
    h.writeUInt16LE(0, 36); // cbSize
    h.write('fact', 38, 'latin1');
    h.writeUInt32LE(4, 42);
    h.writeUInt32LE(Math.min(0xffffffff, frames), 46);
    at = 50;
  }
  h.write('data', at, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes), at + 4);
  return h;
}
