//! The `extern "C"` functions PortAudio calls. They turn raw pointers into
//! slices and run [`RtContext::process`] under `catch_unwind`, so a Rust panic
//! never unwinds into C: it aborts the stream and is reported instead.

use super::render::{Block, Flow, RtContext};
use super::resample::Converter;
use portaudio_sys as sys;
use std::os::raw::{c_int, c_ulong, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::atomic::Ordering;

/// Byte sizes of one frame, fixed at open time (needed to build slices).
pub struct FrameBytes {
    pub input: usize,
    pub output: usize,
}

/// What `userData` points to.
pub struct CallbackData {
    /// The device's frames (float32 when a converter is present).
    pub frame_bytes: FrameBytes,
    pub ctx: RtContext,
    /// Present when the device runs at another rate than the program.
    pub converter: Option<Converter>,
}

impl CallbackData {
    /// One callback: through the converter when there is one.
    pub fn process(&mut self, block: Block<'_>) -> Flow {
        match self.converter.as_mut() {
            Some(c) => c.process(&mut self.ctx, block),
            None => self.ctx.process(block),
        }
    }

    /// [`RtContext::reset_for_start`], and the converter's state with it.
    /// Same precondition: PortAudio is not running the callback.
    pub fn reset_for_start(&mut self) {
        self.ctx.reset_for_start();
        if let Some(c) = self.converter.as_mut() {
            c.reset();
        }
    }

    /// [`RtContext::discard_output`], converter included; same precondition.
    pub fn discard_output(&mut self) {
        self.ctx.discard_output();
        if let Some(c) = self.converter.as_mut() {
            c.discard_output();
        }
    }
}

/// Owns the [`CallbackData`] handed to PortAudio as `userData`.
///
/// The audio thread turns that pointer into `&mut CallbackData` on every
/// callback, so the owner must not keep it in a `Box`: moving a `Box` (into
/// the `Stream`, into an `Arc`…) asserts unique access under Rust's aliasing
/// rules and would invalidate the pointer PortAudio holds. This keeps only
/// the raw pointer from `Box::into_raw`, so the pointer stays valid until
/// drop.
pub struct UserData(NonNull<CallbackData>);

// SAFETY: `CallbackData` is `Send`; the audio thread and the owner never use
// it at the same time (see `UserData::get_mut`).
unsafe impl Send for UserData {}

impl UserData {
    pub fn new(data: CallbackData) -> Self {
        UserData(NonNull::from(Box::leak(Box::new(data))))
    }

    /// The `userData` pointer for `Pa_OpenStream`.
    pub fn as_ptr(&self) -> *mut c_void {
        self.0.as_ptr().cast()
    }

    /// # Safety
    /// PortAudio must not be running the callback of the stream using this
    /// data (stream stopped, never started, or closed).
    pub unsafe fn get_mut(&mut self) -> &mut CallbackData {
        // SAFETY: the pointer comes from `Box::leak` and stays valid until
        // drop; the caller guarantees the audio thread is not using it.
        unsafe { self.0.as_mut() }
    }
}

impl Drop for UserData {
    fn drop(&mut self) {
        // SAFETY: the pointer comes from `Box::leak` in `new` and is freed
        // only here; the owner drops this after `Pa_CloseStream` returned,
        // so PortAudio no longer uses it.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

/// # Safety
/// Called by PortAudio only, with `user_data` pointing to the
/// [`CallbackData`] given to `Pa_OpenStream`, which outlives the stream, and
/// with `input`/`output` holding `frames` interleaved frames of the sizes
/// recorded in it (or null for a missing direction).
pub unsafe extern "C" fn audio_callback(
    input: *const c_void,
    output: *mut c_void,
    frames: c_ulong,
    time_info: *const sys::PaStreamCallbackTimeInfo,
    status: sys::PaStreamCallbackFlags,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: see the function's contract; PortAudio never runs two callbacks
    // of one stream at once, so this is the only reference.
    let data = unsafe { &mut *(user_data as *mut CallbackData) };
    let signals = std::sync::Arc::as_ptr(&data.ctx.signals);
    let result = catch_unwind(AssertUnwindSafe(|| {
        let frames = frames as usize;
        let input = if input.is_null() || data.frame_bytes.input == 0 {
            None
        } else {
            // SAFETY: PortAudio provides `frames` frames of input here.
            Some(unsafe {
                std::slice::from_raw_parts(input as *const u8, frames * data.frame_bytes.input)
            })
        };
        let output = if output.is_null() || data.frame_bytes.output == 0 {
            None
        } else {
            // SAFETY: PortAudio provides room for `frames` frames of output.
            Some(unsafe {
                std::slice::from_raw_parts_mut(output as *mut u8, frames * data.frame_bytes.output)
            })
        };
        let time = if time_info.is_null() {
            sys::PaStreamCallbackTimeInfo::default()
        } else {
            // SAFETY: non-null pointer valid for the duration of the call.
            unsafe { *time_info }
        };
        data.process(Block {
            input,
            output,
            frames,
            input_adc_time: time.inputBufferAdcTime,
            current_time: time.currentTime,
            output_dac_time: time.outputBufferDacTime,
            status: status as u32,
            deadline: None,
        })
    }));
    match result {
        Ok(flow) => flow as c_int,
        Err(_) => {
            // SAFETY: the Signals live in an Arc held by `data`, still alive.
            let signals = unsafe { &*signals };
            signals.panicked.store(true, Ordering::Release);
            signals.bump_and_wake();
            Flow::Abort as c_int
        }
    }
}

/// # Safety
/// Called by PortAudio only, with the same `user_data` as [`audio_callback`].
pub unsafe extern "C" fn finished_callback(user_data: *mut c_void) {
    // SAFETY: see the contract; only shared access to atomics happens here,
    // and the audio callback is no longer running for this stream.
    let data = unsafe { &*(user_data as *const CallbackData) };
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let s = &data.ctx.signals;
        s.running.store(false, Ordering::Release);
        s.finished_at
            .store(super::signals::now_ns(), Ordering::Release);
        s.finished.store(true, Ordering::Release);
        s.finish_count.fetch_add(1, Ordering::AcqRel);
        s.bump_and_wake();
    }));
}
