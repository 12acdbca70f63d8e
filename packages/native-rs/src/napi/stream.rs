//! `NativeStream`: the JavaScript handle of an engine stream.

use super::config::{stream_config, StreamConfigJs};
use super::environment;
use super::errors::IntoJs;
use super::event_loop::LoopWake;
use super::tasks::{ReadTask, WriteTask};
use crate::engine::block::BlockMeta;
use crate::engine::client::Take;
use crate::engine::pump::Notify;
use crate::engine::signals::Signals;
use crate::engine::stream::{Notifier, Stream};
use crate::pa::Error;
use napi::bindgen_prelude::{AsyncTask, Float64ArraySlice, Function, Uint8Array, Uint8ArraySlice};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, JsValue};
use napi_derive::napi;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Streams by id, so a `processor` worker (another environment) can attach.
static REGISTRY: Mutex<Option<HashMap<u32, Weak<Stream>>>> = Mutex::new(None);
static NEXT_ID: AtomicU32 = AtomicU32::new(1);

/// `meta` as `exchange` fills it for a block it took (`meta` holds 7).
fn write_meta(meta: &mut [f64], b: &BlockMeta, ready_after: usize) {
    meta[..7].copy_from_slice(&[
        b.frames as f64,
        b.status as f64,
        b.input_adc_time,
        b.current_time,
        b.output_dac_time,
        if b.output_late { 1.0 } else { 0.0 },
        ready_after as f64,
    ]);
}

#[napi(object)]
pub struct StreamInfoJs {
    pub input_latency: f64,
    pub output_latency: f64,
    pub sample_rate: f64,
}

#[napi]
pub struct NativeStream {
    inner: Arc<Stream>,
    id: u32,
    /// The direct wake of this environment's event loop, when the stream
    /// notifies JavaScript that way (dropped after `inner`'s close).
    wake: Option<LoopWake>,
    notify_path: &'static str,
    /// The program's own handle (made by the constructor), not a processor
    /// worker's (`attach`).
    owner: bool,
}

impl Drop for NativeStream {
    fn drop(&mut self) {
        // The program's handle was collected (its stream dropped without
        // close()): close the engine stream now. A processor worker still
        // attached may be waiting for blocks inside native code, where
        // `worker.terminate()` cannot reach it; without this close it would
        // wait (and keep the stream open) forever when no block comes.
        if self.owner {
            self.inner.close();
        }
    }
}

#[napi]
impl NativeStream {
    /// Opens a stream. `notify(event)` is called on the JS thread with 1
    /// (blocks ready, callback mode) or 2 (the stream finished).
    #[napi(constructor)]
    pub fn new(
        env: Env,
        config: StreamConfigJs,
        notify: Option<Function<u32, ()>>,
        deliver_blocks: Option<bool>,
    ) -> napi::Result<Self> {
        let owner = environment::current(&env);
        let (config, pinned) = stream_config(config, owner)?;
        let signals = Arc::new(Signals::default());
        let mut wake = None;
        let mut notify_path = "none";
        let notify: Option<Notifier> = match notify {
            Some(f) => {
                // SAFETY: `env` and `f` are this call's, on the JS thread.
                let direct = unsafe { LoopWake::create(env.raw(), f.raw(), signals.clone()) };
                match direct {
                    Some((owner, handle)) => {
                        wake = Some(owner);
                        notify_path = "event-loop";
                        Some(Notifier::EventLoop(handle))
                    }
                    None => {
                        // Weak: a running stream must not keep the process
                        // alive by itself (the TS layer decides that with a
                        // timer handle).
                        let tsfn = f
                            .build_threadsafe_function::<u32>()
                            .weak::<true>()
                            .build()?;
                        let f: Notify = Box::new(move |event| {
                            tsfn.call(event, ThreadsafeFunctionCallMode::NonBlocking);
                        });
                        notify_path = "pump";
                        Some(Notifier::Pump(f))
                    }
                }
            }
            None => None,
        };
        let inner = Stream::open(
            config,
            signals,
            notify,
            deliver_blocks.unwrap_or(true),
            pinned,
        )
        .js()?;
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let mut reg = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
        let map = reg.get_or_insert_with(HashMap::new);
        map.retain(|_, w| w.strong_count() > 0);
        map.insert(id, Arc::downgrade(&inner));
        Ok(NativeStream {
            inner,
            id,
            wake,
            notify_path,
            owner: true,
        })
    }

    /// Another environment's handle on stream `id` (for processor workers).
    #[napi(factory)]
    pub fn attach(env: Env, id: u32) -> napi::Result<Self> {
        environment::current(&env);
        let reg = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
        let inner = reg
            .as_ref()
            .and_then(|m| m.get(&id))
            .and_then(Weak::upgrade)
            .ok_or_else(|| {
                super::errors::to_js(Error::Unavailable(format!("no open stream with id {id}")))
            })?;
        Ok(NativeStream {
            inner,
            id,
            wake: None,
            notify_path: "none",
            owner: false,
        })
    }

    #[napi(getter)]
    pub fn id(&self) -> u32 {
        self.id
    }

    #[napi]
    pub fn start(&self) -> napi::Result<()> {
        self.inner.start().js()
    }

    #[napi]
    pub fn stop(&self) -> napi::Result<()> {
        self.inner.stop().js()
    }

    #[napi]
    pub fn abort(&self) -> napi::Result<()> {
        self.inner.abort().js()
    }

    #[napi]
    pub fn close(&self) {
        self.inner.close();
        if let Some(w) = &self.wake {
            w.close();
        }
    }

    /// How this stream tells JavaScript of blocks and its end:
    /// `"event-loop"` (the audio thread wakes the event loop itself),
    /// `"pump"` (a notification thread and a thread-safe function), or
    /// `"none"` (a worker's handle, which waits instead).
    #[napi(getter)]
    pub fn notify_path(&self) -> &'static str {
        self.notify_path
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    #[napi(getter)]
    pub fn active(&self) -> napi::Result<bool> {
        self.inner.is_active().js()
    }

    #[napi(getter)]
    pub fn stopped(&self) -> napi::Result<bool> {
        self.inner.is_stopped().js()
    }

    #[napi(getter)]
    pub fn info(&self) -> StreamInfoJs {
        let i = self.inner.info;
        StreamInfoJs {
            input_latency: i.input_latency,
            output_latency: i.output_latency,
            sample_rate: i.sample_rate,
        }
    }

    #[napi(getter)]
    pub fn time(&self) -> napi::Result<f64> {
        self.inner.time().js()
    }

    #[napi(getter)]
    pub fn cpu_load(&self) -> napi::Result<f64> {
        self.inner.cpu_load().js()
    }

    #[napi(getter)]
    pub fn read_available(&self) -> u32 {
        self.inner.client().read_available() as u32
    }

    #[napi(getter)]
    pub fn write_available(&self) -> u32 {
        self.inner.client().write_available() as u32
    }

    /// Frames the audio thread has processed since start.
    #[napi(getter)]
    pub fn frames(&self) -> f64 {
        self.inner.signals.frames.load(Ordering::Relaxed) as f64
    }

    /// Frames of the latest block (0 before the first): the block size
    /// PortAudio chose when the stream's `blockSize` is 0.
    #[napi(getter)]
    pub fn block_frames(&self) -> u32 {
        self.inner.signals.block_frames.load(Ordering::Relaxed)
    }

    #[napi(getter)]
    pub fn finished(&self) -> bool {
        self.inner.signals.finished.load(Ordering::Acquire)
    }

    /// True when the host API ended the stream without finishing it (the
    /// device or its server went away); the stream then counts as finished.
    #[napi(getter)]
    pub fn host_lost(&self) -> bool {
        self.inner.is_lost()
    }

    /// True when a panic on the audio thread aborted the stream.
    #[napi(getter)]
    pub fn panicked(&self) -> bool {
        self.inner.signals.panicked.load(Ordering::Acquire)
    }

    #[napi(getter)]
    pub fn seq(&self) -> u32 {
        self.inner.signals.load_seq()
    }

    /// Takes (and clears) the gathered status bits in `mask`.
    #[napi]
    pub fn take_flags(&self, mask: u32) -> u32 {
        self.inner.signals.take_flags(mask)
    }

    /// Blocking read on the calling thread (scripts, workers).
    #[napi]
    pub fn read_sync(&self, mut buffer: Uint8ArraySlice) -> napi::Result<bool> {
        // SAFETY: the view is borrowed for this synchronous call only; the
        // calling JS thread is blocked here, so nothing else touches it.
        self.inner.read_blocking(unsafe { buffer.as_mut() }).js()
    }

    /// Blocking write on the calling thread (scripts, workers).
    #[napi]
    pub fn write_sync(&self, buffer: Uint8ArraySlice) -> napi::Result<bool> {
        self.inner.write_blocking(&buffer).js()
    }

    /// Reads without waiting; returns the bytes copied (whole frames).
    #[napi]
    pub fn read_now(&self, mut buffer: Uint8ArraySlice) -> u32 {
        // SAFETY: borrowed for this synchronous call on the JS thread.
        self.inner.client().read_into(unsafe { buffer.as_mut() }) as u32
    }

    /// Writes without waiting; returns the bytes accepted (whole frames).
    #[napi]
    pub fn write_now(&self, buffer: Uint8ArraySlice) -> u32 {
        self.inner
            .signals
            .output_started
            .store(true, Ordering::Relaxed);
        self.inner.client().write_from(&buffer) as u32
    }

    /// Reads `buffer.byteLength` bytes, waiting on the thread pool.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn read(&self, buffer: Uint8Array) -> AsyncTask<ReadTask> {
        AsyncTask::new(ReadTask {
            stream: self.inner.clone(),
            buffer,
        })
    }

    /// Writes all of `buffer`, waiting on the thread pool.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn write(&self, buffer: Uint8Array) -> AsyncTask<WriteTask> {
        AsyncTask::new(WriteTask {
            stream: self.inner.clone(),
            buffer,
        })
    }

    /// Makes pending blocking reads/writes reject (AbortSignal support).
    #[napi]
    pub fn cancel_waits(&self) {
        self.inner.cancel_waits();
    }

    /// Callback streams, one call per block (the main thread's drain):
    /// queues `outdata` (the output of the block just processed; empty for
    /// none), then, when `take`, takes the next block (its input copied into
    /// `indata`) and returns its frames. When no block is waiting it re-arms the
    /// "blocks ready" notification and looks once more (a block that came
    /// between the look and the re-arm was not announced). Returns 0 when
    /// nothing was taken, with the blocks still waiting in `meta[6]` (then
    /// the notification is re-armed only if that is 0); `-frames` when the
    /// next block does not fit in `indata` (it stays queued). `meta` holds
    /// `[frames, status, adcTime, currentTime, dacTime, outputLate,
    /// blocksReady]` (7 numbers; fewer: nothing is taken).
    #[napi]
    pub fn exchange(
        &self,
        outdata: Uint8ArraySlice,
        mut indata: Uint8ArraySlice,
        mut meta: Float64ArraySlice,
        take: bool,
    ) -> i32 {
        // SAFETY: the views are borrowed for this synchronous call on the
        // JS thread that owns them; `outdata` is only read.
        let (indata, meta) = unsafe { (indata.as_mut(), meta.as_mut()) };
        if meta.len() < 7 {
            return 0;
        }
        let signals = &self.inner.signals;
        // One lock for the whole exchange; releasing it tells an audio
        // thread waiting for this output (cushion 0, unpaced devices).
        let mut client = self.inner.client();
        if !outdata.is_empty() {
            client.write_from(&outdata);
        }
        if take {
            for attempt in 0..2 {
                match client.take_block(indata) {
                    Take::Taken(b) => {
                        write_meta(meta, &b, client.blocks_ready());
                        return b.frames as i32;
                    }
                    Take::TooSmall(frames) => return -(frames.min(i32::MAX as u32) as i32),
                    Take::None if attempt == 0 => signals.rearm_blocks(),
                    Take::None => {}
                }
            }
            meta[6] = 0.0;
            return 0;
        }
        let mut ready = client.blocks_ready();
        if ready == 0 {
            signals.rearm_blocks();
            ready = client.blocks_ready();
        }
        meta[6] = ready as f64;
        0
    }

    /// True when the device runs faster than real time (file and null
    /// PCMs): the engine then waits for the program (see `waiting`).
    #[napi(getter)]
    pub fn unpaced(&self) -> bool {
        self.inner.signals.unpaced.load(Ordering::Acquire)
    }

    /// Processor workers: sleeps until blocks after `seen` are ready or the
    /// stream changes state; returns the new sequence number. Blocks the
    /// calling thread: never call it on the main thread.
    #[napi]
    pub fn wait_blocks(&self, seen: u32) -> u32 {
        self.inner.wait_blocks(seen)
    }

    /// `CallbackStop`: play what is queued, then finish.
    #[napi]
    pub fn request_stop(&self) {
        self.inner.signals.request_stop();
    }

    /// `CallbackAbort`: finish at once, dropping queued output.
    #[napi]
    pub fn request_abort(&self) {
        self.inner.signals.request_abort();
    }

    #[napi(getter)]
    pub fn in_frame_bytes(&self) -> u32 {
        self.inner.in_frame as u32
    }

    #[napi(getter)]
    pub fn out_frame_bytes(&self) -> u32 {
        self.inner.out_frame as u32
    }

    /// The cushion in blocks: the one asked for, plus the blocks it grew by
    /// in this run for a host that asks for several blocks at once.
    #[napi(getter)]
    pub fn cushion(&self) -> u32 {
        self.inner.cushion + self.inner.signals.cushion_grown.load(Ordering::Relaxed)
    }
}
