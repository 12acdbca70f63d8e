/**
 * A WAV file written while it grows: the header comes from `wavefile` (so
 * the format fields are right for every sample format and channel count),
 * the samples are appended as they arrive, and `close()` fills in the sizes.
 * Nothing but the header is held in memory.
 */
import { type FileHandle, open } from 'node:fs/promises';
import wavefile from 'wavefile';

const { WaveFile } = wavefile;

/** WAV sample formats by libsndfile's subtype names (as Python's soundfile uses them). */
export const SUBTYPES = {
  PCM_U8: { bitDepth: '8', dtype: 'uint8', bytes: 1 },
  PCM_16: { bitDepth: '16', dtype: 'int16', bytes: 2 },
  PCM_24: { bitDepth: '24', dtype: 'int24', bytes: 3 },
  PCM_32: { bitDepth: '32', dtype: 'int32', bytes: 4 },
  FLOAT: { bitDepth: '32f', dtype: 'float32', bytes: 4 },
} as const;

export type Subtype = keyof typeof SUBTYPES;

export class WavWriter {
  private _dataBytes = 0;
  private _closed = false;

  private constructor(
    private readonly _file: FileHandle,
    private readonly _headerBytes: number,
    /** Bytes per frame. */
    readonly frameBytes: number,
  ) {}

  /**
   * Creates `path` (it must not exist yet) and writes the header.
   *
   * @param path - The new file.
   * @param options - Sample rate, channels and subtype of the samples that will be written.
   */
  static async create(path: string, { sampleRate, channels, subtype }: { sampleRate: number; channels: number; subtype: Subtype }): Promise<WavWriter> {
    const wav = new WaveFile();
    wav.fromScratch(channels, sampleRate, SUBTYPES[subtype].bitDepth, []);
    const header = Buffer.from(wav.toBuffer());
    if (header.toString('latin1', header.length - 8, header.length - 4) !== 'data') throw new Error('unexpected WAV header');
    const file = await open(path, 'wx');
    try {
      await file.write(header);
    } catch (e) {
      await file.close();
      throw e;
    }
    return new WavWriter(file, header.length, channels * SUBTYPES[subtype].bytes);
  }

  /** Frames written so far. */
  get frames(): number {
    return this._dataBytes / this.frameBytes;
  }

  /** Appends interleaved frames in the file's sample format. */
  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this._file.write(bytes, done, bytes.length - done);
      done += bytesWritten;
    }
    this._dataBytes += bytes.length;
  }

  /** Fills in the sizes in the header and closes the file. */
  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    try {
      let riffBytes = this._headerBytes - 8 + this._dataBytes;
      if (this._dataBytes % 2 === 1) {
        // RIFF chunks are padded to an even size.
        await this._file.write(Buffer.alloc(1), 0, 1, this._headerBytes + this._dataBytes);
        riffBytes += 1;
      }
      const size = Buffer.alloc(4);
      size.writeUInt32LE(Math.min(riffBytes, 0xffffffff));
      await this._file.write(size, 0, 4, 4);
      size.writeUInt32LE(Math.min(this._dataBytes, 0xffffffff));
      await this._file.write(size, 0, 4, this._headerBytes - 4);
    } finally {
      await this._file.close();
    }
  }
}
