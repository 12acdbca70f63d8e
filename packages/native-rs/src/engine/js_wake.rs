//! A wake of the JavaScript thread's event loop that any thread may use, the
//! audio thread included: the engine's side of the event-loop wake that
//! `napi::event_loop` creates (a libuv async handle).
//!
//! Why: a main-thread callback used to hear of a block through the pump, one
//! thread hop more (audio thread → futex → pump → thread-safe function →
//! event loop). `uv_async_send` is lock-free and allocation-free (an atomic
//! compare-and-swap and a write to an eventfd or pipe), so the audio thread
//! may call it itself.
//!
//! The slot holds the handle while JavaScript owns it. [`JsWake::detach`]
//! (JavaScript's thread, before it closes the handle) takes it away and then
//! waits until no thread is inside [`JsWake::post`]; a poster that arrives
//! later sees no handle. The audio thread never waits: the only wait is the
//! detacher's, for the length of one `uv_async_send`.

use std::ffi::c_void;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering};

/// `uv_async_send`'s signature.
pub type SendFn = unsafe extern "C" fn(handle: *mut c_void) -> c_int;

/// An event-loop wake handed to the engine: the handle and the function
/// that wakes it.
#[derive(Clone, Copy, Debug)]
pub struct WakeHandle {
    pub handle: *mut c_void,
    pub send: SendFn,
}

// SAFETY: `uv_async_send` may be called from any thread (libuv documents it
// as the one thread-safe handle call); the handle's memory stays valid until
// `JsWake::detach` returned, which the owner calls before closing it.
unsafe impl Send for WakeHandle {}

/// The engine's end of the wake (one per stream, inside `Signals`).
#[derive(Default)]
pub struct JsWake {
    handle: AtomicPtr<c_void>,
    send: AtomicUsize,
    /// Threads inside [`JsWake::post`] (between taking the handle and
    /// returning from `send`).
    posting: AtomicU32,
    /// Event bits posted and not yet taken by the event loop.
    events: AtomicU32,
    /// The audio thread posts "blocks ready" itself (a main-thread callback
    /// stream), instead of the pump doing it.
    blocks: AtomicBool,
}

impl JsWake {
    /// Installs the handle. `blocks`: the audio thread announces blocks.
    pub fn attach(&self, wake: WakeHandle, blocks: bool) {
        self.send.store(wake.send as usize, Ordering::SeqCst);
        self.blocks.store(blocks, Ordering::SeqCst);
        self.handle.store(wake.handle, Ordering::SeqCst);
    }

    /// Whether the audio thread announces blocks through this wake.
    #[inline]
    pub fn delivers_blocks(&self) -> bool {
        self.blocks.load(Ordering::Relaxed) && !self.handle.load(Ordering::Relaxed).is_null()
    }

    /// Whether a handle is installed.
    pub fn is_attached(&self) -> bool {
        !self.handle.load(Ordering::SeqCst).is_null()
    }

    /// Records `bits` and wakes the event loop. Lock-free and
    /// allocation-free: callable from the audio thread. Returns false when
    /// no handle is installed (the bits stay recorded).
    #[inline]
    pub fn post(&self, bits: u32) -> bool {
        self.events.fetch_or(bits, Ordering::AcqRel);
        // SeqCst pairs with `detach`: either this load sees the handle gone,
        // or `detach` sees this poster counted and waits for it.
        self.posting.fetch_add(1, Ordering::SeqCst);
        let handle = self.handle.load(Ordering::SeqCst);
        let attached = !handle.is_null();
        if attached {
            let send = self.send.load(Ordering::SeqCst);
            // SAFETY: `send` was stored from a `SendFn` by `attach` before
            // the handle (SeqCst), so a non-null handle implies a valid
            // function; the handle stays open while this thread is counted
            // in `posting` (see `detach`).
            unsafe {
                let send: SendFn = std::mem::transmute::<usize, SendFn>(send);
                send(handle);
            }
        }
        self.posting.fetch_sub(1, Ordering::SeqCst);
        attached
    }

    /// Takes the posted event bits (the event loop's side).
    pub fn take_events(&self) -> u32 {
        self.events.swap(0, Ordering::AcqRel)
    }

    /// Removes the handle and returns it (null if none was installed or
    /// another caller detached first), after every thread that may still be
    /// using it has returned from `send`. The handle may be closed then.
    pub fn detach(&self) -> *mut c_void {
        let handle = self.handle.swap(std::ptr::null_mut(), Ordering::SeqCst);
        let mut spins = 0u32;
        while self.posting.load(Ordering::SeqCst) != 0 {
            spins += 1;
            if spins < 100 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        handle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;
    use std::time::Duration;

    static SENDS: AtomicU64 = AtomicU64::new(0);
    static SLOW_IN: AtomicBool = AtomicBool::new(false);
    static SLOW_OUT: AtomicBool = AtomicBool::new(false);

    unsafe extern "C" fn counting_send(handle: *mut c_void) -> c_int {
        assert!(!handle.is_null());
        SENDS.fetch_add(1, Ordering::SeqCst);
        0
    }

    unsafe extern "C" fn slow_send(_: *mut c_void) -> c_int {
        SLOW_IN.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(150));
        SLOW_OUT.store(true, Ordering::SeqCst);
        0
    }

    fn fake_handle() -> *mut c_void {
        Box::into_raw(Box::new(0u64)).cast()
    }

    #[test]
    fn posts_reach_the_handle_only_while_attached_and_bits_accumulate() {
        let wake = JsWake::default();
        assert!(!wake.post(1), "no handle yet");
        let handle = fake_handle();
        wake.attach(
            WakeHandle {
                handle,
                send: counting_send,
            },
            true,
        );
        assert!(wake.delivers_blocks());
        let before = SENDS.load(Ordering::SeqCst);
        assert!(wake.post(2));
        assert_eq!(SENDS.load(Ordering::SeqCst), before + 1);
        assert_eq!(wake.take_events(), 3, "bits posted before attach are kept");
        assert_eq!(wake.take_events(), 0);
        assert_eq!(wake.detach(), handle);
        assert!(wake.detach().is_null(), "a second detach gets nothing");
        assert!(!wake.post(1));
        assert!(!wake.delivers_blocks());
        // SAFETY: made by `fake_handle` above and no longer installed.
        drop(unsafe { Box::from_raw(handle.cast::<u64>()) });
    }

    #[test]
    fn detach_waits_for_a_send_in_progress() {
        let wake = Arc::new(JsWake::default());
        let handle = fake_handle();
        wake.attach(
            WakeHandle {
                handle,
                send: slow_send,
            },
            false,
        );
        let poster = {
            let wake = wake.clone();
            std::thread::spawn(move || wake.post(1))
        };
        while !SLOW_IN.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        assert_eq!(wake.detach(), handle);
        assert!(
            SLOW_OUT.load(Ordering::SeqCst),
            "detach returned while send was still running"
        );
        assert!(poster.join().unwrap());
        // SAFETY: made by `fake_handle` above; detached and no poster left.
        drop(unsafe { Box::from_raw(handle.cast::<u64>()) });
    }
}
