/**
 * Writing recorded audio to WAV or FLAC files, block by block, with bounded
 * memory. `close()` finalizes the file (header sizes, FLAC STREAMINFO); a
 * WAV file's header is also patched every second of audio, so even a
 * recorder killed without warning leaves a readable file.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { DType } from '@sounddevice/raw';
import { FileError, UsageError } from '../errors.js';
import { SAMPLE_BYTES } from './samples.js';
import { SUBTYPE_DTYPE, type WavSubtype, wavHeader } from './wav.js';

/** Container formats `rec` and `playrec` write. */
export type FileFormat = 'WAV' | 'FLAC';

/** What is written where. */
export interface WriterSpec {
  path: string;
  format: FileFormat;
  subtype: WavSubtype;
  channels: number;
  sampleRate: number;
}

/** An audio file being written. */
export interface AudioFileWriter {
  readonly spec: WriterSpec;
  /** The stream dtype whose bytes `write` takes. */
  readonly dtype: DType;
  /** Frames written so far. */
  readonly frames: number;
  /** Appends interleaved frames (bytes of `dtype`, `spec.channels` channels). */
  write(bytes: Uint8Array): void;
  /** Finalizes and closes the file. Idempotent. */
  close(): Promise<void>;
}

/**
 * The container format for `path`: from `format` if given, else from the
 * file name's extension (`.wav`, `.flac`).
 *
 * @throws UsageError for another extension or format.
 */
export function formatFor(path: string, format?: string): FileFormat {
  const f = (format ?? path.match(/\.([^./\\]+)$/)?.[1] ?? '').toUpperCase();
  if (f === 'WAV' || f === 'WAVE') return 'WAV';
  if (f === 'FLAC') return 'FLAC';
  if (format !== undefined) throw new UsageError(`format must be wav or flac, got '${format}'`);
  throw new UsageError(`cannot tell the format of '${path}' from its extension: name it .wav or .flac, or give --format wav|flac`);
}

/** Checks that `subtype` fits `format` (FLAC holds 16- or 24-bit integers). */
export function checkSubtype(format: FileFormat, subtype: WavSubtype): void {
  if (format === 'FLAC' && subtype !== 'PCM_16' && subtype !== 'PCM_24') {
    throw new UsageError(`FLAC files hold 16- or 24-bit integer samples: use --subtype PCM_16 or PCM_24 (got ${subtype}), or write a .wav file`);
  }
}

function _open(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String(code ?? e);
    throw new FileError(`cannot write '${path}': ${why}`);
  }
}

/**
 * Creates the file and returns its writer.
 *
 * @throws FileError if the file cannot be created, UsageError for a subtype
 *   the format cannot hold.
 */
export async function createWriter(spec: WriterSpec): Promise<AudioFileWriter> {
  checkSubtype(spec.format, spec.subtype);
  if (spec.format === 'WAV') return new _WavWriter(spec, _open(spec.path));
  const flac = await _loadFlac();
  return new _FlacWriter(spec, _open(spec.path), flac);
}

class _WavWriter implements AudioFileWriter {
  readonly dtype: DType;
  frames = 0;
  private _dataBytes = 0;
  private _patchedAt = 0;
  private _closed = false;
  private readonly _headerBytes: number;

  constructor(
    readonly spec: WriterSpec,
    private readonly _fd: number,
  ) {
    this.dtype = SUBTYPE_DTYPE[spec.subtype];
    const header = wavHeader(spec.channels, spec.sampleRate, spec.subtype, 0);
    this._headerBytes = header.length;
    writeSync(_fd, header, 0, header.length, 0);
  }

  write(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return;
    writeSync(this._fd, bytes, 0, bytes.byteLength, this._headerBytes + this._dataBytes);
    this._dataBytes += bytes.byteLength;
    this.frames = this._dataBytes / (this.spec.channels * SAMPLE_BYTES[this.dtype]);
    if (this.frames - this._patchedAt >= this.spec.sampleRate) this._patch();
  }

  private _patch(): void {
    const header = wavHeader(this.spec.channels, this.spec.sampleRate, this.spec.subtype, this.frames);
    writeSync(this._fd, header, 0, header.length, 0);
    this._patchedAt = this.frames;
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    // RIFF chunks have an even length: pad an odd data chunk (24-bit, odd frames × channels).
    if (this._dataBytes % 2 === 1) writeSync(this._fd, Buffer.alloc(1), 0, 1, this._headerBytes + this._dataBytes);
    this._patch();
    closeSync(this._fd);
  }
}

type FlacModule = ReturnType<typeof import('libflacjs')>;
let _flac: Promise<FlacModule> | undefined;

/** Loads libflac.js (the asm.js build: pure JavaScript, ready after its async initialization). */
function _loadFlac(): Promise<FlacModule> {
  _flac ??= (async () => {
    const { default: factory } = await import('libflacjs');
    const flac = factory();
    if (!flac.isReady()) await new Promise<void>((resolve) => flac.on('ready', () => resolve()));
    return flac;
  })();
  return _flac;
}

/** FLAC STREAMINFO as libFLAC reports it when the encoder finishes. */
interface _StreamInfo {
  min_blocksize: number;
  max_blocksize: number;
  min_framesize: number;
  max_framesize: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  total_samples: number;
  md5sum: string;
}

/** The 34 bytes of a STREAMINFO block. */
function _streamInfoBytes(m: _StreamInfo): Buffer {
  const b = Buffer.alloc(34);
  b.writeUInt16BE(m.min_blocksize, 0);
  b.writeUInt16BE(m.max_blocksize, 2);
  b.writeUIntBE(m.min_framesize, 4, 3);
  b.writeUIntBE(m.max_framesize, 7, 3);
  // 20 bits rate, 3 bits channels - 1, 5 bits bits per sample - 1, 36 bits total samples.
  const packed =
    (BigInt(m.sampleRate) << 44n) |
    (BigInt(m.channels - 1) << 41n) |
    (BigInt(m.bitsPerSample - 1) << 36n) |
    (BigInt(m.total_samples) & 0xfffffffffn);
  b.writeBigUInt64BE(packed, 10);
  Buffer.from(m.md5sum.padStart(32, '0'), 'hex').copy(b, 18);
  return b;
}

class _FlacWriter implements AudioFileWriter {
  readonly dtype: DType;
  frames = 0;
  private readonly _encoder: number;
  private _offset = 0;
  private _info: _StreamInfo | undefined;
  private _closed = false;

  constructor(
    readonly spec: WriterSpec,
    private readonly _fd: number,
    private readonly _lib: FlacModule,
  ) {
    this.dtype = SUBTYPE_DTYPE[spec.subtype];
    const bits = spec.subtype === 'PCM_24' ? 24 : 16;
    this._encoder = _lib.create_libflac_encoder(spec.sampleRate, spec.channels, bits, 5, 0, false, 0);
    if (!this._encoder) throw new FileError(`cannot encode FLAC with ${spec.channels} channels at ${spec.sampleRate} Hz`);
    const status = _lib.init_encoder_stream(
      this._encoder,
      (data: Uint8Array) => {
        writeSync(this._fd, data, 0, data.byteLength, this._offset);
        this._offset += data.byteLength;
      },
      (info: unknown) => {
        this._info = info as _StreamInfo;
      },
    );
    if (status !== 0) throw new FileError(`cannot start the FLAC encoder (libFLAC init status ${status})`);
  }

  write(bytes: Uint8Array): void {
    const size = SAMPLE_BYTES[this.dtype];
    const n = Math.floor(bytes.byteLength / size);
    if (n === 0) return;
    const samples = new Int32Array(n);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (size === 2) for (let i = 0; i < n; i++) samples[i] = v.getInt16(2 * i, true);
    else for (let i = 0; i < n; i++) samples[i] = ((bytes[3 * i]! | (bytes[3 * i + 1]! << 8) | (bytes[3 * i + 2]! << 16)) << 8) >> 8;
    const frames = n / this.spec.channels;
    if (!this._lib.FLAC__stream_encoder_process_interleaved(this._encoder, samples, frames)) {
      throw new FileError(`FLAC encoding failed (libFLAC state ${String(this._lib.FLAC__stream_encoder_get_state(this._encoder))})`);
    }
    this.frames += frames;
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    this._lib.FLAC__stream_encoder_finish(this._encoder);
    this._lib.FLAC__stream_encoder_delete(this._encoder);
    // The stream was written front to back: put the final STREAMINFO (total
    // samples, frame sizes, MD5) in place of the provisional one at byte 8.
    if (this._info) writeSync(this._fd, _streamInfoBytes(this._info), 0, 34, 8);
    closeSync(this._fd);
  }
}
