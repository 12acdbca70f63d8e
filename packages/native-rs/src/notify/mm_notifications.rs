//! Windows: device changes from the MMDevice API (the endpoints WASAPI,
//! DirectSound and MME list), through an `IMMNotificationClient` registered
//! with `IMMDeviceEnumerator::RegisterEndpointNotificationCallback`.
//!
//! The COM interfaces are declared here by hand (the two vtables and three
//! GUIDs this needs, from `mmdeviceapi.h`), which keeps the `windows` crates
//! out of the build.
//!
//! Threads: [`EndpointWatcher::start`] spawns one thread that joins COM's
//! multithreaded apartment, creates the enumerator, registers the callback
//! object and then only waits for [`EndpointWatcher::stop`], when it
//! unregisters and releases everything in the same apartment. Windows calls
//! the callback object on its own threads (an MTA object needs no message
//! loop); each method converts its arguments, hands one [`DeviceEvent`] to
//! the sink (which must not block) and returns `S_OK`. No method can unwind
//! into Windows: each runs under `catch_unwind`.
//!
//! Lifetime of the callback object: COM reference counting. The watcher
//! holds one reference, the enumerator another while registered; the last
//! `Release` frees it (and the sink). After `stop` a `live` flag keeps any
//! call still in flight from reaching the sink.

use super::{DeviceEvent, Sink};
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{fence, AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

type Hresult = i32;

const S_OK: Hresult = 0;
const E_NOINTERFACE: Hresult = 0x8000_4002_u32 as i32;
const E_POINTER: Hresult = 0x8000_4003_u32 as i32;
const COINIT_MULTITHREADED: u32 = 0x0;
/// `CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER`.
const CLSCTX_ALL: u32 = 0x17;

#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Guid {
    data1: u32,
    data2: u16,
    data3: u16,
    data4: [u8; 8],
}

/// {BCDE0395-E52F-467C-8E3D-C4579291692E}
const CLSID_MM_DEVICE_ENUMERATOR: Guid = Guid {
    data1: 0xBCDE_0395,
    data2: 0xE52F,
    data3: 0x467C,
    data4: [0x8E, 0x3D, 0xC4, 0x57, 0x92, 0x91, 0x69, 0x2E],
};
/// {A95664D2-9614-4F35-A746-DE8DB63617E6}
const IID_IMM_DEVICE_ENUMERATOR: Guid = Guid {
    data1: 0xA956_64D2,
    data2: 0x9614,
    data3: 0x4F35,
    data4: [0xA7, 0x46, 0xDE, 0x8D, 0xB6, 0x36, 0x17, 0xE6],
};
/// {7991EEC9-7E89-4D85-8390-6C703CEC60C0}
const IID_IMM_NOTIFICATION_CLIENT: Guid = Guid {
    data1: 0x7991_EEC9,
    data2: 0x7E89,
    data3: 0x4D85,
    data4: [0x83, 0x90, 0x6C, 0x70, 0x3C, 0xEC, 0x60, 0xC0],
};
/// {00000000-0000-0000-C000-000000000046}
const IID_IUNKNOWN: Guid = Guid {
    data1: 0,
    data2: 0,
    data3: 0,
    data4: [0xC0, 0, 0, 0, 0, 0, 0, 0x46],
};

/// `PROPERTYKEY` (passed by value to `OnPropertyValueChanged`).
#[repr(C)]
#[derive(Clone, Copy)]
struct PropertyKey {
    fmtid: Guid,
    pid: u32,
}

#[link(name = "ole32")]
extern "system" {
    fn CoInitializeEx(reserved: *mut c_void, coinit: u32) -> Hresult;
    fn CoUninitialize();
    fn CoCreateInstance(
        clsid: *const Guid,
        outer: *mut c_void,
        context: u32,
        iid: *const Guid,
        out: *mut *mut c_void,
    ) -> Hresult;
}

type QueryInterfaceFn = unsafe extern "system" fn(
    this: *mut c_void,
    iid: *const Guid,
    out: *mut *mut c_void,
) -> Hresult;
type AddRefFn = unsafe extern "system" fn(this: *mut c_void) -> u32;
type ReleaseFn = unsafe extern "system" fn(this: *mut c_void) -> u32;

/// `IMMDeviceEnumerator`'s vtable, in declaration order (the three methods
/// not used here are only counted).
#[repr(C)]
struct EnumeratorVtbl {
    query_interface: QueryInterfaceFn,
    add_ref: AddRefFn,
    release: ReleaseFn,
    enum_audio_endpoints: *const c_void,
    get_default_audio_endpoint: *const c_void,
    get_device: *const c_void,
    register_endpoint_notification_callback:
        unsafe extern "system" fn(this: *mut c_void, client: *mut c_void) -> Hresult,
    unregister_endpoint_notification_callback:
        unsafe extern "system" fn(this: *mut c_void, client: *mut c_void) -> Hresult,
}

/// `IMMNotificationClient`'s vtable, in declaration order.
#[repr(C)]
struct ClientVtbl {
    query_interface: QueryInterfaceFn,
    add_ref: AddRefFn,
    release: ReleaseFn,
    on_device_state_changed:
        unsafe extern "system" fn(this: *mut c_void, id: *const u16, state: u32) -> Hresult,
    on_device_added: unsafe extern "system" fn(this: *mut c_void, id: *const u16) -> Hresult,
    on_device_removed: unsafe extern "system" fn(this: *mut c_void, id: *const u16) -> Hresult,
    on_default_device_changed: unsafe extern "system" fn(
        this: *mut c_void,
        flow: u32,
        role: u32,
        id: *const u16,
    ) -> Hresult,
    on_property_value_changed:
        unsafe extern "system" fn(this: *mut c_void, id: *const u16, key: PropertyKey) -> Hresult,
}

static CLIENT_VTBL: ClientVtbl = ClientVtbl {
    query_interface: client_query_interface,
    add_ref: client_add_ref,
    release: client_release,
    on_device_state_changed: client_on_device_state_changed,
    on_device_added: client_on_device_added,
    on_device_removed: client_on_device_removed,
    on_default_device_changed: client_on_default_device_changed,
    on_property_value_changed: client_on_property_value_changed,
};

/// The callback object. A pointer to it is a pointer to its first field,
/// the vtable pointer: that is what COM calls an interface pointer.
#[repr(C)]
struct Client {
    vtbl: &'static ClientVtbl,
    refs: AtomicU32,
    /// False once the watcher stopped: late calls are dropped.
    live: AtomicBool,
    sink: Sink,
}

impl Client {
    /// A new object with one reference (the caller's), as a COM pointer.
    fn create(sink: Sink) -> *mut c_void {
        Box::into_raw(Box::new(Client {
            vtbl: &CLIENT_VTBL,
            refs: AtomicU32::new(1),
            live: AtomicBool::new(true),
            sink,
        }))
        .cast()
    }
}

/// The length of a NUL-terminated UTF-16 string.
///
/// # Safety
/// `p` is non-null and points to a NUL-terminated UTF-16 string.
unsafe fn wide_len(p: *const u16) -> usize {
    let mut n = 0;
    // SAFETY: the caller guarantees a terminator, so every unit up to and
    // including it is readable.
    while unsafe { *p.add(n) } != 0 {
        n += 1;
    }
    n
}

/// A device id as Windows passes it (`LPCWSTR`, may be null).
///
/// # Safety
/// `p` is null or points to a NUL-terminated UTF-16 string.
unsafe fn from_wide(p: *const u16) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated (the caller's guarantee).
    let len = unsafe { wide_len(p) };
    // SAFETY: `len` units from `p` were just read.
    let units = unsafe { std::slice::from_raw_parts(p, len) };
    Some(String::from_utf16_lossy(units))
}

/// Runs one notification method: builds the event and hands it to the sink
/// unless the watcher stopped. Always `S_OK` (a notification client's
/// result is ignored); a panic is caught here, never unwinds into Windows.
///
/// # Safety
/// `this` is a live `Client` pointer (Windows calls with the pointer it was
/// given, holding a reference).
unsafe fn deliver(this: *mut c_void, make: impl FnOnce() -> DeviceEvent) -> Hresult {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `this` is a live `Client` (the caller's guarantee); only
        // shared references are made to it.
        let client = unsafe { &*(this as *const Client) };
        if client.live.load(Ordering::Acquire) {
            (client.sink)(make());
        }
    }));
    S_OK
}

unsafe extern "system" fn client_query_interface(
    this: *mut c_void,
    iid: *const Guid,
    out: *mut *mut c_void,
) -> Hresult {
    catch_unwind(AssertUnwindSafe(|| {
        if out.is_null() {
            return E_POINTER;
        }
        if iid.is_null() {
            // SAFETY: `out` is non-null, a pointer slot of the caller's.
            unsafe { *out = ptr::null_mut() };
            return E_POINTER;
        }
        // SAFETY: `iid` is non-null and points to the caller's GUID.
        let iid = unsafe { *iid };
        if iid == IID_IUNKNOWN || iid == IID_IMM_NOTIFICATION_CLIENT {
            // SAFETY: `this` is a live `Client` (COM's contract for methods);
            // the reference added is the one handed out through `out`.
            unsafe {
                client_add_ref(this);
                *out = this;
            }
            S_OK
        } else {
            // SAFETY: `out` is non-null, a pointer slot of the caller's.
            unsafe { *out = ptr::null_mut() };
            E_NOINTERFACE
        }
    }))
    .unwrap_or(E_NOINTERFACE)
}

unsafe extern "system" fn client_add_ref(this: *mut c_void) -> u32 {
    catch_unwind(|| {
        // SAFETY: `this` is a live `Client` (COM's contract: the caller
        // holds a reference).
        let client = unsafe { &*(this as *const Client) };
        client.refs.fetch_add(1, Ordering::Relaxed).wrapping_add(1)
    })
    .unwrap_or(1)
}

unsafe extern "system" fn client_release(this: *mut c_void) -> u32 {
    // Dropping the sink runs its destructor (a thread-safe function's
    // release): never let a panic there unwind into Windows.
    catch_unwind(|| {
        // SAFETY: `this` is a live `Client` whose reference the caller
        // gives up.
        let left = unsafe { &*(this as *const Client) }
            .refs
            .fetch_sub(1, Ordering::Release)
            .wrapping_sub(1);
        if left == 0 {
            fence(Ordering::Acquire);
            // SAFETY: that was the last reference: the object was made by
            // `Client::create` (a `Box`) and nobody else can reach it now.
            drop(unsafe { Box::from_raw(this as *mut Client) });
        }
        left
    })
    .unwrap_or(0)
}

unsafe extern "system" fn client_on_device_state_changed(
    this: *mut c_void,
    id: *const u16,
    state: u32,
) -> Hresult {
    // SAFETY: `this` is live (COM's contract); `id` is Windows' device id
    // string (NUL-terminated) or null, read before returning.
    unsafe {
        deliver(this, || DeviceEvent::StateChanged {
            id: from_wide(id).unwrap_or_default(),
            state,
        })
    }
}

unsafe extern "system" fn client_on_device_added(this: *mut c_void, id: *const u16) -> Hresult {
    // SAFETY: as in `client_on_device_state_changed`.
    unsafe {
        deliver(this, || DeviceEvent::Added {
            id: from_wide(id).unwrap_or_default(),
        })
    }
}

unsafe extern "system" fn client_on_device_removed(this: *mut c_void, id: *const u16) -> Hresult {
    // SAFETY: as in `client_on_device_state_changed`.
    unsafe {
        deliver(this, || DeviceEvent::Removed {
            id: from_wide(id).unwrap_or_default(),
        })
    }
}

unsafe extern "system" fn client_on_default_device_changed(
    this: *mut c_void,
    flow: u32,
    role: u32,
    id: *const u16,
) -> Hresult {
    // SAFETY: as in `client_on_device_state_changed` (`id` is null when no
    // endpoint of that flow and role is left).
    unsafe {
        deliver(this, || DeviceEvent::DefaultChanged {
            flow,
            role,
            id: from_wide(id),
        })
    }
}

/// Property changes (names, formats, volume-related keys) come often and do
/// not change the device list: ignored. (The one method without
/// `catch_unwind`: its body is empty, nothing in it can panic.)
unsafe extern "system" fn client_on_property_value_changed(
    _this: *mut c_void,
    _id: *const u16,
    _key: PropertyKey,
) -> Hresult {
    S_OK
}

/// The enumerator's vtable.
///
/// # Safety
/// `enumerator` is a live `IMMDeviceEnumerator` pointer.
unsafe fn enumerator_vtbl<'a>(enumerator: *mut c_void) -> &'a EnumeratorVtbl {
    // SAFETY: a COM interface pointer points to its vtable pointer, which
    // stays valid while the object lives (the caller's guarantee).
    unsafe { &**(enumerator as *const *const EnumeratorVtbl) }
}

fn hresult_text(call: &str, hr: Hresult) -> String {
    format!(
        "{call} failed (HRESULT 0x{:08X}): Windows' audio device notifications are unavailable",
        hr as u32
    )
}

/// Registered endpoint notifications (see the module's documentation).
pub struct EndpointWatcher {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The callback object, with a reference of this watcher's (for
    /// [`EndpointWatcher::simulate_added`]); null once stopped.
    client: *mut c_void,
}

// SAFETY: `client` is a COM object of this module's, free-threaded (atomic
// reference count, immutable but for atomics, a `Send + Sync` sink); the
// other fields are `Send` and `Sync`.
unsafe impl Send for EndpointWatcher {}
// SAFETY: as for `Send`: every method on the object is thread-safe.
unsafe impl Sync for EndpointWatcher {}

/// The notification thread's report once it registered (the callback
/// object's address, with a reference for the watcher) or failed.
type Ready = Result<usize, String>;

impl EndpointWatcher {
    /// Registers the callback object; returns once it is registered, or with
    /// the failing call and its `HRESULT`.
    pub fn start(sink: Sink) -> Result<Self, String> {
        let (ready_tx, ready_rx) = mpsc::channel::<Ready>();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sounddevice-endpoint-notifications".into())
            .spawn(move || {
                // A panic here ends this thread only (the channels tell the
                // other side); it cannot cross into Windows.
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    notification_thread(sink, ready_tx, stop_rx)
                }));
            })
            .map_err(|e| format!("cannot start the device notification thread: {e}"))?;
        match ready_rx.recv() {
            Ok(Ok(client)) => Ok(EndpointWatcher {
                stop: Some(stop_tx),
                thread: Some(thread),
                client: client as *mut c_void,
            }),
            Ok(Err(text)) => {
                let _ = thread.join();
                Err(text)
            }
            Err(_) => {
                let _ = thread.join();
                Err("the device notification thread ended before registering".into())
            }
        }
    }

    /// Whether the callback object is registered.
    pub fn active(&self) -> bool {
        self.thread.is_some()
    }

    /// Unregisters, releases the enumerator and the callback object and ends
    /// the thread; idempotent. No event reaches the sink once it returns.
    pub fn stop(&mut self) {
        if !self.client.is_null() {
            // SAFETY: the watcher's own reference, taken in the thread
            // before it reported ready, is still held. The flag only
            // silences calls still in flight (memory safety rests on the
            // reference count).
            let client = unsafe { &*(self.client as *const Client) };
            client.live.store(false, Ordering::Release);
        }
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if !self.client.is_null() {
            // SAFETY: gives up the watcher's reference (taken once, released
            // once: `client` is nulled right after).
            unsafe { client_release(self.client) };
            self.client = ptr::null_mut();
        }
    }

    /// Calls `OnDeviceAdded(id)` through the callback object's interface
    /// pointer, as Windows does: the path from a notification to the sink,
    /// testable where no device can be added (Wine, CI).
    pub fn simulate_added(&self, id: &str) -> Result<(), String> {
        if self.client.is_null() {
            return Err("the device notifications were stopped".into());
        }
        let wide: Vec<u16> = id.encode_utf16().chain(std::iter::once(0)).collect();
        let mut iface: *mut c_void = ptr::null_mut();
        // SAFETY: `client` is live (the watcher's reference); its first
        // field is the vtable pointer. QueryInterface is asked for the
        // notification interface as Windows would, and the reference it
        // adds is released below. `wide` is NUL-terminated and outlives the
        // call.
        unsafe {
            let vtbl = &**(self.client as *const *const ClientVtbl);
            let hr = (vtbl.query_interface)(self.client, &IID_IMM_NOTIFICATION_CLIENT, &mut iface);
            if hr != S_OK || iface.is_null() {
                return Err(hresult_text("IMMNotificationClient::QueryInterface", hr));
            }
            let vtbl = &**(iface as *const *const ClientVtbl);
            (vtbl.on_device_added)(iface, wide.as_ptr());
            (vtbl.release)(iface);
        }
        Ok(())
    }
}

impl Drop for EndpointWatcher {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The COM thread: registers, reports, waits for the stop, cleans up.
fn notification_thread(sink: Sink, ready: mpsc::Sender<Ready>, stop: mpsc::Receiver<()>) {
    // SAFETY: joins this (new) thread to the multithreaded apartment; no
    // reserved pointer. Balanced by the CoUninitialize calls below.
    let hr = unsafe { CoInitializeEx(ptr::null_mut(), COINIT_MULTITHREADED) };
    if hr < 0 {
        let _ = ready.send(Err(hresult_text("CoInitializeEx", hr)));
        return;
    }
    let mut enumerator: *mut c_void = ptr::null_mut();
    // SAFETY: valid GUIDs and out pointer; COM is initialized on this thread.
    let hr = unsafe {
        CoCreateInstance(
            &CLSID_MM_DEVICE_ENUMERATOR,
            ptr::null_mut(),
            CLSCTX_ALL,
            &IID_IMM_DEVICE_ENUMERATOR,
            &mut enumerator,
        )
    };
    if hr < 0 || enumerator.is_null() {
        let _ = ready.send(Err(hresult_text(
            "CoCreateInstance(MMDeviceEnumerator)",
            hr,
        )));
        // SAFETY: balances this thread's CoInitializeEx.
        unsafe { CoUninitialize() };
        return;
    }
    // SAFETY: `enumerator` was just created with one reference of ours.
    let vtbl = unsafe { enumerator_vtbl(enumerator) };
    let client = Client::create(sink);
    // SAFETY: both pointers are live COM objects; the enumerator adds its
    // own reference to the client while registered.
    let hr = unsafe { (vtbl.register_endpoint_notification_callback)(enumerator, client) };
    if hr < 0 {
        let _ = ready.send(Err(hresult_text(
            "IMMDeviceEnumerator::RegisterEndpointNotificationCallback",
            hr,
        )));
        // SAFETY: releases our references (the client is freed, the
        // enumerator too) and balances CoInitializeEx.
        unsafe {
            client_release(client);
            (vtbl.release)(enumerator);
            CoUninitialize();
        }
        return;
    }
    // SAFETY: a second reference of ours, handed to the watcher (released
    // by `EndpointWatcher::stop`).
    unsafe { client_add_ref(client) };
    if ready.send(Ok(client as usize)).is_err() {
        // The starter is gone (cannot happen: it waits); nobody will
        // release the watcher's reference: do it here.
        // SAFETY: the reference just added.
        unsafe { client_release(client) };
    }
    // Until the watcher stops (it sends nothing: dropping the sender ends
    // the wait).
    let _ = stop.recv();
    // SAFETY: the same enumerator and client as registered; afterwards our
    // references are released and COM left, in this thread's apartment.
    unsafe {
        (vtbl.unregister_endpoint_notification_callback)(enumerator, client);
        client_release(client);
        (vtbl.release)(enumerator);
        CoUninitialize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn the_callback_object_answers_and_counts_references() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink_seen = seen.clone();
        let client = Client::create(Box::new(move |e| sink_seen.lock().unwrap().push(e)));
        let mut iface: *mut c_void = ptr::null_mut();
        let wide: Vec<u16> = "{id}".encode_utf16().chain([0]).collect();
        // SAFETY: `client` is live with one reference; each QueryInterface
        // reference is released; the last release frees it.
        unsafe {
            let vtbl = &**(client as *const *const ClientVtbl);
            assert_eq!(
                (vtbl.query_interface)(client, &IID_IUNKNOWN, &mut iface),
                S_OK
            );
            assert_eq!((vtbl.release)(iface), 1);
            let other = Guid {
                data1: 1,
                ..IID_IUNKNOWN
            };
            assert_eq!(
                (vtbl.query_interface)(client, &other, &mut iface),
                E_NOINTERFACE
            );
            assert!(iface.is_null());
            (vtbl.on_device_added)(client, wide.as_ptr());
            (vtbl.on_default_device_changed)(client, 1, 0, ptr::null());
            assert_eq!((vtbl.release)(client), 0);
        }
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                DeviceEvent::Added { id: "{id}".into() },
                DeviceEvent::DefaultChanged {
                    flow: 1,
                    role: 0,
                    id: None
                }
            ]
        );
    }
}
