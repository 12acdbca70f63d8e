//! RAII handle of an open `PaStream`.

use super::error::{check, Error, Result};
use super::instance::{Instance, StreamLease};
use super::jack_graph;
use super::library::{is_jack_device, lease_current, serialized};
use super::params::Prepared;
use portaudio_sys as sys;
use std::os::raw::{c_ulong, c_void};
use std::ptr;
use std::time::Duration;

/// Latencies and rate PortAudio actually chose (`Pa_GetStreamInfo`).
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamInfo {
    pub input_latency: f64,
    pub output_latency: f64,
    pub sample_rate: f64,
}

/// An open PortAudio stream; closed on drop.
///
/// PortAudio does not make calls on one stream thread-safe, so the owner must
/// serialize them (the engine keeps this behind a `Mutex`).
pub struct PaStreamHandle {
    ptr: *mut sys::PaStream,
    pa: &'static sys::PortAudio,
    /// The PortAudio instance it was opened on (`pa::instance`), claimed
    /// until the stream is closed.
    /// None once given up (`leak`).
    lease: Option<StreamLease>,
    instance: &'static Instance,
    /// A device of the stream belongs to the JACK host API.
    uses_jack: bool,
    /// How long JACK takes to announce a change of this stream's ports
    /// (`jack_graph`); zero for other host APIs.
    settle: Duration,
}

// SAFETY: a PaStream may be used from any thread as long as calls are not
// concurrent; the owner serializes them.
unsafe impl Send for PaStreamHandle {}

pub struct OpenRequest<'a> {
    pub input: Option<&'a Prepared>,
    pub output: Option<&'a Prepared>,
    pub sample_rate: f64,
    pub frames_per_buffer: u32,
    pub flags: u32,
    pub callback: sys::PaStreamCallback,
    pub finished: sys::PaStreamFinishedCallback,
    /// Handed to both callbacks; must stay valid until the stream is closed.
    pub user_data: *mut c_void,
    /// Names the stream kind in error messages ("OutputStream").
    pub kind: &'a str,
}

impl PaStreamHandle {
    pub fn open(req: OpenRequest<'_>) -> Result<Self> {
        // Claimed before opening: a refresh meanwhile retires the instance
        // instead of terminating it under the new stream.
        let lease = lease_current()?;
        let instance = lease.instance();
        let pa = instance.pa;
        let mut ptr: *mut sys::PaStream = ptr::null_mut();
        let ip = req.input.map_or(ptr::null(), |p| &p.raw as *const _);
        let op = req.output.map_or(ptr::null(), |p| &p.raw as *const _);
        let context = format!("Error opening {}", req.kind);
        let began = std::time::Instant::now();
        // SAFETY: parameter structs outlive the call; the callback is a valid
        // `extern "C"` function and the caller keeps `user_data` alive until
        // the stream is closed (documented on `user_data`).
        let code = serialized(|| unsafe {
            (pa.Pa_OpenStream)(
                &mut ptr,
                ip,
                op,
                req.sample_rate,
                req.frames_per_buffer as c_ulong,
                req.flags as c_ulong,
                Some(req.callback),
                req.user_data,
            )
        });
        let uses_jack = [req.input, req.output]
            .into_iter()
            .flatten()
            .any(|p| is_jack_device(pa, p.raw.device));
        if uses_jack {
            // Ports were registered (on success; a failure may have
            // registered some and unregistered them again).
            jack_graph::opened(jack_graph::settle_time(0.0));
        }
        check(code, &context).map_err(|e| match e {
            Error::PortAudio { text, code, host } if uses_jack && instance.jack_dead() => {
                Error::PortAudio {
                    text: format!(
                        "{text} (the JACK server this process was using went away; once it runs \
                     again, call refreshDevices() or reinitialize() to connect to it)"
                    ),
                    code,
                    host,
                }
            }
            other => other,
        })?;
        let mut handle = PaStreamHandle {
            ptr,
            pa,
            lease: Some(lease),
            instance,
            uses_jack,
            settle: Duration::ZERO,
        };
        if uses_jack {
            let info = handle.info();
            handle.settle = jack_graph::settle_time(info.input_latency.max(info.output_latency));
            jack_graph::changed(handle.settle);
            // PortAudio's JACK host API returns from Pa_OpenStream once its
            // process thread has taken the stream in.
            instance.alive(began);
        }
        // SAFETY: `ptr` is the stream just opened; the same user data is used.
        let code =
            serialized(|| unsafe { (pa.Pa_SetStreamFinishedCallback)(ptr, Some(req.finished)) });
        check(code, &context)?;
        Ok(handle)
    }

    pub fn start(&self) -> Result<()> {
        self.transition(self.pa.Pa_StartStream, "Error starting stream")
    }

    pub fn stop(&self) -> Result<()> {
        self.transition(self.pa.Pa_StopStream, "Error stopping stream")
    }

    pub fn abort(&self) -> Result<()> {
        self.transition(self.pa.Pa_AbortStream, "Error aborting stream")
    }

    /// Starts, stops or aborts the stream (`call`), which connects or
    /// disconnects JACK ports.
    fn transition(
        &self,
        call: unsafe extern "C" fn(*mut sys::PaStream) -> sys::PaError,
        what: &str,
    ) -> Result<()> {
        let code = serialized(|| {
            // SAFETY: `ptr` is an open stream (closed only in Drop), and
            // `call` is one of PortAudio's functions taking a stream.
            let code = unsafe { call(self.ptr) };
            if self.uses_jack {
                jack_graph::changed(self.settle);
            }
            code
        });
        check(code, what).map(|_| ())
    }

    pub fn is_active(&self) -> Result<bool> {
        // SAFETY: as above.
        check(
            unsafe { (self.pa.Pa_IsStreamActive)(self.ptr) },
            "Error checking stream",
        )
        .map(|v| v == 1)
    }

    pub fn is_stopped(&self) -> Result<bool> {
        // SAFETY: as above.
        check(
            unsafe { (self.pa.Pa_IsStreamStopped)(self.ptr) },
            "Error checking stream",
        )
        .map(|v| v == 1)
    }

    pub fn info(&self) -> StreamInfo {
        // SAFETY: as above; the returned pointer is valid until close.
        let info = unsafe { (self.pa.Pa_GetStreamInfo)(self.ptr) };
        if info.is_null() {
            return StreamInfo::default();
        }
        // SAFETY: non-null pointer to PortAudio's struct, copied now.
        let i = unsafe { &*info };
        StreamInfo {
            input_latency: i.inputLatency,
            output_latency: i.outputLatency,
            sample_rate: i.sampleRate,
        }
    }

    pub fn time(&self) -> f64 {
        // SAFETY: as above.
        unsafe { (self.pa.Pa_GetStreamTime)(self.ptr) }
    }

    /// How long JACK takes to announce a change of this stream's ports
    /// (see `jack_graph`); zero for other host APIs.
    pub fn settle_time(&self) -> Duration {
        self.settle
    }

    /// True when a device of the stream belongs to the JACK host API.
    pub fn uses_jack(&self) -> bool {
        self.uses_jack
    }

    /// The PortAudio instance the stream was opened on.
    pub fn instance(&self) -> &'static Instance {
        self.instance
    }

    /// Gives the stream up without `Pa_CloseStream`: for a stream PortAudio
    /// can no longer close (its JACK server went away, see
    /// `pa::library`), closing would abort the process or block for 10
    /// minutes. PortAudio keeps its (dead) stream; the instance it belongs to
    /// is never terminated (it is abandoned once its other streams close). The caller must also keep the callback's user
    /// data alive forever.
    pub fn leak(mut self) {
        // The stream no longer keeps its instance retired.
        if let Some(lease) = self.lease.take() {
            lease.give_up();
        }
        std::mem::forget(self);
    }

    pub fn cpu_load(&self) -> f64 {
        // SAFETY: as above.
        unsafe { (self.pa.Pa_GetStreamCpuLoad)(self.ptr) }
    }
}

impl Drop for PaStreamHandle {
    fn drop(&mut self) {
        let close = || {
            // SAFETY: `ptr` is open and closed exactly once, here.
            // Pa_CloseStream aborts a running stream first, and returns only
            // after the audio callback has stopped running, so user data may
            // be freed afterwards. When PortAudio was terminated
            // (reinitialize) the owner closes its streams before, so the
            // pointer is still valid here.
            unsafe { (self.pa.Pa_CloseStream)(self.ptr) == sys::paNoError }
        };
        serialized(|| {
            if self.uses_jack {
                // Closing unregisters the stream's JACK ports.
                if jack_graph::unregister(self.settle, close) {
                    self.instance.alive(std::time::Instant::now());
                }
            } else {
                close();
            }
        });
    }
}
