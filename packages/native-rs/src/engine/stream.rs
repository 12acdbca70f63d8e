//! The stream owner: opens the PortAudio stream over an [`RtContext`], holds
//! the client side of the rings, runs the pump, and tears everything down in
//! the one safe order (close PortAudio, free the audio context, stop waiters,
//! join the pump, release pinned buffers).

use super::buffers::{PlaySource, RecSink};
use super::client::ClientSide;
use super::js_wake::WakeHandle;
use super::pump::{self, Notify, Watchdog};
use super::rates;
use super::render::{BuffersRt, RtContext, RtMode};
use super::resample::{Converter, Plan, Quality};
use super::rings::{blocking_rings, callback_rings, check_ring_size, ring_frames};
use super::signals::{self, Signals};
use super::trampoline::{audio_callback, finished_callback, CallbackData, FrameBytes, UserData};
use super::waiting::Pacing;
use crate::pa::error::{Error, Result};
use crate::pa::instance::Instance;
use crate::pa::library::{self, register_stream, OpenStream};
use crate::pa::pacing::{self as device_pacing, Direction};
use crate::pa::params::{DirectionParams, SampleFormat};
use crate::pa::stream::{OpenRequest, PaStreamHandle, StreamInfo};
use portaudio_sys as sys;
use std::any::Any;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the stream exchanges data with its user.
pub enum Mode {
    /// Blocks go to a JS callback or a processor worker; `cushion` silent
    /// blocks are played first to absorb the client's jitter.
    Callback { cushion: u32 },
    /// `read`/`write` through rings of `ring_frames` frames.
    Blocking { ring_frames: usize },
    /// `play`/`rec`/`playrec`: whole buffers, no client per block.
    Buffers {
        play: Option<PlaySource>,
        rec: Option<RecSink>,
    },
}

pub struct Config {
    pub input: Option<DirectionParams>,
    pub output: Option<DirectionParams>,
    pub sample_rate: f64,
    pub block_size: u32,
    pub flags: u32,
    pub mode: Mode,
    /// "Stream", "InputStream", … for error messages.
    pub kind: String,
    /// Environment that owns the stream (closed when it goes away).
    pub owner: u64,
    /// `resample`: when the devices do not support `sample_rate`, run them
    /// at a rate they do and convert, with this quality. `None`: no
    /// conversion (an unsupported rate is an error naming the option).
    pub resample: Option<Quality>,
}

/// Program frames per block of a converted stream whose `blockSize` is 0.
const CONVERTED_BLOCK_FRAMES: usize = 512;

/// How much longer than the queued audio `stop()` waits for it to play.
const STOP_DRAIN_MARGIN: Duration = Duration::from_millis(500);
/// The largest cushion (the JavaScript layer allows 64).
const MAX_CUSHION: u32 = 1024;
/// Frames assumed per block when PortAudio chooses the block size.
const UNSPECIFIED_BLOCK_FRAMES: usize = 4096;

pub struct Stream {
    /// Shared with the pump's watchdog, which asks PortAudio whether the
    /// stream is still active (with `try_lock`, never waiting).
    handle: Arc<Mutex<Option<PaStreamHandle>>>,
    /// Owned by PortAudio's callback while the stream is open; freed after close.
    callback_data: Mutex<Option<UserData>>,
    client: Mutex<ClientSide>,
    pub signals: Arc<Signals>,
    pump: Mutex<Option<JoinHandle<()>>>,
    /// JS buffers pinned for the audio thread; dropped after close.
    pinned: Mutex<Vec<Box<dyn Any + Send>>>,
    pub info: StreamInfo,
    pub in_frame: usize,
    pub out_frame: usize,
    pub block_size: u32,
    pub cushion: u32,
    pub is_callback: bool,
    owner: u64,
    /// A device of the stream belongs to the JACK host API.
    uses_jack: bool,
    /// The PortAudio instance the stream runs on (`pa::instance`); None
    /// only for the engine's tests without PortAudio.
    instance: Option<&'static Instance>,
    /// `stop()`/`abort()` was called after the stream was lost (for `stopped`).
    halted: AtomicBool,
    /// `close()` has begun (waiters woken by the stop it causes say "closed").
    closing: AtomicBool,
}

/// True when every device of the stream is known not to run on a clock
/// (`pa::pacing`).
fn devices_unpaced(config: &Config) -> Result<bool> {
    let pa = library::initialized()?;
    let used = [
        (config.input.as_ref(), Direction::Capture),
        (config.output.as_ref(), Direction::Playback),
    ];
    let mut used = used
        .iter()
        .filter_map(|(d, dir)| d.map(|d| (d.device, *dir)))
        .peekable();
    Ok(used.peek().is_some()
        && used.all(|(device, dir)| device_pacing::device_is_unpaced(pa, device, dir)))
}

/// [`Stream::client`]: the locked client side; on release it reports the
/// client's progress to an audio thread that may be waiting for it.
pub struct ClientGuard<'a> {
    guard: MutexGuard<'a, ClientSide>,
    signals: &'a Signals,
}

impl std::ops::Deref for ClientGuard<'_> {
    type Target = ClientSide;
    fn deref(&self) -> &ClientSide {
        &self.guard
    }
}

impl std::ops::DerefMut for ClientGuard<'_> {
    fn deref_mut(&mut self) -> &mut ClientSide {
        &mut self.guard
    }
}

impl Drop for ClientGuard<'_> {
    fn drop(&mut self) {
        self.signals.client_progress();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn closed_error() -> Error {
    Error::Unavailable("Stream is closed".into())
}

fn lost_error(what: &str) -> Error {
    Error::PortAudio {
        text: format!(
            "{what}: the audio device stopped working: its host API ended the stream \
             (e.g. the JACK server went away). Open a new stream, after reinitialize() \
             once the device or server is back"
        ),
        code: sys::paDeviceUnavailable,
        host: None,
    }
}

/// How long `stop`/`abort`/`close` wait for a late finished callback before
/// taking a stream that PortAudio calls inactive for lost.
const LATE_FINISH_GRACE: Duration = Duration::from_millis(100);

fn stopped_error(what: &str) -> Error {
    Error::PortAudio {
        text: format!("{what}: Stream is stopped"),
        code: sys::paStreamIsStopped,
        host: None,
    }
}

/// How a stream tells its JavaScript owner of ready blocks and of its end.
pub enum Notifier {
    /// A function the pump thread calls (a thread-safe function).
    Pump(Notify),
    /// The owner's event-loop wake ([`super::js_wake`]): the audio thread
    /// announces blocks itself, the pump only the end.
    EventLoop(WakeHandle),
}

impl Stream {
    /// Opens the stream. `notify` is told of [`pump::EVENT_BLOCKS`]
    /// (callback mode, unless `deliver_blocks` is false: a worker waits
    /// instead) and [`pump::EVENT_FINISHED`]. `signals` must be new (the
    /// caller may have given them to its event-loop wake).
    pub fn open(
        config: Config,
        signals: Arc<Signals>,
        notify: Option<Notifier>,
        deliver_blocks: bool,
        pinned: Vec<Box<dyn Any + Send>>,
    ) -> Result<Arc<Stream>> {
        signals::init_clock();
        let device_rate = match config.resample {
            Some(_) => rates::device_rate(
                config.input.as_ref(),
                config.output.as_ref(),
                config.sample_rate,
            )?,
            None => None,
        };
        // A converted stream exchanges float32 with PortAudio (the converter
        // works in float32 and encodes the program's dtype itself).
        let device_side = |d: &DirectionParams| {
            let mut d = d.clone();
            if device_rate.is_some() {
                d.format = SampleFormat::Float32;
            }
            d.prepare()
        };
        let input = config.input.as_ref().map(device_side).transpose()?;
        let output = config.output.as_ref().map(device_side).transpose()?;
        let frame = |p: &Option<DirectionParams>| {
            p.as_ref()
                .map_or(0, |d| d.channels as usize * d.format.bytes())
        };
        let (in_frame, out_frame) = (frame(&config.input), frame(&config.output));
        let out_silence = config
            .output
            .as_ref()
            .map_or(0, |d| d.format.silence_byte());
        let block_frames = if config.block_size > 0 {
            config.block_size as usize
        } else if device_rate.is_some() {
            CONVERTED_BLOCK_FRAMES
        } else {
            UNSPECIFIED_BLOCK_FRAMES
        };
        let converter = match (device_rate, config.resample) {
            (Some(device_rate), Some(quality)) => {
                let dir = |d: &Option<DirectionParams>| {
                    d.as_ref().map(|d| (d.channels as usize, d.format))
                };
                Some(Converter::new(Plan {
                    user_rate: config.sample_rate,
                    device_rate,
                    quality,
                    user_block: block_frames,
                    input: dir(&config.input),
                    output: dir(&config.output),
                })?)
            }
            _ => None,
        };
        let device_frame = |d: &Option<DirectionParams>, user: usize| match (d, &converter) {
            (Some(d), Some(_)) => d.channels as usize * 4,
            _ => user,
        };
        let frames = match &config.mode {
            Mode::Callback { cushion } if *cushion > MAX_CUSHION => {
                return Err(Error::Range(format!(
                    "cushion must be at most {MAX_CUSHION} blocks, got {cushion}"
                )))
            }
            Mode::Callback { cushion } => ring_frames(true, *cushion, block_frames, 0),
            Mode::Blocking { ring_frames: n } => ring_frames(false, 0, block_frames, *n),
            Mode::Buffers { .. } => Some(0),
        };
        check_ring_size(frames, in_frame, out_frame).map_err(Error::Range)?;

        let known_unpaced = devices_unpaced(&config)?;
        signals.unpaced.store(known_unpaced, Ordering::Release);
        let pacing = Pacing::new(known_unpaced, config.sample_rate, block_frames);
        let (mode, client, cushion, is_callback) = match config.mode {
            Mode::Callback { cushion } => {
                let (rt, client) =
                    callback_rings(in_frame, out_frame, cushion, block_frames, pacing);
                // An unpaced device has no use for a cushion (`waiting`).
                let cushion = if known_unpaced { 0 } else { cushion };
                (RtMode::Rings(rt), client, cushion, true)
            }
            Mode::Blocking { ring_frames } => {
                let (rt, client) =
                    blocking_rings(in_frame, out_frame, ring_frames.max(block_frames), pacing);
                (RtMode::Rings(rt), client, 0, false)
            }
            Mode::Buffers { play, rec } => {
                let client = ClientSide {
                    input: None,
                    output: None,
                    meta: None,
                    in_frame,
                    out_frame,
                };
                (
                    RtMode::Buffers(BuffersRt {
                        play,
                        rec,
                        played_all: false,
                    }),
                    client,
                    0,
                    false,
                )
            }
        };

        let mut data = UserData::new(CallbackData {
            frame_bytes: FrameBytes {
                input: device_frame(&config.input, in_frame),
                output: device_frame(&config.output, out_frame),
            },
            ctx: RtContext {
                signals: signals.clone(),
                out_silence,
                mode,
            },
            converter,
        });
        let user_data = data.as_ptr();
        let handle = PaStreamHandle::open(OpenRequest {
            input: input.as_ref(),
            output: output.as_ref(),
            sample_rate: device_rate.unwrap_or(config.sample_rate),
            // The device's own block size: the converter makes the blocks.
            frames_per_buffer: if device_rate.is_some() {
                0
            } else {
                config.block_size
            },
            flags: config.flags,
            callback: audio_callback,
            finished: finished_callback,
            user_data,
            kind: &config.kind,
        })
        .map_err(|e| match config.resample {
            // (With conversion on, no common rate worked: PortAudio's text.)
            Some(_) => e,
            None => rates::explain(
                e,
                config.input.as_ref(),
                config.output.as_ref(),
                config.sample_rate,
            ),
        })?;
        let mut info = handle.info();
        // SAFETY: the stream was opened but not started: PortAudio does not
        // run the callback yet, so the audio context may be read.
        if let Some(c) = unsafe { data.get_mut() }.converter.as_ref() {
            // The program sees its own rate; the converter's delay is part
            // of the latency.
            info.sample_rate = c.user_rate();
            if config.input.is_some() {
                info.input_latency += c.input_delay();
            }
            if config.output.is_some() {
                info.output_latency += c.output_delay();
            }
        }
        // SAFETY: the stream was opened but not started: PortAudio does not
        // run the callback yet, so the audio context may be touched.
        if let RtMode::Rings(r) = &mut unsafe { data.get_mut() }.ctx.mode {
            r.pacing
                .set_latency(info.input_latency.max(info.output_latency), block_frames);
        }
        let uses_jack = handle.uses_jack();
        let instance = handle.instance();
        let handle = Arc::new(Mutex::new(Some(handle)));

        let pump = match notify {
            Some(notifier) => {
                let blocks = deliver_blocks && is_callback;
                let (pump_blocks, n): (bool, Notify) = match notifier {
                    Notifier::Pump(f) => (blocks, f),
                    Notifier::EventLoop(wake) => {
                        signals.js.attach(wake, blocks);
                        let sig = signals.clone();
                        (
                            false,
                            Box::new(move |event| {
                                sig.js.post(event);
                            }),
                        )
                    }
                };
                let probed = handle.clone();
                let watchdog = Watchdog {
                    probe: Box::new(move || {
                        let guard = probed.try_lock().ok()?;
                        guard.as_ref()?.is_active().ok()
                    }),
                    on_lost: Box::new(move || instance.stream_lost(uses_jack)),
                };
                Some(
                    pump::spawn(signals.clone(), pump_blocks, n, Some(watchdog)).map_err(|e| {
                        Error::Unavailable(format!(
                            "cannot start the stream's notification thread: {e}"
                        ))
                    })?,
                )
            }
            None => None,
        };

        let stream = Arc::new(Stream {
            handle,
            callback_data: Mutex::new(Some(data)),
            client: Mutex::new(client),
            signals,
            pump: Mutex::new(pump),
            pinned: Mutex::new(pinned),
            info,
            in_frame,
            out_frame,
            block_size: config.block_size,
            cushion,
            is_callback,
            owner: config.owner,
            uses_jack,
            instance: Some(instance),
            halted: AtomicBool::new(false),
            closing: AtomicBool::new(false),
        });
        let weak: std::sync::Weak<dyn OpenStream> =
            Arc::downgrade(&(stream.clone() as Arc<dyn OpenStream>));
        register_stream(weak);
        Ok(stream)
    }

    /// The JACK client of the stream's PortAudio instance is known dead.
    fn jack_dead(&self) -> bool {
        self.instance.is_some_and(Instance::jack_dead)
    }

    fn with_handle<T>(&self, f: impl FnOnce(&PaStreamHandle) -> Result<T>) -> Result<T> {
        match lock(&self.handle).as_ref() {
            Some(h) => f(h),
            None => Err(closed_error()),
        }
    }

    pub fn is_closed(&self) -> bool {
        lock(&self.handle).is_none()
    }

    pub fn start(&self) -> Result<()> {
        let guard = lock(&self.handle);
        let handle = guard.as_ref().ok_or_else(closed_error)?;
        if self.is_lost() || (self.uses_jack && self.jack_dead()) {
            return Err(lost_error("Error starting stream"));
        }
        if handle.is_stopped()? {
            if let Some(data) = lock(&self.callback_data).as_mut() {
                // SAFETY: PortAudio is not running the callback while the
                // stream is stopped (checked just above, under the handle
                // lock), so the audio context may be touched.
                unsafe { data.get_mut() }.reset_for_start();
            }
            lock(&self.client).clear_inbound();
            self.signals.reset_for_start();
        }
        let result = handle.start();
        if result.is_err() {
            self.signals.running.store(false, Ordering::Release);
        } else {
            // The pump may be asleep without a timeout (the stream was not
            // running): wake it so that its watchdog runs. Buffer and blocking
            // streams would not wake it otherwise. (A bump, not a bare wake:
            // a pump just about to sleep must not miss it.)
            self.signals.bump_and_wake();
        }
        result
    }

    /// Stops after everything already queued has played: what the client
    /// wrote (blocking `write`) or what its callback produced (callback
    /// streams) is still in the output ring, which `Pa_StopStream` alone
    /// would drop. Python's `stop()` "waits until all pending audio buffers
    /// have been played".
    pub fn stop(&self) -> Result<()> {
        // The finished callback comes while the queued output plays (the
        // stream completes by itself) or inside Pa_StopStream: either way it
        // proves the JACK client alive (`noting_service`).
        let r = self.noting_service(|| {
            // A lost stream must not reach Pa_StopStream (it would wait 10
            // minutes for a dead JACK server): checked before and after the
            // drain.
            if !self
                .with_handle(|h| Ok(self.check_lost(h)))
                .unwrap_or(false)
            {
                self.play_queued_output();
            }
            self.with_handle(|h| {
                if self.check_lost(h) {
                    self.halted.store(true, Ordering::Release);
                    return Ok(());
                }
                // Pa_StopStream waits for the audio thread: it must not be
                // waiting for us (`waiting`).
                self.signals.halt_waits();
                h.stop()
            })
        });
        self.signals.running.store(false, Ordering::Release);
        self.signals.bump_and_wake();
        r
    }

    /// Lets the audio thread play what the output ring holds, then complete
    /// (as after `CallbackStop`); waits at most the queued duration plus a
    /// margin, so a stalled device cannot hang `stop()`.
    fn play_queued_output(&self) {
        let queued_frames = {
            let client = self.client();
            match client.output.as_ref() {
                Some(p) if self.out_frame > 0 => {
                    (p.buffer().capacity() - p.slots()) / self.out_frame
                }
                _ => return,
            }
        };
        let sig = &self.signals;
        if queued_frames == 0
            || !sig.running.load(Ordering::Acquire)
            || !self.is_active().unwrap_or(false)
        {
            return;
        }
        sig.request_stop();
        let rate = if self.info.sample_rate > 0.0 {
            self.info.sample_rate
        } else {
            8000.0
        };
        let block = match self.block_size {
            0 => sig.block_frames.load(Ordering::Relaxed),
            n => n,
        };
        let priming = self.cushion as usize * block as usize;
        let seconds = (queued_frames + priming) as f64 / rate;
        let deadline = Instant::now() + Duration::from_secs_f64(seconds) + STOP_DRAIN_MARGIN;
        while !sig.finished.load(Ordering::Acquire) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    pub fn abort(&self) -> Result<()> {
        let guard = lock(&self.handle);
        let mut lost = false;
        let r = match guard.as_ref() {
            Some(h) if self.check_lost(h) => {
                self.halted.store(true, Ordering::Release);
                lost = true;
                Ok(())
            }
            Some(h) => {
                self.signals.halt_waits();
                self.noting_service(|| h.abort())
            }
            None => Err(closed_error()),
        };
        if r.is_ok() && !lost {
            if let Some(data) = lock(&self.callback_data).as_mut() {
                // SAFETY: Pa_AbortStream has returned, so the callback no
                // longer runs; the handle lock keeps anyone from restarting.
                unsafe { data.get_mut() }.discard_output();
            }
        }
        drop(guard);
        self.signals.running.store(false, Ordering::Release);
        self.signals.bump_and_wake();
        r
    }

    pub fn is_active(&self) -> Result<bool> {
        self.with_handle(|h| {
            if self.is_lost() {
                Ok(false)
            } else {
                h.is_active()
            }
        })
    }

    /// Stopped (or never started). A lost stream counts as stopped once
    /// `stop()` or `abort()` was called on it.
    pub fn is_stopped(&self) -> Result<bool> {
        self.with_handle(|h| {
            if self.is_lost() {
                Ok(self.halted.load(Ordering::Acquire))
            } else {
                h.is_stopped()
            }
        })
    }

    /// True once the host API ended the stream without finishing it (the
    /// watchdog or `check_lost` noticed): PortAudio is not called for it
    /// any more.
    pub fn is_lost(&self) -> bool {
        self.signals.host_lost.load(Ordering::Acquire)
    }

    /// Before stopping, aborting or closing: true if the stream is lost,
    /// declaring it lost first when PortAudio calls a running stream
    /// inactive and its finished callback does not follow within
    /// [`LATE_FINISH_GRACE`] (the watchdog may not have looked yet). The
    /// caller holds the handle lock, so nobody else calls PortAudio for it.
    fn check_lost(&self, h: &PaStreamHandle) -> bool {
        let sig = &self.signals;
        if self.is_lost() {
            return true;
        }
        let deadline = Instant::now() + LATE_FINISH_GRACE;
        loop {
            if !sig.running.load(Ordering::Acquire) || sig.finished.load(Ordering::Acquire) {
                return false;
            }
            if h.is_active().unwrap_or(true) {
                return false;
            }
            if Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if sig.declare_host_lost() {
            if let Some(i) = self.instance {
                i.stream_lost(self.uses_jack);
            }
        }
        true
    }

    /// Runs `stop` (what stops the stream) and, when PortAudio's finished
    /// callback came meanwhile (JACK: from its process thread), records that
    /// the JACK client was alive when it came.
    fn noting_service(&self, stop: impl FnOnce() -> Result<()>) -> Result<()> {
        let finishes = self.signals.finish_count.load(Ordering::Acquire);
        let r = stop();
        if self.uses_jack && self.signals.finish_count.load(Ordering::Acquire) != finishes {
            let at = self.signals.finished_at.load(Ordering::Acquire);
            if let Some(at) = signals::instant_of(at) {
                if let Some(i) = self.instance {
                    i.alive(at);
                }
            }
        }
        r
    }

    /// Before closing: true when `Pa_CloseStream` must not be called, because
    /// the stream is lost or its JACK client is dead (module docs of
    /// `pa::library`). A JACK stream that is not running is closed only when
    /// its client is known to be alive (it proved so a moment ago, see
    /// `pa::jack_graph`, or a probe says so): closing it otherwise aborts
    /// the process.
    fn must_abandon(&self, h: &PaStreamHandle) -> bool {
        if self.check_lost(h) {
            return true;
        }
        if !h.uses_jack() {
            return false;
        }
        if self.jack_dead() {
            return true;
        }
        if self.signals.running.load(Ordering::Acquire) && h.is_active().unwrap_or(false) {
            // Running on a live server: Pa_CloseStream aborts it normally.
            return false;
        }
        // The client answered a moment ago (typically: stop() then close()).
        // Probing again would register and unregister a port for nothing;
        // the server dying in between is as (un)likely as right after a
        // probe, since closing waits that long anyway (`pa::jack_graph`).
        if h.instance().alive_within(h.settle_time()) {
            return false;
        }
        !h.instance().jack_client_alive()
    }

    pub fn time(&self) -> Result<f64> {
        self.with_handle(|h| Ok(h.time()))
    }

    pub fn cpu_load(&self) -> Result<f64> {
        self.with_handle(|h| Ok(h.cpu_load()))
    }

    /// Closes PortAudio's stream, frees the audio context, releases waiters
    /// and pinned memory. Idempotent; safe from any thread but the audio one.
    pub fn close(&self) {
        // Pa_CloseStream waits for the audio thread (`waiting`).
        self.signals.halt_waits();
        let (handle, abandon) = {
            let mut guard = lock(&self.handle);
            let abandon = match guard.as_ref() {
                Some(h) => self.must_abandon(h),
                None => return,
            };
            (guard.take(), abandon)
        };
        self.closing.store(true, Ordering::Release);
        if let Some(handle) = handle {
            if abandon {
                // Leaked on purpose (see `pa::library`): PortAudio keeps the
                // stream and its user data pointer, so the callback data and
                // the pinned buffers it may point into are leaked with it.
                handle.leak();
                if let Some(data) = lock(&self.callback_data).take() {
                    std::mem::forget(data);
                }
                std::mem::forget(std::mem::take(&mut *lock(&self.pinned)));
            } else {
                // Pa_CloseStream returns after the callback has run for the last time.
                drop(handle);
            }
        }
        self.signals.running.store(false, Ordering::Release);
        lock(&self.callback_data).take();
        self.signals.shutdown.store(true, Ordering::Release);
        self.signals.bump_and_wake();
        if let Some(p) = lock(&self.pump).take() {
            let _ = p.join();
        }
        lock(&self.pinned).clear();
        // Free the rings now rather than when JavaScript garbage-collects
        // the handle: a program that opens and closes many streams between
        // two collections would otherwise hold all their buffers.
        lock(&self.client).release_rings();
    }

    /// The client's ends of the rings, locked. Releasing them tells the
    /// audio thread that the client may have moved data (`waiting`).
    pub fn client(&self) -> ClientGuard<'_> {
        ClientGuard {
            guard: lock(&self.client),
            signals: &self.signals,
        }
    }

    /// Blocking read of exactly `dst.len()` bytes (whole frames). Returns
    /// whether input overflowed since the last read.
    pub fn read_blocking(&self, dst: &mut [u8]) -> Result<bool> {
        let sig = &self.signals;
        sig.input_started.store(true, Ordering::Release);
        let waiting = &sig.readers_waiting;
        self.wait_loop(
            dst.len(),
            waiting,
            "Error reading from stream",
            |client, done| client.read_into(&mut dst[done..]),
        )?;
        Ok(self.signals.take_flags(sys::paInputOverflow as u32) != 0)
    }

    /// Blocking write of all of `src`. Returns whether output underflowed
    /// since the last write. Before `start()`, only what fits is accepted.
    pub fn write_blocking(&self, src: &[u8]) -> Result<bool> {
        let sig = &self.signals;
        sig.output_started.store(true, Ordering::Relaxed);
        let waiting = &sig.writers_waiting;
        self.wait_loop(
            src.len(),
            waiting,
            "Error writing to stream",
            |client, done| client.write_from(&src[done..]),
        )?;
        Ok(self.signals.take_flags(sys::paOutputUnderflow as u32) != 0)
    }

    /// Moves data with `step` until `total` bytes are done, sleeping while
    /// the rings are full/empty. `waiting` counts this caller among the
    /// readers or writers (the audio thread of an unpaced device never
    /// waits for the other direction meanwhile).
    fn wait_loop(
        &self,
        total: usize,
        waiting: &AtomicU32,
        what: &str,
        mut step: impl FnMut(&mut ClientSide, usize) -> usize,
    ) -> Result<()> {
        let sig = &self.signals;
        let epoch = sig.cancel_epoch.load(Ordering::Acquire);
        // (Counted before the first step, whose progress report wakes an
        // audio thread that may now have to stop waiting for the other side.)
        waiting.fetch_add(1, Ordering::SeqCst);
        let result = (|| {
            let mut done = 0;
            loop {
                let seen = sig.load_seq();
                if sig.shutdown.load(Ordering::Acquire) {
                    return Err(closed_error());
                }
                done += step(&mut self.client(), done);
                if done >= total {
                    return Ok(());
                }
                if sig.cancel_epoch.load(Ordering::Acquire) != epoch {
                    return Err(Error::Unavailable(format!(
                        "{what}: the operation was aborted"
                    )));
                }
                if sig.host_lost.load(Ordering::Acquire) {
                    return Err(lost_error(what));
                }
                if !sig.running.load(Ordering::Acquire) {
                    // Closing a running stream stops it first (the handle is
                    // already taken then): say what the caller did.
                    return Err(if self.closing.load(Ordering::Acquire) {
                        closed_error()
                    } else {
                        stopped_error(what)
                    });
                }
                sig.wait_while(seen);
            }
        })();
        waiting.fetch_sub(1, Ordering::SeqCst);
        result
    }

    /// Makes every blocking `read`/`write`/`wait_blocks` give up.
    pub fn cancel_waits(&self) {
        self.signals.cancel_epoch.fetch_add(1, Ordering::AcqRel);
        self.signals.bump_and_wake();
    }

    /// For processor workers: sleeps until the audio thread queued blocks
    /// after `seen` (or the stream changed state); returns the new sequence.
    pub fn wait_blocks(&self, seen: u32) -> u32 {
        if self.client().blocks_ready() == 0 && !self.signals.shutdown.load(Ordering::Acquire) {
            self.signals.wait_while(seen);
        }
        self.signals.load_seq()
    }
}

/// Test-only: a stream with no PortAudio behind it. The client side and the
/// signals are the caller's; the audio side is driven by hand through the
/// trampoline. `stop`, `abort` and `cancel_waits` release waiters as usual
/// (their PortAudio part fails with "Stream is closed").
#[cfg(test)]
impl Stream {
    pub(crate) fn without_portaudio(client: ClientSide, signals: Arc<Signals>) -> Stream {
        Stream {
            handle: Arc::new(Mutex::new(None)),
            callback_data: Mutex::new(None),
            in_frame: client.in_frame,
            out_frame: client.out_frame,
            client: Mutex::new(client),
            signals,
            pump: Mutex::new(None),
            pinned: Mutex::new(Vec::new()),
            info: StreamInfo::default(),
            block_size: 0,
            cushion: 0,
            is_callback: false,
            owner: 0,
            uses_jack: false,
            instance: None,
            halted: AtomicBool::new(false),
            closing: AtomicBool::new(false),
        }
    }
}

impl OpenStream for Stream {
    fn is_active(&self) -> bool {
        Stream::is_active(self).unwrap_or(false)
    }
    fn close_now(&self) {
        self.close();
    }
    fn owner(&self) -> u64 {
        self.owner
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.close();
    }
}

/// Sample format helper re-exported for the napi layer.
pub fn parse_format(name: &str) -> Result<SampleFormat> {
    SampleFormat::parse(name)
}
