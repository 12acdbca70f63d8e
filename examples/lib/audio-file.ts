/**
 * Reading sound files for the playback examples: WAV (through `wavefile`) and
 * FLAC (through `@wasm-audio-decoders/flac`), either whole (play-file) or a
 * block at a time with bounded memory (play-long-file).
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import wavefile from 'wavefile';

const { WaveFile } = wavefile;

/** Interleaved samples of a whole file. */
export type Samples = Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A whole sound file in memory. */
export interface LoadedAudio {
  sampleRate: number;
  channels: number;
  frames: number;
  /** Interleaved frames in the file's own sample format where PortAudio has it (24 bit becomes int32, 8 bit FLAC int16). */
  samples: Samples;
}

/** Sample formats a file is streamed in (PortAudio's names). */
export type StreamFormat = 'uint8' | 'int16' | 'int24' | 'int32' | 'float32';

/** A sound file read a block at a time. */
export interface AudioStream {
  sampleRate: number;
  channels: number;
  /** Frames in the file, if its header says. */
  frames: number | undefined;
  /** The format `readInto()` gives (the file's own; float64 becomes float32, FLAC int16, int32 or float32). */
  dtype: StreamFormat;
  /** Bytes per frame in `dtype`. */
  frameBytes: number;
  /**
   * Reads the next frames into `target` (as many as fit; fewer at the end of
   * the file, none after it), interleaved. Resolves with the bytes filled.
   */
  readInto(target: Buffer): Promise<number>;
  close(): Promise<void>;
}

type Kind = 'wav' | 'flac';

function _kind(head: Uint8Array, path: string): Kind {
  const magic = Buffer.from(head.subarray(0, 4)).toString('latin1');
  if (magic === 'RIFF' || magic === 'RIFX' || magic === 'RF64') return 'wav';
  if (magic === 'fLaC') return 'flac';
  throw new Error(`${path}: not a WAV or FLAC file`);
}

/**
 * Reads a whole WAV or FLAC file.
 *
 * @param path - The file.
 */
export async function loadAudioFile(path: string): Promise<LoadedAudio> {
  const bytes = new Uint8Array(await readFile(path));
  if (_kind(bytes, path) === 'flac') {
    const decoder = new FLACDecoder();
    await decoder.ready;
    try {
      const { channelData, samplesDecoded, sampleRate, bitDepth, errors } = await decoder.decodeFile(bytes);
      if (errors.length > 0) throw new Error(`${path}: ${errors[0]!.message}`);
      const samples = _flacSamples(_interleave(channelData, samplesDecoded), bitDepth);
      return { sampleRate, channels: channelData.length, frames: samplesDecoded, samples };
    } finally {
      decoder.free();
    }
  }
  const wav = new WaveFile(bytes);
  const fmt = wav.fmt as { numChannels: number; sampleRate: number };
  // Compressed WAV flavours are decoded to 16 bit first.
  if (wav.bitDepth === '4') wav.fromIMAADPCM();
  else if (wav.bitDepth === '8a') wav.fromALaw();
  else if (wav.bitDepth === '8m') wav.fromMuLaw();
  let samples: Samples;
  switch (wav.bitDepth) {
    case '8':
      samples = wav.getSamples(true, Uint8Array) as unknown as Uint8Array;
      break;
    case '16':
      samples = wav.getSamples(true, Int16Array) as unknown as Int16Array;
      break;
    case '24':
      // No 24 bit arrays: scale to 32 bit, exactly.
      samples = (wav.getSamples(true, Int32Array) as unknown as Int32Array).map((v) => v * 256);
      break;
    case '32':
      samples = wav.getSamples(true, Int32Array) as unknown as Int32Array;
      break;
    case '32f':
      samples = wav.getSamples(true, Float32Array) as unknown as Float32Array;
      break;
    case '64':
      samples = wav.getSamples(true, Float64Array); // play() converts it to float32
      break;
    default:
      // Odd sizes (12, 20 bit, ...): to float.
      wav.toBitDepth('32f');
      samples = wav.getSamples(true, Float32Array) as unknown as Float32Array;
  }
  const channels = fmt.numChannels;
  return { sampleRate: fmt.sampleRate, channels, frames: samples.length / channels, samples };
}

/**
 * The decoder hands out floats (the integer divided by 2^(bits-1) - 1); back
 * to the file's integers, exactly, in the smallest PortAudio format holding
 * them: int16 up to 16 bit, int32 up to 24 bit (scaled to full range).
 */
function _flacSamples(floats: Float32Array, bitDepth: number): Int16Array | Int32Array | Float32Array {
  if (bitDepth > 24) return floats;
  const scale = 2 ** (bitDepth - 1) - 1;
  const out = bitDepth <= 16 ? new Int16Array(floats.length) : new Int32Array(floats.length);
  const shift = 2 ** ((bitDepth <= 16 ? 16 : 32) - bitDepth);
  for (let i = 0; i < floats.length; i++) out[i] = Math.round(floats[i]! * scale) * shift;
  return out;
}

function _interleave(channelData: Float32Array[], frames: number): Float32Array {
  const channels = channelData.length;
  if (channels === 1) return channelData[0]!.slice(0, frames);
  const out = new Float32Array(frames * channels);
  for (let c = 0; c < channels; c++) {
    const data = channelData[c]!;
    for (let i = 0; i < frames; i++) out[i * channels + c] = data[i]!;
  }
  return out;
}

/**
 * Opens a WAV or FLAC file to be read a block at a time: only the blocks
 * asked for are ever in memory.
 *
 * @param path - The file.
 */
export async function openAudioStream(path: string): Promise<AudioStream> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(4);
    await handle.read(head, 0, 4, 0);
    return _kind(head, path) === 'flac' ? await _flacStream(handle, path) : await _wavStream(handle, path);
  } catch (e) {
    await handle.close();
    throw e;
  }
}

async function _readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * A WAV file's chunks are walked here rather than by `wavefile`, which reads
 * whole files: find `fmt ` and `data`, then read the data piece by piece.
 */
async function _wavStream(handle: FileHandle, path: string): Promise<AudioStream> {
  const riff = await _readAt(handle, 0, 12);
  const id = riff.toString('latin1', 0, 4);
  if (id === 'RIFX') throw new Error(`${path}: big-endian WAV (RIFX) is not supported here; play-file reads it`);
  if (riff.length < 12 || riff.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  const fileSize = (await handle.stat()).size;
  let position = 12;
  let format: { tag: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  let dataSize64: number | undefined;
  for (;;) {
    const header = await _readAt(handle, position, 8);
    if (header.length < 8) throw new Error(`${path}: no data chunk`);
    const chunk = header.toString('latin1', 0, 4);
    const size = header.readUInt32LE(4);
    const body = position + 8;
    if (chunk === 'ds64') {
      const ds64 = await _readAt(handle, body, 16);
      dataSize64 = Number(ds64.readBigUInt64LE(8));
    } else if (chunk === 'fmt ') {
      const fmt = await _readAt(handle, body, Math.min(size, 40));
      let tag = fmt.readUInt16LE(0);
      if (tag === 0xfffe && fmt.length >= 26) tag = fmt.readUInt16LE(24); // WAVE_FORMAT_EXTENSIBLE: the sub-format
      format = {
        tag,
        channels: fmt.readUInt16LE(2),
        sampleRate: fmt.readUInt32LE(4),
        blockAlign: fmt.readUInt16LE(12),
        bits: fmt.readUInt16LE(14),
      };
    } else if (chunk === 'data') {
      if (format === undefined) throw new Error(`${path}: data chunk before fmt chunk`);
      let dataSize = id === 'RF64' && size === 0xffffffff && dataSize64 !== undefined ? dataSize64 : size;
      // Writers that could not seek back leave 0 or 0xFFFFFFFF: up to the end of the file.
      if (dataSize === 0 || dataSize === 0xffffffff || body + dataSize > fileSize) dataSize = fileSize - body;
      return _wavData(handle, path, format, body, dataSize);
    }
    position = body + size + (size % 2);
  }
}

function _wavData(
  handle: FileHandle,
  path: string,
  format: { tag: number; channels: number; sampleRate: number; blockAlign: number; bits: number },
  start: number,
  size: number,
): AudioStream {
  const { tag, channels, bits } = format;
  let dtype: StreamFormat;
  let convert: ((bytes: Buffer, target: Buffer) => void) | undefined;
  const bytesPerSample = bits / 8;
  if (tag === 1 && bits === 8) dtype = 'uint8';
  else if (tag === 1 && bits === 16) dtype = 'int16';
  else if (tag === 1 && bits === 24) dtype = 'int24';
  else if (tag === 1 && bits === 32) dtype = 'int32';
  else if (tag === 3 && bits === 32) dtype = 'float32';
  else if (tag === 3 && bits === 64) {
    dtype = 'float32';
    convert = (bytes, target) => {
      for (let i = 0; i < bytes.length / 8; i++) target.writeFloatLE(bytes.readDoubleLE(i * 8), i * 4);
    };
  } else {
    throw new Error(`${path}: WAV format ${tag} with ${bits} bit samples is not supported here; play-file reads it`);
  }
  if (format.blockAlign !== channels * bytesPerSample) throw new Error(`${path}: unexpected WAV block size ${format.blockAlign}`);
  const fileFrameBytes = format.blockAlign;
  const frames = Math.floor(size / fileFrameBytes);
  const frameBytes = convert ? channels * 4 : fileFrameBytes;
  let scratch = Buffer.alloc(0);
  let frame = 0;
  return {
    sampleRate: format.sampleRate,
    channels,
    frames,
    dtype,
    frameBytes,
    async readInto(target: Buffer): Promise<number> {
      const n = Math.max(0, Math.min(Math.floor(target.length / frameBytes), frames - frame));
      if (n === 0) return 0;
      if (convert === undefined) {
        const { bytesRead } = await handle.read(target, 0, n * fileFrameBytes, start + frame * fileFrameBytes);
        const whole = bytesRead - (bytesRead % fileFrameBytes);
        frame += whole / fileFrameBytes;
        return whole;
      }
      if (scratch.length < n * fileFrameBytes) scratch = Buffer.alloc(n * fileFrameBytes);
      const { bytesRead } = await handle.read(scratch, 0, n * fileFrameBytes, start + frame * fileFrameBytes);
      const got = Math.floor(bytesRead / fileFrameBytes);
      convert(scratch.subarray(0, got * fileFrameBytes), target);
      frame += got;
      return got * frameBytes;
    },
    close: () => handle.close(),
  };
}

/** STREAMINFO (the first metadata block of every FLAC file): rate, channels, length. */
async function _flacInfo(
  handle: FileHandle,
  path: string,
): Promise<{ sampleRate: number; channels: number; bits: number; frames: number | undefined }> {
  const info = await _readAt(handle, 4, 4 + 34);
  if (info.length < 38 || (info[0]! & 0x7f) !== 0) throw new Error(`${path}: FLAC file without STREAMINFO`);
  const b = info.subarray(4);
  const sampleRate = (b[10]! << 12) | (b[11]! << 4) | (b[12]! >> 4);
  const channels = ((b[12]! >> 1) & 0x7) + 1;
  const bits = (((b[12]! & 0x1) << 4) | (b[13]! >> 4)) + 1;
  const total = (b[13]! & 0x0f) * 2 ** 32 + b.readUInt32BE(14);
  return { sampleRate, channels, bits, frames: total > 0 ? total : undefined };
}

async function _flacStream(handle: FileHandle, path: string): Promise<AudioStream> {
  const { sampleRate, channels, bits, frames } = await _flacInfo(handle, path);
  const dtype: StreamFormat = bits <= 16 ? 'int16' : bits <= 24 ? 'int32' : 'float32';
  const decoder = new FLACDecoder();
  await decoder.ready;
  const CHUNK = 4096; // bytes of FLAC fed to the decoder at a time
  const frameBytes = channels * (dtype === 'int16' ? 2 : 4);
  let position = 0;
  let ended = false;
  // Decoded frames not handed out yet (interleaved float32).
  let pending = new Float32Array(0);
  let pendingStart = 0;
  const chunk = Buffer.alloc(CHUNK);

  const append = (channelData: Float32Array[], count: number): void => {
    if (count === 0) return;
    const left = pending.subarray(pendingStart);
    const next = new Float32Array(left.length + count * channels);
    next.set(left);
    next.set(_interleave(channelData, count), left.length);
    pending = next;
    pendingStart = 0;
  };

  return {
    sampleRate,
    channels,
    frames,
    dtype,
    frameBytes,
    async readInto(target: Buffer): Promise<number> {
      const count = Math.floor(target.length / frameBytes);
      while ((pending.length - pendingStart) / channels < count && !ended) {
        const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
        const bytes = chunk.subarray(0, bytesRead);
        position += bytes.length;
        const decoded = bytes.length > 0 ? await decoder.decode(bytes) : await decoder.flush();
        if (decoded.errors.length > 0) throw new Error(`${path}: ${decoded.errors[0]!.message}`);
        append(decoded.channelData, decoded.samplesDecoded);
        if (bytes.length === 0) ended = true;
      }
      const n = Math.min(count, (pending.length - pendingStart) / channels);
      const out = _flacSamples(pending.subarray(pendingStart, pendingStart + n * channels), bits);
      target.set(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      pendingStart += n * channels;
      return n * frameBytes;
    },
    async close(): Promise<void> {
      decoder.free();
      await handle.close();
    },
  };
}
