//! A stream's direct wake of its JavaScript thread: a libuv async handle on
//! the environment's event loop, which the audio thread wakes itself
//! (`engine::js_wake`), so a main-thread callback hears of a block without
//! the pump's thread hop and thread-safe-function queue.
//!
//! libuv's functions are looked up at run time in the host process (Node and
//! Electron export them); where they are missing the stream falls back to
//! the pump and a thread-safe function, which behave the same, one hop
//! slower.
//!
//! Lifetime: the handle belongs to the JavaScript thread. It is closed
//! (after `JsWake::detach`, so no thread is still waking it) when the stream
//! is closed, when its JavaScript object is collected, or when the
//! environment shuts down (an async cleanup hook: Node keeps running the
//! loop until the handle's close callback has removed the hook, so a worker
//! that is terminated still closes its loop cleanly).

use crate::engine::js_wake::{SendFn, WakeHandle};
use crate::engine::pump::{EVENT_BLOCKS, EVENT_FINISHED};
use crate::engine::signals::Signals;
use napi::sys;
use std::ffi::{c_void, CStr};
use std::os::raw::c_int;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

type AsyncCb = unsafe extern "C" fn(handle: *mut c_void);
type CloseCb = unsafe extern "C" fn(handle: *mut c_void);

type HandleSizeFn = unsafe extern "C" fn(kind: c_int) -> usize;
type AsyncInitFn = unsafe extern "C" fn(lp: *mut c_void, handle: *mut c_void, cb: AsyncCb) -> c_int;
type CloseFn = unsafe extern "C" fn(handle: *mut c_void, cb: CloseCb);
type UnrefFn = unsafe extern "C" fn(handle: *mut c_void);

/// The libuv functions this module calls.
struct Uv {
    handle_size: HandleSizeFn,
    async_init: AsyncInitFn,
    async_send: SendFn,
    close: CloseFn,
    unref: UnrefFn,
}

/// libuv's `UV_ASYNC` handle type.
const UV_ASYNC: c_int = 1;

/// Set `SOUNDDEVICE_EVENT_LOOP_WAKE=0` to use the pump for every stream
/// (for comparison and for testing the fallback).
const DISABLE_ENV: &str = "SOUNDDEVICE_EVENT_LOOP_WAKE";

fn uv() -> Option<&'static Uv> {
    static UV: OnceLock<Option<Uv>> = OnceLock::new();
    UV.get_or_init(|| {
        if std::env::var(DISABLE_ENV).is_ok_and(|v| v == "0") {
            return None;
        }
        // SAFETY: each symbol, when present, is libuv's function of that
        // name in the host process, whose C signature the field declares
        // (libuv's public API, stable across 1.x).
        unsafe {
            Some(Uv {
                handle_size: std::mem::transmute::<*mut c_void, HandleSizeFn>(symbol(
                    c"uv_handle_size",
                )?),
                async_init: std::mem::transmute::<*mut c_void, AsyncInitFn>(symbol(
                    c"uv_async_init",
                )?),
                async_send: std::mem::transmute::<*mut c_void, SendFn>(symbol(c"uv_async_send")?),
                close: std::mem::transmute::<*mut c_void, CloseFn>(symbol(c"uv_close")?),
                unref: std::mem::transmute::<*mut c_void, UnrefFn>(symbol(c"uv_unref")?),
            })
        }
    })
    .as_ref()
}

#[cfg(unix)]
fn symbol(name: &CStr) -> Option<*mut c_void> {
    // SAFETY: dlsym with RTLD_DEFAULT only reads the loaded objects' symbol
    // tables; `name` is NUL-terminated.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

#[cfg(windows)]
fn symbol(name: &CStr) -> Option<*mut c_void> {
    extern "system" {
        fn GetModuleHandleW(name: *const u16) -> *mut c_void;
        fn GetProcAddress(module: *mut c_void, name: *const std::os::raw::c_char) -> *mut c_void;
    }
    // SAFETY: the executable's module handle (node.exe or electron.exe,
    // which export libuv) needs no release; `name` is NUL-terminated.
    let p = unsafe { GetProcAddress(GetModuleHandleW(ptr::null()), name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

#[cfg(not(any(unix, windows)))]
fn symbol(_: &CStr) -> Option<*mut c_void> {
    None
}

/// What the handle's callbacks need; freed by the close callback.
struct Waker {
    uv: &'static Uv,
    env: sys::napi_env,
    /// The stream's `notify(event)` function.
    notify: sys::napi_ref,
    context: sys::napi_async_context,
    cleanup: sys::napi_async_cleanup_hook_handle,
    signals: Arc<Signals>,
    /// The handle's memory (`uv_handle_size(UV_ASYNC)` bytes, 16-aligned).
    handle: *mut c_void,
    /// Set by whoever closes the handle first (shared with the owner, which
    /// may outlive the waker).
    closing: Arc<AtomicBool>,
}

/// The JavaScript thread's owner of a stream's event-loop wake.
pub struct LoopWake {
    waker: *mut Waker,
    closing: Arc<AtomicBool>,
}

impl LoopWake {
    /// Creates the handle on `env`'s loop for `notify`, or None when this
    /// host has no usable libuv (the caller then uses the pump).
    ///
    /// # Safety
    /// `env` and `notify` must be valid for the current call on the
    /// JavaScript thread; `notify` must be a function.
    pub unsafe fn create(
        env: sys::napi_env,
        notify: sys::napi_value,
        signals: Arc<Signals>,
    ) -> Option<(LoopWake, WakeHandle)> {
        let uv = uv()?;
        let mut lp: *mut sys::uv_loop_s = ptr::null_mut();
        // SAFETY: plain N-API and libuv calls on the thread that owns `env`
        // and its loop, with out-pointers to locals; every failure path
        // releases what was made before it.
        unsafe {
            if sys::napi_get_uv_event_loop(env, &mut lp) != sys::Status::napi_ok || lp.is_null() {
                return None;
            }
            let layout = handle_layout(uv)?;
            let handle = std::alloc::alloc_zeroed(layout).cast::<c_void>();
            if handle.is_null() {
                return None;
            }
            let mut notify_ref = ptr::null_mut();
            let mut name = ptr::null_mut();
            let mut context = ptr::null_mut();
            let label = c"sounddevice:stream";
            let ok = sys::napi_create_reference(env, notify, 1, &mut notify_ref)
                == sys::Status::napi_ok
                && sys::napi_create_string_utf8(
                    env,
                    label.as_ptr(),
                    label.count_bytes() as isize,
                    &mut name,
                ) == sys::Status::napi_ok
                && sys::napi_async_init(env, notify, name, &mut context) == sys::Status::napi_ok;
            if !ok || (uv.async_init)(lp.cast(), handle, on_wake) != 0 {
                if !context.is_null() {
                    sys::napi_async_destroy(env, context);
                }
                if !notify_ref.is_null() {
                    sys::napi_delete_reference(env, notify_ref);
                }
                std::alloc::dealloc(handle.cast(), layout);
                return None;
            }
            // From here the handle is on the loop: it can only be released
            // through `uv_close`.
            (uv.unref)(handle); // the TS layer decides what keeps the process alive
            let waker = Box::into_raw(Box::new(Waker {
                uv,
                env,
                notify: notify_ref,
                context,
                cleanup: ptr::null_mut(),
                signals,
                handle,
                closing: Arc::new(AtomicBool::new(false)),
            }));
            *handle.cast::<*mut c_void>() = waker.cast();
            if sys::napi_add_async_cleanup_hook(
                env,
                Some(on_environment_cleanup),
                waker.cast(),
                &mut (*waker).cleanup,
            ) != sys::Status::napi_ok
            {
                (*waker).cleanup = ptr::null_mut();
                (uv.close)(handle, on_closed);
                return None;
            }
            let wake = WakeHandle {
                handle,
                send: uv.async_send,
            };
            let closing = (*waker).closing.clone();
            Some((LoopWake { waker, closing }, wake))
        }
    }

    /// Stops the wake and closes the handle (JavaScript thread). Idempotent;
    /// a no-op after the environment's cleanup closed it.
    pub fn close(&self) {
        if !self.closing.swap(true, Ordering::AcqRel) {
            // SAFETY: not closing before this call, so the close callback
            // (which frees the waker) has not run.
            unsafe { close_handle(self.waker) };
        }
    }
}

impl Drop for LoopWake {
    fn drop(&mut self) {
        self.close();
    }
}

fn handle_layout(uv: &Uv) -> Option<std::alloc::Layout> {
    // SAFETY: uv_handle_size only reads a table.
    let size = unsafe { (uv.handle_size)(UV_ASYNC) };
    std::alloc::Layout::from_size_align(size.max(1), 16).ok()
}

/// Detaches the engine from the handle (it may never have been attached: a
/// stream that failed to open) and closes it; the waker stays valid until
/// the close callback, which runs on a later loop iteration.
///
/// # Safety
/// Once per handle (the caller won `closing`), on the loop's thread, with
/// the waker alive.
unsafe fn close_handle(waker: *mut Waker) {
    // SAFETY: the caller's contract.
    unsafe {
        let waker = &*waker;
        waker.signals.js.detach();
        (waker.uv.close)(waker.handle, on_closed);
    }
}

unsafe extern "C" fn on_environment_cleanup(
    _: sys::napi_async_cleanup_hook_handle,
    data: *mut c_void,
) {
    let waker = data.cast::<Waker>();
    // SAFETY: the hook is removed only by the close callback, which also
    // frees the waker, so the waker is alive while the hook can run; the
    // `closing` flag makes this the only close.
    unsafe {
        if !(*waker).closing.swap(true, Ordering::AcqRel) {
            close_handle(waker);
        }
    }
}

unsafe extern "C" fn on_closed(handle: *mut c_void) {
    // SAFETY: libuv calls this once, on the loop thread, after the handle
    // was closed; its data is the Box made in `create`, freed only here.
    unsafe {
        let waker = Box::from_raw(waker_of(handle));
        let env = waker.env;
        sys::napi_async_destroy(env, waker.context);
        sys::napi_delete_reference(env, waker.notify);
        if !waker.cleanup.is_null() {
            sys::napi_remove_async_cleanup_hook(waker.cleanup);
        }
        if let Some(layout) = handle_layout(waker.uv) {
            std::alloc::dealloc(waker.handle.cast(), layout);
        }
    }
}

/// The waker stored in the handle's `data` field, which is the first field
/// of every libuv handle (`UV_HANDLE_FIELDS`) and is left to the user.
///
/// # Safety
/// `handle` must be a handle made by [`LoopWake::create`].
unsafe fn waker_of(handle: *mut c_void) -> *mut Waker {
    // SAFETY: see above; the field is pointer-sized and aligned.
    unsafe { *handle.cast::<*mut Waker>() }
}

/// The handle's callback, on the loop thread: hands the posted events to
/// JavaScript, blocks before the end (so the last blocks' callbacks run
/// before `finished`).
unsafe extern "C" fn on_wake(handle: *mut c_void) {
    // SAFETY: the handle's data is the live waker (freed only after the
    // handle closed, and libuv runs no callback of a closing handle); this
    // is the loop thread, where N-API calls on `env` are allowed.
    unsafe {
        let waker = &*waker_of(handle);
        let events = waker.signals.js.take_events();
        if events == 0 {
            return;
        }
        let env = waker.env;
        let mut scope = ptr::null_mut();
        if sys::napi_open_handle_scope(env, &mut scope) != sys::Status::napi_ok {
            return;
        }
        let mut func = ptr::null_mut();
        if sys::napi_get_reference_value(env, waker.notify, &mut func) == sys::Status::napi_ok
            && !func.is_null()
        {
            // The receiver must be an object (napi_make_callback converts
            // it); `notify` is an arrow function and ignores it, so the
            // function itself serves: looking up the global object cost more
            // than the rest of this call in profiles.
            let recv = func;
            for event in [EVENT_BLOCKS, EVENT_FINISHED] {
                if events & event != 0 {
                    call(env, waker.context, recv, func, event);
                }
            }
        }
        sys::napi_close_handle_scope(env, scope);
    }
}

/// `notify(event)` inside a callback scope (microtasks and `nextTick`s run
/// after it, as after any I/O callback); an exception becomes an uncaught
/// exception, as from a thread-safe function.
unsafe fn call(
    env: sys::napi_env,
    context: sys::napi_async_context,
    recv: sys::napi_value,
    func: sys::napi_value,
    event: u32,
) {
    // SAFETY: called from `on_wake` with a handle scope open on the loop
    // thread; the values belong to that scope.
    unsafe {
        let mut arg = ptr::null_mut();
        if sys::napi_create_uint32(env, event, &mut arg) != sys::Status::napi_ok {
            return;
        }
        let mut result = ptr::null_mut();
        let status = sys::napi_make_callback(env, context, recv, func, 1, &arg, &mut result);
        if status == sys::Status::napi_pending_exception {
            let mut error = ptr::null_mut();
            if sys::napi_get_and_clear_last_exception(env, &mut error) == sys::Status::napi_ok {
                sys::napi_fatal_exception(env, error);
            }
        }
    }
}
