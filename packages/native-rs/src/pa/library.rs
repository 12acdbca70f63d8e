//! PortAudio's process-wide lifetime: loaded and initialized on first use,
//! terminated when the last JavaScript environment (main thread or worker)
//! goes away, and re-initialized on request to see new devices.
//!
//! PortAudio is global per process while the addon is loaded once per
//! `worker_threads` environment, so the state lives in one `Mutex` here; it is
//! never touched from the audio thread.

use super::error::{check, Error, Result};
use super::silence::silenced;
use portaudio_sys as sys;
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
}

static STATE: Mutex<State> = Mutex::new(State {
    initialized: false,
    environments: 0,
    streams: Vec::new(),
});

fn state() -> MutexGuard<'static, State> {
    // A panic while holding the lock leaves consistent data (plain fields):
    // recover instead of poisoning every later call.
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The loaded library without initializing it (enough for version queries).
pub fn loaded() -> Result<&'static sys::PortAudio> {
    sys::library().map_err(|e| Error::Unavailable(e.to_string()))
}

fn initialize_locked(st: &mut State) -> Result<&'static sys::PortAudio> {
    let pa = loaded()?;
    if !st.initialized {
        // SAFETY: Pa_Initialize has no preconditions; it is serialized by STATE.
        let code = silenced(|| unsafe { (pa.Pa_Initialize)() });
        check(code, "Error initializing PortAudio")?;
        st.initialized = true;
    }
    Ok(pa)
}

/// The library, initialized. Every query and stream goes through this.
pub fn initialized() -> Result<&'static sys::PortAudio> {
    initialize_locked(&mut state())
}

fn terminate_locked(st: &mut State) {
    if let Ok(pa) = loaded() {
        if st.initialized {
            // SAFETY: PortAudio is initialized (tracked by `initialized`);
            // streams were closed by the caller.
            unsafe { (pa.Pa_Terminate)() };
            st.initialized = false;
        }
    }
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
    let mut st = state();
    st.environments = st.environments.saturating_sub(1);
    if st.environments == 0 {
        for s in live_streams(&mut st) {
            s.close_now();
        }
        terminate_locked(&mut st);
    }
}

/// True when PortAudio is currently initialized.
pub fn is_initialized() -> bool {
    state().initialized
}
