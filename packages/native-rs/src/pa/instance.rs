//! One loaded copy of the PortAudio library and what is known about it.
//!
//! PortAudio's state is global per loaded library, so every copy the
//! process loads (`pa::library`) is an independent *instance*: its own
//! device list, its own JACK client, its own streams. What used to be
//! process-wide facts ("the JACK client is dead", "a stream can no longer be
//! closed", "the JACK server it connected to", "it proved alive at") are
//! facts about one instance; streams keep a `&'static Instance` so that a
//! refresh (a newer instance for new streams) never mixes them up.
//!
//! Instances are leaked on purpose (`Box::leak`): streams and PortAudio's
//! own threads may still point into them. A terminated instance is kept and
//! initialized again by a later refresh, so the number of copies stays
//! bounded by how many generations of streams are open at once.

use super::error::{check, Result};
use super::jack_graph;
use super::jack_server::{default_socket_path, ServerSocket};
use super::library::serialized;
use super::silence::silenced;
use portaudio_sys as sys;
use std::os::raw::{c_int, c_ulong, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One loaded copy of PortAudio (see the module docs).
pub struct Instance {
    /// The library's functions.
    pub pa: &'static sys::PortAudio,
    /// Numbers instances in the order they were loaded (0: the process-wide
    /// library), for diagnostics.
    pub id: u32,
    /// Its JACK server went away: its JACK client is dead (`pa::library`).
    jack_dead: AtomicBool,
    /// It holds a stream PortAudio can no longer stop or close (a lost
    /// stream), so `Pa_Terminate` would hang.
    unterminable: AtomicBool,
    /// The JACK server socket its client connected to, when it could be
    /// told (`jack_server`): while that socket listens, the client is alive.
    jack_server: Mutex<Option<ServerSocket>>,
    /// When its JACK client last proved alive (`jack_graph`).
    alive_at: Mutex<Option<Instant>>,
    /// Streams open on it, and opens under way ([`Instance::lease`]): while
    /// any, it must not be terminated.
    streams: AtomicUsize,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain data: a panic while holding the lock leaves it consistent.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Instance {
    /// A new instance over `pa`, leaked for the rest of the process.
    pub fn leak(pa: &'static sys::PortAudio, id: u32) -> &'static Instance {
        Box::leak(Box::new(Instance {
            pa,
            id,
            jack_dead: AtomicBool::new(false),
            unterminable: AtomicBool::new(false),
            jack_server: Mutex::new(None),
            alive_at: Mutex::new(None),
            streams: AtomicUsize::new(0),
        }))
    }

    /// Counts a stream about to be opened on this instance; taken while the
    /// instance is handed out (under `pa::library`'s lock), so that no
    /// refresh terminates it between that and `Pa_OpenStream`.
    pub fn lease(&'static self) -> StreamLease {
        self.streams.fetch_add(1, Ordering::AcqRel);
        StreamLease { instance: self }
    }

    /// True while a stream is open on it (or being opened).
    pub fn has_streams(&self) -> bool {
        self.streams.load(Ordering::Acquire) > 0
    }

    /// `Pa_Initialize`, remembering which JACK server its client connected to.
    pub fn initialize(&self) -> Result<()> {
        let path = default_socket_path();
        let find = || path.as_deref().and_then(ServerSocket::find);
        let before = find();
        let pa = self.pa;
        // SAFETY: Pa_Initialize has no preconditions; it is serialized.
        let code = serialized(|| silenced(|| unsafe { (pa.Pa_Initialize)() }));
        check(code, "Error initializing PortAudio")?;
        // The same server before and after: the one PortAudio connected to
        // (if any; without a JACK client there is nothing to prove anyway).
        let after = find();
        *locked(&self.jack_server) = if before == after { after } else { None };
        *locked(&self.alive_at) = None;
        Ok(())
    }

    /// Terminates the (initialized) instance, or returns false without
    /// touching it when `Pa_Terminate` would abort the process or hang: the
    /// instance must then be abandoned (`pa::library`). Its streams must be
    /// closed (or given up) already.
    pub fn terminate(&self) -> bool {
        let terminable = !self.unterminable.load(Ordering::Acquire)
            && !self.jack_dead.load(Ordering::Acquire)
            && (self.alive_recently() || self.jack_client_alive());
        *locked(&self.jack_server) = None;
        *locked(&self.alive_at) = None;
        if !terminable {
            return false;
        }
        let pa = self.pa;
        serialized(|| {
            // Terminating closes the JACK client, ports and all (`jack_graph`).
            jack_graph::wait_settled();
            // SAFETY: the instance is initialized (the caller's
            // precondition); its streams were closed; no JACK client of it is
            // dead (checked).
            unsafe { (pa.Pa_Terminate)() }
        });
        self.jack_dead.store(false, Ordering::Release);
        true
    }

    /// Whether the server its JACK client connected to is known by its
    /// socket; `forget` forgets it afterwards (tests of the probe fallback).
    pub fn jack_server_known(&self, forget: bool) -> bool {
        let mut server = locked(&self.jack_server);
        let known = server.is_some();
        if forget {
            *server = None;
        }
        known
    }

    /// Records that its JACK client answered at `at` (see `jack_graph`).
    pub fn alive(&self, at: Instant) {
        let mut alive_at = locked(&self.alive_at);
        if alive_at.is_none_or(|t| t < at) {
            *alive_at = Some(at);
        }
    }

    /// True when its JACK client proved alive within `window`.
    pub fn alive_within(&self, window: Duration) -> bool {
        jack_graph::fresh(*locked(&self.alive_at), window)
    }

    /// True when its JACK client proved alive within the settle time of the
    /// latest graph change (for `Pa_Terminate`, which has no stream to take
    /// a latency from).
    fn alive_recently(&self) -> bool {
        self.alive_within(jack_graph::latest_settle())
    }

    /// A stream's watchdog found that PortAudio ended the stream without its
    /// finished callback (see `Signals::host_lost`): this instance can no
    /// longer be terminated, and if the stream was a JACK stream, its JACK
    /// client is dead. Lock-free: called from a stream's pump thread.
    pub fn stream_lost(&self, uses_jack: bool) {
        self.unterminable.store(true, Ordering::Release);
        if uses_jack {
            self.jack_dead.store(true, Ordering::Release);
        }
    }

    /// True once its JACK client is known to be dead.
    pub fn jack_dead(&self) -> bool {
        self.jack_dead.load(Ordering::Acquire)
    }

    /// False when this (initialized) instance has a JACK host API whose
    /// client is dead: opening a one-channel stream on it then fails at once
    /// (registering a port needs the server), without any of the asserts or
    /// waits of `pa::library`'s docs. When the client is alive the stream is
    /// closed again as soon as JACK has announced its port (`jack_graph`: a
    /// few JACK periods). Any failure to open counts as dead: taking a live
    /// client for dead only leaks, the other way round aborts the process.
    /// Remembers a dead client.
    ///
    /// When the server the client connected to is known by its socket
    /// (`jack_server`), that decides without a probe: a socket that no longer
    /// listens (the server was killed or stopped) or was replaced (it was
    /// restarted) means the client is dead. Probing a dead client is not
    /// harmless once the process has another, live JACK client (a newer
    /// instance's, after a refresh): libjack's process-wide state then
    /// belongs to the new connection, and the dead client's port
    /// registration crashed the process (seen: SIGSEGV).
    pub fn jack_client_alive(&self) -> bool {
        if self.jack_dead() {
            return false;
        }
        let serving = locked(&self.jack_server)
            .as_ref()
            .map(ServerSocket::serving);
        let alive = match serving {
            Some(serving) => serving,
            // Not known by its socket: only a probe can tell.
            None => probe(self.pa, |at| self.alive(at)),
        };
        if !alive {
            self.jack_dead.store(true, Ordering::Release);
            self.unterminable.store(true, Ordering::Release);
        }
        alive
    }
}

/// One stream's claim on an instance: dropped when the stream is closed,
/// its opening failed, or it is given up without closing (a lost JACK
/// stream, whose instance can no longer be terminated anyway).
pub struct StreamLease {
    instance: &'static Instance,
}

impl StreamLease {
    /// The instance claimed.
    pub fn instance(&self) -> &'static Instance {
        self.instance
    }

    /// The stream is given up without closing (`PaStreamHandle::leak`): it
    /// no longer keeps the instance retired. Its instance is unterminable
    /// (that is why the stream was given up), so it is abandoned, never
    /// terminated, once its other streams are closed.
    pub fn give_up(self) {
        drop(self);
    }
}

impl Drop for StreamLease {
    fn drop(&mut self) {
        self.instance.streams.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Never called: the probe stream of [`probe`] is never started.
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

/// Opens and closes a one-channel stream on `pa`'s JACK host API (see
/// [`Instance::jack_client_alive`]); true when there is none to probe.
fn probe(pa: &'static sys::PortAudio, alive: impl FnOnce(Instant)) -> bool {
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
    serialized(|| {
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
            let closed = jack_graph::unregister(settle, || {
                // SAFETY: the stream just opened, never started; the server
                // answered a moment ago, so closing it does not trip over a
                // dead client.
                unsafe { (pa.Pa_CloseStream)(stream) == sys::paNoError }
            });
            if closed {
                alive(Instant::now());
            }
            true
        })
    })
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
