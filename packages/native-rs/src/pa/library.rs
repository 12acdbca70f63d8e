//! PortAudio's process-wide lifetime: loaded and initialized on first use,
//! terminated when the last JavaScript environment (main thread or worker)
//! goes away, and re-initialized on request to see new devices.
//!
//! PortAudio is global per process while the addon is loaded once per
//! `worker_threads` environment, so the state lives in one `Mutex` here; it is
//! never touched from the audio thread.
//!
//! # When PortAudio cannot be terminated
//!
//! PortAudio 19.6's JACK host API keeps a JACK client open from
//! `Pa_Initialize` to `Pa_Terminate`. Once the JACK server it talks to has
//! gone away (killed, crashed, stopped — even if it was restarted since),
//! that client is dead for good, and:
//!
//! - `Pa_Terminate` aborts the process (`pa_jack.c: Terminate: Assertion
//!   err == 0`: `jack_client_close` fails), with or without open streams;
//! - `Pa_CloseStream` of a JACK stream that is not running aborts the
//!   process too (`CleanUpStream`: `jack_port_unregister` fails), and of one
//!   that was running blocks for 10 minutes (`pa_jack.c` waits for the dead
//!   process thread to acknowledge the abort);
//! - a running JACK stream just becomes inactive: no finished callback.
//!
//! So such an instance of PortAudio is *abandoned*, never terminated: its
//! JACK streams are leaked instead of closed (see `engine::stream`), other
//! streams are closed as usual, and the next use loads a fresh copy of the
//! PortAudio library file (a second, independent instance: PortAudio's state
//! is global per loaded library) and initializes that, which finds the JACK
//! server again once it is back. What is leaked per abandoned instance: the
//! library's mapping and state, its dead JACK client (two idle libjack
//! threads), and the memory of its JACK streams.
//!
//! How a dead client is noticed: a running stream's watchdog sees PortAudio
//! call it inactive without a finished callback ([`stream_lost`]), or a probe
//! ([`jack_client_alive`]: open and close a one-channel stream on the JACK
//! host API, which fails at once when the client is dead) run before every
//! `Pa_Terminate` and before closing a JACK stream that is not running,
//! unless the client proved alive a moment ago (see `pa::jack_graph`) or the
//! server it connected to still listens on the same socket (`pa::jack_server`,
//! microseconds instead of the probe's tens of milliseconds).

use super::error::{check, Error, Result};
use super::jack_graph;
use super::jack_server::{default_socket_path, ServerSocket};
use super::silence::silenced;
use portaudio_sys as sys;
use std::os::raw::{c_int, c_ulong, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// What the library needs from an open stream to terminate safely.
pub trait OpenStream: Send + Sync {
    /// True while the stream is running (started and not yet finished).
    fn is_active(&self) -> bool;
    /// Stops (aborts) the stream if needed and closes it; idempotent.
    fn close_now(&self);
    /// The environment (JS thread) that opened the stream.
    fn owner(&self) -> u64;
}

struct State {
    initialized: bool,
    /// Live JS environments using the addon; the last one out terminates.
    environments: usize,
    streams: Vec<Weak<dyn OpenStream>>,
    /// The instance in use was abandoned (see the module docs): the next
    /// initialization loads a fresh copy of the library.
    abandoned: bool,
    /// Fresh copies loaded so far (names their temporary files).
    copies: u32,
}

static STATE: Mutex<State> = Mutex::new(State {
    initialized: false,
    environments: 0,
    streams: Vec::new(),
    abandoned: false,
    copies: 0,
});

/// The instance in use when it is a fresh copy (null: the process-wide
/// library of `portaudio_sys::library()`). Each copy is leaked on purpose:
/// streams and PortAudio's own threads may still point into it.
static CURRENT: AtomicPtr<sys::PortAudio> = AtomicPtr::new(ptr::null_mut());

/// The JACK server of the instance in use went away: its JACK client is
/// dead (see the module docs). Reset when a fresh instance is loaded.
static JACK_DEAD: AtomicBool = AtomicBool::new(false);
/// The instance in use holds a stream PortAudio can no longer stop or close
/// (a lost stream), so `Pa_Terminate` would hang. Reset with `JACK_DEAD`.
static UNTERMINABLE: AtomicBool = AtomicBool::new(false);
/// The JACK server socket PortAudio's client of the instance in use
/// connected to, when it could be told (`jack_server`): while the same socket
/// still listens, the client is alive and no probe stream is needed.
static JACK_SERVER: Mutex<Option<ServerSocket>> = Mutex::new(None);
/// Instances abandoned so far (for tests and diagnostics).
static ABANDONED: AtomicU32 = AtomicU32::new(0);

/// Serializes the PortAudio calls that are not thread-safe: opening,
/// starting, stopping and closing streams, initializing and terminating,
/// format checks and device queries. PortAudio is not thread-safe, and its
/// JACK host API hands streams to its process thread through one shared slot
/// (`toAdd`/`toRemove`): two workers opening or closing streams at the same
/// time lose one of them and trip its asserts. Lock order: `STATE`, then a
/// stream's handle, then this; nothing waits for another lock while holding
/// it, and the audio thread never takes it.
static PA_CALLS: Mutex<()> = Mutex::new(());

/// Runs `f` while no other thread is inside a serialized PortAudio call.
pub fn serialized<T>(f: impl FnOnce() -> T) -> T {
    let _guard = PA_CALLS.lock().unwrap_or_else(|e| e.into_inner());
    f()
}

fn state() -> MutexGuard<'static, State> {
    // A panic while holding the lock leaves consistent data (plain fields):
    // recover instead of poisoning every later call.
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The loaded library without initializing it (enough for version queries):
/// the fresh copy in use if there is one, else the process-wide library.
pub fn loaded() -> Result<&'static sys::PortAudio> {
    let copy = CURRENT.load(Ordering::Acquire);
    if !copy.is_null() {
        // SAFETY: `CURRENT` only ever holds pointers from `Box::leak`, which
        // are valid (and never freed) for the rest of the process.
        return Ok(unsafe { &*copy });
    }
    sys::library().map_err(|e| Error::Unavailable(e.to_string()))
}

fn initialize_locked(st: &mut State) -> Result<&'static sys::PortAudio> {
    if st.abandoned {
        load_fresh_copy(st)?;
    }
    let pa = loaded()?;
    if !st.initialized {
        let path = default_socket_path();
        let find = || path.as_deref().and_then(ServerSocket::find);
        let before = find();
        // SAFETY: Pa_Initialize has no preconditions; it is serialized by STATE.
        let code = serialized(|| silenced(|| unsafe { (pa.Pa_Initialize)() }));
        check(code, "Error initializing PortAudio")?;
        st.initialized = true;
        // The same server before and after: the one PortAudio connected to
        // (if any; without a JACK client there is nothing to prove anyway).
        let after = find();
        *jack_server() = if before == after { after } else { None };
    }
    Ok(pa)
}

fn jack_server() -> MutexGuard<'static, Option<ServerSocket>> {
    JACK_SERVER.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the server PortAudio's JACK client connected to is known by its
/// socket; `forget` forgets it afterwards (tests of the probe fallback).
pub fn jack_server_known(forget: bool) -> bool {
    let mut server = jack_server();
    let known = server.is_some();
    if forget {
        *server = None;
    }
    known
}

/// The server PortAudio's JACK client connected to still listens on the
/// same socket, so the client is alive (`jack_server`).
fn jack_server_serving() -> bool {
    jack_server().as_ref().is_some_and(ServerSocket::serving)
}

/// The library, initialized. Every query and stream goes through this.
pub fn initialized() -> Result<&'static sys::PortAudio> {
    initialize_locked(&mut state())
}

fn terminate_locked(st: &mut State) {
    if !st.initialized {
        return;
    }
    let Ok(pa) = loaded() else { return };
    st.initialized = false;
    let _forget = Forget;
    if UNTERMINABLE.load(Ordering::Acquire)
        || JACK_DEAD.load(Ordering::Acquire)
        || !(jack_graph::alive_recently() || jack_client_alive(pa))
    {
        // Pa_Terminate would abort the process or hang: abandon this
        // instance (module docs) and load a fresh one at the next use.
        st.abandoned = true;
        ABANDONED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    serialized(|| {
        // Terminating closes the JACK client, ports and all (`jack_graph`).
        jack_graph::wait_settled();
        // SAFETY: PortAudio is initialized (tracked by `initialized`); streams
        // were closed by the caller; no JACK client of it is dead (checked).
        unsafe { (pa.Pa_Terminate)() }
    });
}

/// Forgets the JACK server socket when PortAudio is terminated or abandoned
/// (the next initialization finds it again).
struct Forget;

impl Drop for Forget {
    fn drop(&mut self) {
        *jack_server() = None;
    }
}

/// Loads an independent copy of the library file in use and makes it the
/// current instance. The old instance is leaked (never terminated).
fn load_fresh_copy(st: &mut State) -> Result<()> {
    // Always copy the process-wide library's file: an earlier copy's file
    // was deleted as soon as it was loaded.
    let original = sys::library().map_err(|e| Error::Unavailable(e.to_string()))?;
    let reason = "its JACK server went away while PortAudio was using it, and \
                  PortAudio 19.6 aborts the process when it shuts down such a client";
    let copy = copy_library(original, st.copies).map_err(|e| {
        Error::Unavailable(format!(
            "PortAudio cannot be initialized again in this process: {reason}, so a fresh \
             copy of {} must be loaded instead, and that failed: {e}. Restart the process.",
            original.path
        ))
    })?;
    st.copies += 1;
    CURRENT.store(Box::leak(Box::new(copy)), Ordering::Release);
    jack_graph::forget_alive();
    JACK_DEAD.store(false, Ordering::Release);
    UNTERMINABLE.store(false, Ordering::Release);
    st.abandoned = false;
    Ok(())
}

/// Copies the file `pa` was loaded from to a temporary file, opens the copy
/// (the dynamic loader treats it as another library, with its own globals)
/// and deletes the file again (the mapping stays).
#[cfg(unix)]
fn copy_library(
    pa: &'static sys::PortAudio,
    n: u32,
) -> std::result::Result<sys::PortAudio, String> {
    let mut info = libc::Dl_info {
        dli_fname: ptr::null(),
        dli_fbase: ptr::null_mut(),
        dli_sname: ptr::null(),
        dli_saddr: ptr::null_mut(),
    };
    // SAFETY: `Pa_Initialize` is a function of the loaded library, so its
    // address lies in that library's mapping; `info` is a valid out struct.
    let found = unsafe { libc::dladdr(pa.Pa_Initialize as *const c_void, &mut info) };
    if found == 0 || info.dli_fname.is_null() {
        return Err("cannot find the file the library was loaded from".into());
    }
    // SAFETY: dladdr filled `dli_fname` with a NUL-terminated path owned by
    // the dynamic loader, valid while the library stays loaded (forever).
    let source = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) }
        .to_string_lossy()
        .into_owned();
    let file = std::path::Path::new(&source).file_name().map_or_else(
        || "libportaudio".into(),
        |f| f.to_string_lossy().into_owned(),
    );
    let target =
        std::env::temp_dir().join(format!("sounddevice-{}-{n}-{file}", std::process::id()));
    std::fs::copy(&source, &target).map_err(|e| format!("copying {source}: {e}"))?;
    let target_text = target.to_string_lossy().into_owned();
    let opened = sys::open_path(&target_text, &pa.path).map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&target);
    opened
}

#[cfg(not(unix))]
fn copy_library(
    _pa: &'static sys::PortAudio,
    _n: u32,
) -> std::result::Result<sys::PortAudio, String> {
    Err("not supported on this platform".into())
}

/// Registers an open stream so that terminate/reinitialize can close it.
pub fn register_stream(stream: Weak<dyn OpenStream>) {
    let mut st = state();
    st.streams.retain(|w| w.strong_count() > 0);
    st.streams.push(stream);
}

fn live_streams(st: &mut State) -> Vec<Arc<dyn OpenStream>> {
    st.streams.retain(|w| w.strong_count() > 0);
    st.streams.iter().filter_map(Weak::upgrade).collect()
}

/// Closes every open stream (refusing while one is active unless
/// `stop_streams`) and terminates PortAudio; the next use initializes it
/// again.
pub fn terminate(stop_streams: bool) -> Result<()> {
    let streams = live_streams(&mut state());
    let active = streams.iter().filter(|s| s.is_active()).count();
    if active > 0 && !stop_streams {
        return Err(Error::Unavailable(format!(
            "terminate() refused: {active} stream(s) still active; stop them first or pass {{ stopStreams: true }}"
        )));
    }
    for s in &streams {
        s.close_now();
    }
    terminate_locked(&mut state());
    Ok(())
}

/// Terminates and initializes PortAudio again so that devices plugged in (or
/// servers started) since are seen. Open streams are closed; if any is still
/// active this refuses unless `stop_streams` is true.
pub fn reinitialize(stop_streams: bool) -> Result<()> {
    terminate(stop_streams).map_err(|e| match e {
        Error::Unavailable(text) => {
            Error::Unavailable(text.replacen("terminate()", "reinitialize()", 1))
        }
        other => other,
    })?;
    initialize_locked(&mut state()).map(|_| ())
}

/// A JS environment starts using the addon.
pub fn environment_opened() {
    state().environments += 1;
}

/// A JS environment is being torn down: close its streams, and terminate
/// PortAudio when it was the last one.
pub fn environment_closed(env_id: u64) {
    let streams = live_streams(&mut state());
    for s in streams.iter().filter(|s| s.owner() == env_id) {
        s.close_now();
    }
    let last = {
        let mut st = state();
        st.environments = st.environments.saturating_sub(1);
        st.environments == 0
    };
    if last {
        // Closing takes no lock of ours (a stream's pump may need to finish
        // first); the state is locked again only to terminate.
        for s in live_streams(&mut state()) {
            s.close_now();
        }
        let mut st = state();
        if st.environments == 0 {
            terminate_locked(&mut st);
        }
    }
}

/// True when PortAudio is currently initialized.
pub fn is_initialized() -> bool {
    state().initialized
}

/// Engine streams that still exist (not yet dropped), for leak tests.
pub fn live_stream_count() -> usize {
    let mut st = state();
    st.streams.retain(|w| w.strong_count() > 0);
    st.streams.len()
}

/// Instances of PortAudio abandoned so far because they could not be
/// terminated (see the module docs).
pub fn abandoned_instances() -> u32 {
    ABANDONED.load(Ordering::Relaxed)
}

/// A stream's watchdog found that PortAudio ended the stream without its
/// finished callback (see `Signals::host_lost`): this instance can no longer
/// be terminated, and if the stream was a JACK stream, its JACK client is
/// dead. Lock-free: called from a stream's pump thread.
pub fn stream_lost(uses_jack: bool) {
    UNTERMINABLE.store(true, Ordering::Release);
    if uses_jack {
        JACK_DEAD.store(true, Ordering::Release);
    }
}

/// True once the JACK client of the instance in use is known to be dead.
pub fn jack_dead() -> bool {
    JACK_DEAD.load(Ordering::Acquire)
}

/// True when `device` of `pa` belongs to the JACK host API.
pub fn is_jack_device(pa: &'static sys::PortAudio, device: i32) -> bool {
    // SAFETY: PortAudio is initialized (the caller opened a stream on
    // `device`); both queries accept any index and return null when invalid.
    unsafe {
        let info = (pa.Pa_GetDeviceInfo)(device);
        if info.is_null() {
            return false;
        }
        let api = (pa.Pa_GetHostApiInfo)((*info).hostApi);
        !api.is_null() && (*api).type_ == sys::paJACK
    }
}

/// Never called: the probe stream of [`jack_client_alive`] is never started.
unsafe extern "C" fn probe_callback(
    _input: *const c_void,
    _output: *mut c_void,
    _frames: c_ulong,
    _time: *const sys::PaStreamCallbackTimeInfo,
    _status: sys::PaStreamCallbackFlags,
    _user_data: *mut c_void,
) -> c_int {
    sys::paAbort
}

/// False when `pa` (initialized) has a JACK host API whose client is dead:
/// opening a one-channel stream on it then fails at once (registering a
/// port needs the server), without any of the asserts or waits of the
/// module docs. When the client is alive the stream is closed again as soon
/// as JACK has announced its port (`jack_graph`: a few JACK periods). Any failure to open counts as dead: taking a
/// live client for dead only leaks, the other way round aborts the process.
/// Remembers a dead client in `JACK_DEAD`.
pub fn jack_client_alive(pa: &'static sys::PortAudio) -> bool {
    if JACK_DEAD.load(Ordering::Acquire) {
        return false;
    }
    if jack_server_serving() {
        return true;
    }
    // SAFETY: PortAudio is initialized (the caller's precondition); these
    // queries accept any index and return null / a negative index when
    // there is nothing.
    let (device, input, rate, latency) = unsafe {
        let api = (pa.Pa_HostApiTypeIdToHostApiIndex)(sys::paJACK);
        if api < 0 {
            return true;
        }
        let info = (pa.Pa_GetHostApiInfo)(api);
        if info.is_null() || (*info).deviceCount <= 0 {
            return true;
        }
        let (device, input) = if (*info).defaultOutputDevice >= 0 {
            ((*info).defaultOutputDevice, false)
        } else if (*info).defaultInputDevice >= 0 {
            ((*info).defaultInputDevice, true)
        } else {
            return true;
        };
        let d = (pa.Pa_GetDeviceInfo)(device);
        if d.is_null() {
            return true;
        }
        let latency = if input {
            (*d).defaultHighInputLatency
        } else {
            (*d).defaultHighOutputLatency
        };
        (device, input, (*d).defaultSampleRate, latency)
    };
    let params = sys::PaStreamParameters {
        device,
        channelCount: 1,
        sampleFormat: sys::paFloat32,
        suggestedLatency: latency,
        hostApiSpecificStreamInfo: ptr::null_mut(),
    };
    let (ip, op) = if input {
        (&params as *const _, ptr::null())
    } else {
        (ptr::null(), &params as *const _)
    };
    let mut stream: *mut sys::PaStream = ptr::null_mut();
    // PortAudio prints "Expression ... failed in pa_jack.c" when the client
    // is dead: expected here, so silenced.
    let alive = serialized(|| {
        silenced(|| {
            // SAFETY: valid parameter structs that outlive the call, a valid
            // callback that is never run (the stream is never started) and no
            // user data.
            let code = unsafe {
                (pa.Pa_OpenStream)(
                    &mut stream,
                    ip,
                    op,
                    rate,
                    sys::paFramesPerBufferUnspecified,
                    sys::paNoFlag,
                    Some(probe_callback),
                    ptr::null_mut(),
                )
            };
            jack_graph::opened(jack_graph::settle_time(0.0));
            if code != sys::paNoError {
                return false;
            }
            // Its port was registered; unregistering it at once would race
            // with the announcement of that (`jack_graph`).
            // SAFETY: the stream just opened; the pointer is null or valid.
            let info = unsafe { (pa.Pa_GetStreamInfo)(stream) };
            // SAFETY: non-null pointer to PortAudio's struct, read now.
            let latency =
                unsafe { info.as_ref() }.map_or(0.0, |i| i.outputLatency.max(i.inputLatency));
            let settle = jack_graph::settle_time(latency);
            jack_graph::changed(settle);
            jack_graph::unregister(settle, || {
                // SAFETY: the stream just opened, never started; the server
                // answered a moment ago, so closing it does not trip over a
                // dead client.
                unsafe { (pa.Pa_CloseStream)(stream) == sys::paNoError }
            });
            true
        })
    });
    if !alive {
        JACK_DEAD.store(true, Ordering::Release);
        UNTERMINABLE.store(true, Ordering::Release);
    }
    alive
}
