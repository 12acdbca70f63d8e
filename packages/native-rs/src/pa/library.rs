//! PortAudio's process-wide lifetime: loaded and initialized on first use,
//! terminated when the last JavaScript environment (main thread or worker)
//! goes away, and re-initialized on request to see new devices.
//!
//! # Refreshing the device list while streams run
//!
//! PortAudio 19 enumerates devices only in `Pa_Initialize`. [`refresh`]
//! gives a current list without touching running streams: when the instance
//! in use (`pa::instance`) has no open stream it is terminated and
//! initialized again; otherwise it is *retired* (it keeps running its
//! streams, untouched) and another instance becomes current — a terminated
//! copy kept from before, else a fresh copy of the library file. New
//! streams and every query use the current instance only, so device indices
//! always mean the latest list. A retired instance is terminated once its
//! last stream is closed (checked at the next refresh, termination or query
//! of the stream count) and kept for reuse, so a program alternating between
//! "stream open" and "refresh" uses two copies, not one per refresh. A
//! stream claims its instance from before `Pa_OpenStream` until it is
//! closed (`instance::StreamLease`), so a refresh on another thread never
//! terminates an instance under a stream being opened. An unterminable
//! retired instance (its JACK server went away) is abandoned instead, once
//! its streams are closed or given up.
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
//! call it inactive without a finished callback ([`Instance::stream_lost`]), or a probe
//! ([`Instance::jack_client_alive`]: open and close a one-channel stream on the JACK
//! host API, which fails at once when the client is dead) run before every
//! `Pa_Terminate` and before closing a JACK stream that is not running,
//! unless the client proved alive a moment ago (see `pa::jack_graph`) or the
//! server it connected to still listens on the same socket (`pa::jack_server`,
//! microseconds instead of the probe's tens of milliseconds).

use super::error::{Error, Result};
use super::instance::{Instance, StreamLease};
use portaudio_sys as sys;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

pub use super::instance::is_jack_device;

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
    /// The instance new streams and queries use (None: take one at the
    /// next initialization).
    current: Option<&'static Instance>,
    /// `current` is initialized.
    initialized: bool,
    /// Initialized instances that still run streams opened before a refresh.
    retired: Vec<&'static Instance>,
    /// Terminated instances, ready to be initialized again.
    spare: Vec<&'static Instance>,
    /// The process-wide library was taken as an instance already.
    original_taken: bool,
    /// Live JS environments using the addon; the last one out terminates.
    environments: usize,
    streams: Vec<Weak<dyn OpenStream>>,
    /// Fresh copies loaded so far (names their temporary files).
    copies: u32,
}

static STATE: Mutex<State> = Mutex::new(State {
    current: None,
    initialized: false,
    retired: Vec::new(),
    spare: Vec::new(),
    original_taken: false,
    environments: 0,
    streams: Vec::new(),
    copies: 0,
});

/// The current instance, for lock-free readers (`loaded`): null until one
/// was taken. Only ever holds pointers from `Instance::leak`.
static CURRENT: AtomicPtr<Instance> = AtomicPtr::new(ptr::null_mut());

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
/// the current instance if there is one, else the process-wide library.
pub fn loaded() -> Result<&'static sys::PortAudio> {
    let current = CURRENT.load(Ordering::Acquire);
    if !current.is_null() {
        // SAFETY: `CURRENT` only ever holds pointers from `Instance::leak`,
        // which are valid (and never freed) for the rest of the process.
        return Ok(unsafe { &*current }.pa);
    }
    sys::library().map_err(|e| Error::Unavailable(e.to_string()))
}

fn set_current(st: &mut State, instance: Option<&'static Instance>) {
    st.current = instance;
    st.initialized = false;
    if let Some(i) = instance {
        // Readers keep the last one when there is none (same library file).
        CURRENT.store(ptr::from_ref(i).cast_mut(), Ordering::Release);
    }
}

/// An instance that is not initialized: a spare, the process-wide library
/// if not taken yet, else a fresh copy of its file.
fn take_instance(st: &mut State) -> Result<&'static Instance> {
    if let Some(i) = st.spare.pop() {
        return Ok(i);
    }
    let original = sys::library().map_err(|e| Error::Unavailable(e.to_string()))?;
    if !st.original_taken {
        st.original_taken = true;
        return Ok(Instance::leak(original, 0));
    }
    let copy = copy_library(original, st.copies).map_err(|e| {
        Error::Unavailable(format!(
            "PortAudio cannot be initialized again in this process: a fresh copy of {} \
             must be loaded (streams still run on the instance in use, or its JACK server \
             went away and PortAudio 19.6 aborts the process when it shuts down such a \
             client), and that failed: {e}. Restart the process.",
            original.path
        ))
    })?;
    st.copies += 1;
    Ok(Instance::leak(Box::leak(Box::new(copy)), st.copies))
}

fn initialize_locked(st: &mut State) -> Result<&'static Instance> {
    let instance = match st.current {
        Some(i) => i,
        None => {
            let i = take_instance(st)?;
            set_current(st, Some(i));
            i
        }
    };
    if !st.initialized {
        instance.initialize()?;
        st.initialized = true;
    }
    Ok(instance)
}

/// The current instance, initialized, claimed for a stream about to be
/// opened on it (see [`StreamLease`]).
pub fn lease_current() -> Result<StreamLease> {
    let mut st = state();
    initialize_locked(&mut st).map(Instance::lease)
}

/// The library, initialized. Every query and stream goes through this.
pub fn initialized() -> Result<&'static sys::PortAudio> {
    initialize_locked(&mut state()).map(|i| i.pa)
}

/// Terminates `instance` (initialized, streams closed) and keeps it for
/// reuse, or abandons it when it cannot be terminated (module docs).
fn retire_for_good(st: &mut State, instance: &'static Instance) {
    if instance.terminate() {
        st.spare.push(instance);
    } else {
        ABANDONED.fetch_add(1, Ordering::Relaxed);
    }
}

fn terminate_locked(st: &mut State) {
    if let (Some(instance), true) = (st.current, st.initialized) {
        st.initialized = false;
        if !instance.terminate() {
            // Pa_Terminate would abort the process or hang: abandon this
            // instance (module docs) and take another at the next use.
            ABANDONED.fetch_add(1, Ordering::Relaxed);
            st.current = None;
        }
    }
}

/// Terminates the retired instances whose last stream was closed.
fn collect_retired(st: &mut State) {
    let retired = std::mem::take(&mut st.retired);
    for instance in retired {
        if instance.has_streams() {
            st.retired.push(instance);
        } else {
            retire_for_good(st, instance);
        }
    }
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
    let found = unsafe { libc::dladdr(pa.Pa_Initialize as *const std::os::raw::c_void, &mut info) };
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
/// `stop_streams`) and terminates PortAudio (every instance); the next use
/// initializes it again.
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
    let mut st = state();
    terminate_locked(&mut st);
    collect_retired(&mut st);
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

/// Makes the current instance one that enumerated the devices just now,
/// without stopping, closing or otherwise touching any open stream (module
/// docs: the instance in use is re-initialized when it has no open stream,
/// retired otherwise).
pub fn refresh() -> Result<()> {
    let mut st = state();
    collect_retired(&mut st);
    match st.current {
        Some(instance) if st.initialized && instance.has_streams() => {
            st.retired.push(instance);
            st.current = None;
            st.initialized = false;
        }
        _ => terminate_locked(&mut st),
    }
    initialize_locked(&mut st).map(|_| ())
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
            collect_retired(&mut st);
        }
    }
}

/// True when PortAudio is currently initialized.
pub fn is_initialized() -> bool {
    state().initialized
}

/// Engine streams that still exist (not yet dropped), for leak tests. Also
/// terminates retired instances whose streams are all closed.
pub fn live_stream_count() -> usize {
    let mut st = state();
    collect_retired(&mut st);
    st.streams.retain(|w| w.strong_count() > 0);
    st.streams.len()
}

/// How many instances exist, by kind: `(retired with streams, spare,
/// copies loaded so far)`, for leak tests and diagnostics.
pub fn instance_counts() -> (usize, usize, u32) {
    let mut st = state();
    collect_retired(&mut st);
    (st.retired.len(), st.spare.len(), st.copies)
}

/// Instances of PortAudio abandoned so far because they could not be
/// terminated (see the module docs).
pub fn abandoned_instances() -> u32 {
    ABANDONED.load(Ordering::Relaxed)
}

/// Whether the JACK server the current instance's client connected to is
/// known by its socket; `forget` forgets it (tests of the probe fallback).
pub fn jack_server_known(forget: bool) -> bool {
    let st = state();
    st.current
        .filter(|_| st.initialized)
        .is_some_and(|i| i.jack_server_known(forget))
}
