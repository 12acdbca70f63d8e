/**
 * Runs a stream's `processor` module in its own worker thread. The worker
 * attaches to the native stream by id and waits inside native code for the
 * next batch of blocks, so the main thread's event loop and garbage
 * collector cannot delay it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface ProcessorHostOptions {
  streamId: number;
  module: string | URL;
  data: unknown;
  /** File URL of a module that wraps blocks (numeric: ndarrays); Buffers otherwise. */
  adapter: string | undefined;
  /** Frame sizes, channels and dtypes the worker needs to build views. */
  info: Record<string, unknown>;
  onError: (error: Error) => void;
}

/** File URL of the processor module, resolving relative paths against the working directory. */
export function processorModuleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^(file|data|node):/.test(module)) return module;
  return pathToFileURL(resolve(process.cwd(), module)).href;
}

function _workerScript(): string {
  // Shipped next to the built files (dist/); from sources, one folder up.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, 'processor-worker.mjs'), join(here, '..', 'src', 'processor-worker.mjs')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`processor-worker.mjs not found next to ${here}`);
}

export class ProcessorHost {
  readonly ready: Promise<void>;
  private readonly _worker: Worker;
  private readonly _exited: Promise<void>;
  private _loaded = false;
  private _ending = false;
  private _failure: Error | undefined;

  constructor(options: ProcessorHostOptions) {
    this._worker = new Worker(_workerScript(), {
      workerData: {
        streamId: options.streamId,
        module: processorModuleUrl(options.module),
        data: options.data,
        adapter: options.adapter,
        info: options.info,
      },
    });
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise<void>((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    this.ready.catch(() => {});
    this._worker.on('message', (message: { type: string; name?: string; message?: string; stack?: string }) => {
      if (message.type === 'ready') {
        this._loaded = true;
        markReady();
      } else if (message.type === 'error') {
        const error = new Error(message.message);
        error.name = message.name ?? 'Error';
        if (message.stack !== undefined) error.stack = message.stack;
        if (!this._loaded) this._failure ??= error;
        failReady(error);
        options.onError(error);
      }
    });
    this._worker.on('error', (error) => {
      this._failure ??= error;
      failReady(error);
      options.onError(error);
    });
    this._exited = new Promise((res) =>
      this._worker.once('exit', (code) => {
        // A worker that ends while its stream is open can process no more blocks.
        if (!this._ending) this._failure ??= new Error(`the processor worker exited (code ${code})`);
        res();
      }),
    );
    // Once loaded (or failed), the worker must not keep the process alive
    // by itself: the stream's own keep-alive does that while it runs. While
    // it loads it does, so that `await stream.ready` works. (Unref'd after
    // the listeners: adding a 'message' listener refs the worker's port.)
    this.ready.then(
      () => this._worker.unref(),
      () => this._worker.unref(),
    );
  }

  /**
   * Why the processor cannot run: its module failed to load (or to
   * initialize), or its worker is gone. `undefined` while it can run.
   */
  get failure(): Error | undefined {
    return this._failure;
  }

  /** Called after the native stream is closed: the worker's wait returns and it exits; force it if stuck. */
  terminateSoon(): void {
    this._ending = true;
    const timer = setTimeout(() => void this._worker.terminate(), 2000);
    timer.unref();
    void this._exited.then(() => clearTimeout(timer));
  }

  /**
   * Resolves when the worker has exited. Whoever waits for that keeps the
   * process alive until then (the worker is unref'd otherwise, so an
   * `await stream.close()` would end the process with the code after it
   * never run).
   */
  exit(): Promise<void> {
    this._worker.ref();
    return this._exited;
  }

  /** Ends the worker at once (its stream was dropped without close()). */
  terminate(): void {
    this._ending = true;
    void this._worker.terminate();
  }
}
