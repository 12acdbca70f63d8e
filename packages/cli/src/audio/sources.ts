/**
 * Reading audio files for playback, chunk by chunk with bounded memory:
 * WAV (read directly, samples in their own format), FLAC
 * (`@wasm-audio-decoders/flac`, integers restored exactly), MP3
 * (`mpg123-decoder`) and Ogg Vorbis (`@wasm-audio-decoders/ogg-vorbis`),
 * both as float32.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { DType } from '@sounddevice/raw';
import { FileError } from '../errors.js';
import { SAMPLE_BYTES, fromFloat32 } from './samples.js';
import { readWavInfo } from './wav.js';

/** The container/codec of a file. */
export type SourceFormat = 'WAV' | 'FLAC' | 'MP3' | 'Ogg Vorbis';

/** An audio file opened for playback. */
export interface AudioSource {
  readonly path: string;
  readonly format: SourceFormat;
  readonly sampleRate: number;
  readonly channels: number;
  /**
   * The sample format of the chunks: a WAV file's own (float64 becomes
   * float32), FLAC's integer width (int8/int16/int24; float32 for other
   * widths), float32 for MP3 and Ogg Vorbis.
   */
  readonly dtype: DType;
  /** Total frames, when the file says (WAV, FLAC) or a scan found them (MP3, Ogg). */
  readonly frames: number | undefined;
  /** Interleaved frames of `dtype` from the start of the file, a chunk at a time. */
  chunks(): AsyncGenerator<Buffer>;
}

/** Bytes read from the file per step. */
const READ_BYTES = 1 << 16;

function _reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return e instanceof Error ? e.message : String(e);
}

async function _open(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    throw new FileError(`cannot read '${path}': ${_reason(e)}`);
  }
}

/** Reads the file from `start` in steps of {@link READ_BYTES} (up to `end`). */
async function* _bytes(path: string, start = 0, end = Number.POSITIVE_INFINITY): AsyncGenerator<Buffer> {
  const handle = await _open(path);
  try {
    let at = start;
    while (at < end) {
      const want = Math.min(READ_BYTES, end - at);
      const buf = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buf, 0, want, at);
      if (bytesRead === 0) return;
      at += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Length of an ID3v2 tag at the start of `head` (0 if none). */
function _id3Length(head: Buffer): number {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  return 10 + size + (head[5]! & 0x10 ? 10 : 0);
}

/**
 * Opens an audio file, recognized by its content (not its name).
 *
 * @throws FileError if it cannot be read or is not WAV, FLAC, MP3 or Ogg Vorbis.
 */
export async function openAudioFile(path: string): Promise<AudioSource> {
  const handle = await _open(path);
  try {
    const stat = await handle.stat();
    const size = stat.size;
    if (!stat.isFile()) throw new FileError(`cannot read '${path}': not a regular file`);
    const head = Buffer.alloc(Math.min(size, 64));
    await handle.read(head, 0, head.length, 0);
    const magic = head.toString('latin1', 0, 4);
    if (magic === 'RIFF') return await _wav(path, handle, size);
    const skip = _id3Length(head);
    let at = skip;
    let probe = head;
    if (skip > 0) {
      probe = Buffer.alloc(Math.min(64, Math.max(0, size - skip)));
      await handle.read(probe, 0, probe.length, skip);
      at = skip;
    }
    const m = probe.toString('latin1', 0, 4);
    if (m === 'fLaC') return await _flac(path, handle, at);
    if (m === 'OggS') return await _ogg(path);
    if (probe.length >= 2 && probe[0] === 0xff && (probe[1]! & 0xe0) === 0xe0) return await _mp3(path);
    throw new FileError(`'${path}' is not a WAV, FLAC, MP3 or Ogg Vorbis file`);
  } finally {
    await handle.close();
  }
}

async function _wav(path: string, handle: FileHandle, size: number): Promise<AudioSource> {
  const info = await readWavInfo(handle, size, path);
  const float64 = info.format === 'float64';
  const dtype: DType = float64 ? 'float32' : (info.format as DType);
  const frameBytes = info.channels * (float64 ? 8 : SAMPLE_BYTES[dtype]);
  return {
    path,
    format: 'WAV',
    sampleRate: info.sampleRate,
    channels: info.channels,
    dtype,
    frames: info.frames,
    async *chunks() {
      let carry = Buffer.alloc(0);
      for await (const chunk of _bytes(path, info.dataOffset, info.dataOffset + info.dataBytes)) {
        const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        const whole = bytes.length - (bytes.length % frameBytes);
        carry = Buffer.from(bytes.subarray(whole));
        if (whole === 0) continue;
        const frames = bytes.subarray(0, whole);
        if (!float64) {
          yield frames;
          continue;
        }
        const view = new DataView(frames.buffer, frames.byteOffset, frames.byteLength);
        const out = new Float32Array(whole / 8);
        for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
        yield Buffer.from(out.buffer);
      }
    },
  };
}

/**
 * Interleaves decoder output (one float array per channel) as `dtype` bytes
 * with `ch` channels (mpg123 hands out two arrays for a mono MP3: the first
 * `ch` are taken).
 */
function _interleave(channelData: readonly Float32Array[], frames: number, ch: number, dtype: DType, scale: number): Buffer {
  const out = new Float32Array(frames * ch);
  for (let c = 0; c < ch; c++) {
    const data = channelData[Math.min(c, channelData.length - 1)]!;
    for (let f = 0; f < frames; f++) out[f * ch + c] = data[f]!;
  }
  if (dtype === 'float32') return Buffer.from(out.buffer);
  // The decoders divide integers by 2^(bits-1) - 1: multiply back and round (exact).
  const ints = new Float64Array(out.length);
  for (let i = 0; i < out.length; i++) ints[i] = Math.round(out[i]! * scale) / scale;
  return fromFloat32(ints, dtype);
}

interface _Decoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

interface _Decoder {
  ready: Promise<void>;
  decode(data: Uint8Array): _Decoded | Promise<_Decoded>;
  flush?(): Promise<_Decoded>;
  free(): void;
}

/** Runs `make()`'s decoder over the file's bytes from `start`, yielding interleaved chunks. */
async function* _decoded(path: string, make: () => Promise<_Decoder>, channels: number, dtype: DType, bits: number, start = 0): AsyncGenerator<Buffer> {
  const decoder = await make();
  const scale = 2 ** (bits - 1) - 1;
  let total = 0;
  let firstError: string | undefined;
  try {
    await decoder.ready;
    const take = (r: _Decoded): Buffer | undefined => {
      if (r.errors.length > 0) firstError ??= r.errors[0]!.message;
      if (r.samplesDecoded === 0) return undefined;
      total += r.samplesDecoded;
      return _interleave(r.channelData, r.samplesDecoded, channels, dtype, scale);
    };
    for await (const chunk of _bytes(path, start)) {
      const out = take(await decoder.decode(chunk));
      if (out) yield out;
    }
    if (decoder.flush) {
      const out = take(await decoder.flush());
      if (out) yield out;
    }
  } finally {
    decoder.free();
  }
  if (total === 0) throw new FileError(`cannot decode '${path}'${firstError ? `: ${firstError}` : ''}`);
}

async function _flac(path: string, handle: FileHandle, at: number): Promise<AudioSource> {
  // 'fLaC', then the STREAMINFO block: a 4-byte block header, then 34 bytes.
  const si = Buffer.alloc(38);
  const { bytesRead } = await handle.read(si, 0, 38, at + 4);
  if (bytesRead < 38 || (si[0]! & 0x7f) !== 0) throw new FileError(`'${path}' is not a valid FLAC file (no STREAMINFO)`);
  const packed = si.readBigUInt64BE(4 + 10);
  const sampleRate = Number(packed >> 44n);
  const channels = Number((packed >> 41n) & 7n) + 1;
  const bits = Number((packed >> 36n) & 31n) + 1;
  const total = Number(packed & 0xfffffffffn);
  const dtype: DType = bits === 8 ? 'int8' : bits === 16 ? 'int16' : bits === 24 ? 'int24' : 'float32';
  return {
    path,
    format: 'FLAC',
    sampleRate,
    channels,
    dtype,
    frames: total > 0 ? total : undefined,
    chunks: () =>
      _decoded(
        path,
        async () => {
          const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
          return new FLACDecoder();
        },
        channels,
        dtype,
        bits,
        at,
      ),
  };
}

/** Scans an MP3 or Ogg file's frames (no decoding) for its rate, channels and length. */
async function _scan(path: string, mime: 'audio/mpeg' | 'audio/ogg'): Promise<{ sampleRate: number; channels: number; frames: number; codec: string }> {
  const { default: CodecParser } = await import('codec-parser');
  let codec = '';
  const parser = new CodecParser(mime, { onCodec: (c: string) => (codec = c), enableFrameCRC32: false, enableLogging: false });
  let sampleRate = 0;
  let channels = 0;
  let samples = 0;
  let granule = 0;
  const visit = (frame: unknown): void => {
    if (mime === 'audio/ogg') {
      const page = frame as { absoluteGranulePosition: number | bigint; codecFrames: { header: { sampleRate: number; channels: number } }[] };
      const g = Number(page.absoluteGranulePosition);
      if (g > granule) granule = g;
      const header = page.codecFrames[0]?.header;
      if (header && sampleRate === 0) ({ sampleRate, channels } = header);
    } else {
      const f = frame as { samples: number; header: { sampleRate: number; channels: number } };
      samples += f.samples;
      if (sampleRate === 0) ({ sampleRate, channels } = f.header);
    }
  };
  const each = (frames: Iterator<unknown>): void => {
    for (let r = frames.next(); !r.done; r = frames.next()) visit(r.value);
  };
  for await (const chunk of _bytes(path)) each(parser.parseChunk(chunk));
  each(parser.flush());
  return { sampleRate, channels, frames: mime === 'audio/ogg' ? granule : samples, codec };
}

async function _mp3(path: string): Promise<AudioSource> {
  const scan = await _scan(path, 'audio/mpeg');
  if (scan.sampleRate === 0) throw new FileError(`'${path}' is not a valid MP3 file (no MPEG frames found)`);
  return {
    path,
    format: 'MP3',
    sampleRate: scan.sampleRate,
    channels: scan.channels,
    dtype: 'float32',
    frames: scan.frames,
    chunks: () =>
      _decoded(
        path,
        async () => {
          const { MPEGDecoder } = await import('mpg123-decoder');
          return new MPEGDecoder() as unknown as _Decoder;
        },
        scan.channels,
        'float32',
        32,
      ),
  };
}

async function _ogg(path: string): Promise<AudioSource> {
  const scan = await _scan(path, 'audio/ogg');
  if (scan.codec !== 'vorbis') {
    throw new FileError(`'${path}' is an Ogg file with ${scan.codec === '' ? 'an unknown codec' : `${scan.codec === 'opus' ? 'Opus' : scan.codec} audio`}; only Ogg Vorbis is supported`);
  }
  return {
    path,
    format: 'Ogg Vorbis',
    sampleRate: scan.sampleRate,
    channels: scan.channels,
    dtype: 'float32',
    frames: scan.frames > 0 ? scan.frames : undefined,
    chunks: () =>
      _decoded(
        path,
        async () => {
          const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
          return new OggVorbisDecoder() as unknown as _Decoder;
        },
        scan.channels,
        'float32',
        32,
      ),
  };
}
