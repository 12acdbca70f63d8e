//! macOS: device changes from CoreAudio's property listeners on the system
//! object (`kAudioObjectSystemObject`): the device list
//! (`kAudioHardwarePropertyDevices`) and the default input and output
//! devices.
//!
//! CoreAudio is opened at run time (`dlopen` of the framework, as PortAudio
//! itself is loaded), so the addon links no framework: the cross-build here
//! (zig, no macOS SDK) has none to link, and a process that never watches
//! devices never loads it from this addon.
//!
//! Threads: with the HAL's run-loop property left at its default (none),
//! CoreAudio calls listeners on a notification thread of its own, never on
//! an audio thread. The listener hands one [`DeviceEvent`] per changed
//! address to the sink (which must not block), under `catch_unwind`.
//!
//! Lifetime: the listener's client data is not a pointer but the number of
//! a registration in a process-wide table; the listener looks it up (a short
//! lock, on the notification thread) and clones its `Arc`. Removing the
//! listeners and then the table entry is therefore safe even if CoreAudio
//! still runs a call it started before the removal: that call either finds
//! nothing or holds its own reference.
//!
//! Untested: built here for x86_64 and aarch64, never run (no Mac).

use super::{DeviceEvent, Sink};
use std::collections::HashMap;
use std::ffi::{c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

type OsStatus = i32;

/// `AudioObjectPropertyAddress`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PropertyAddress {
    selector: u32,
    scope: u32,
    element: u32,
}

type ListenerProc = unsafe extern "C" fn(
    object: u32,
    count: u32,
    addresses: *const PropertyAddress,
    client: *mut c_void,
) -> OsStatus;
type ListenerFn = unsafe extern "C" fn(
    object: u32,
    address: *const PropertyAddress,
    listener: ListenerProc,
    client: *mut c_void,
) -> OsStatus;

const fn four_cc(code: &[u8; 4]) -> u32 {
    u32::from_be_bytes(*code)
}

const SYSTEM_OBJECT: u32 = 1; // kAudioObjectSystemObject
const SCOPE_GLOBAL: u32 = four_cc(b"glob"); // kAudioObjectPropertyScopeGlobal
const ELEMENT_MAIN: u32 = 0; // kAudioObjectPropertyElementMain
const DEVICES: u32 = four_cc(b"dev#"); // kAudioHardwarePropertyDevices
const DEFAULT_INPUT: u32 = four_cc(b"dIn "); // kAudioHardwarePropertyDefaultInputDevice
const DEFAULT_OUTPUT: u32 = four_cc(b"dOut"); // kAudioHardwarePropertyDefaultOutputDevice

const ADDRESSES: [PropertyAddress; 3] = [
    PropertyAddress {
        selector: DEVICES,
        scope: SCOPE_GLOBAL,
        element: ELEMENT_MAIN,
    },
    PropertyAddress {
        selector: DEFAULT_INPUT,
        scope: SCOPE_GLOBAL,
        element: ELEMENT_MAIN,
    },
    PropertyAddress {
        selector: DEFAULT_OUTPUT,
        scope: SCOPE_GLOBAL,
        element: ELEMENT_MAIN,
    },
];

const FRAMEWORK: &CStr = c"/System/Library/Frameworks/CoreAudio.framework/CoreAudio";

/// CoreAudio's two functions this needs.
struct CoreAudio {
    add: ListenerFn,
    remove: ListenerFn,
}

fn core_audio() -> Result<&'static CoreAudio, String> {
    static API: OnceLock<Result<CoreAudio, String>> = OnceLock::new();
    API.get_or_init(|| {
        // SAFETY: dlopen of a system framework by absolute path (kept loaded
        // for the life of the process: never dlclosed); dlsym of two of its
        // exported C functions, whose signatures `ListenerFn` declares (both
        // are `OSStatus (AudioObjectID, const AudioObjectPropertyAddress*,
        // AudioObjectPropertyListenerProc, void*)` in AudioHardware.h).
        unsafe {
            let lib = libc::dlopen(FRAMEWORK.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL);
            if lib.is_null() {
                return Err(format!(
                    "cannot load {}: macOS device notifications are unavailable",
                    FRAMEWORK.to_string_lossy()
                ));
            }
            let add = libc::dlsym(lib, c"AudioObjectAddPropertyListener".as_ptr());
            let remove = libc::dlsym(lib, c"AudioObjectRemovePropertyListener".as_ptr());
            if add.is_null() || remove.is_null() {
                return Err("CoreAudio lacks AudioObjectAddPropertyListener".into());
            }
            Ok(CoreAudio {
                add: std::mem::transmute::<*mut c_void, ListenerFn>(add),
                remove: std::mem::transmute::<*mut c_void, ListenerFn>(remove),
            })
        }
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Live registrations by number (the listeners' client data).
fn registrations() -> &'static Mutex<HashMap<usize, Arc<Sink>>> {
    static MAP: OnceLock<Mutex<HashMap<usize, Arc<Sink>>>> = OnceLock::new();
    MAP.get_or_init(|| Mutex::new(HashMap::new()))
}

static NEXT: AtomicUsize = AtomicUsize::new(1);

/// The event one changed property address stands for.
fn event_for(selector: u32) -> Option<DeviceEvent> {
    match selector {
        DEVICES => Some(DeviceEvent::ListChanged),
        DEFAULT_INPUT => Some(DeviceEvent::DefaultChanged {
            flow: 1,
            role: 0,
            id: None,
        }),
        DEFAULT_OUTPUT => Some(DeviceEvent::DefaultChanged {
            flow: 0,
            role: 0,
            id: None,
        }),
        _ => None,
    }
}

unsafe extern "C" fn listener(
    _object: u32,
    count: u32,
    addresses: *const PropertyAddress,
    client: *mut c_void,
) -> OsStatus {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let sink = registrations()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(client as usize))
            .cloned();
        let Some(sink) = sink else { return };
        if addresses.is_null() {
            return;
        }
        // SAFETY: CoreAudio passes `count` addresses at `addresses`, valid
        // for the call.
        let changed = unsafe { std::slice::from_raw_parts(addresses, count as usize) };
        for a in changed {
            if let Some(e) = event_for(a.selector) {
                (sink)(e);
            }
        }
    }));
    0
}

/// Registered CoreAudio listeners (see the module's documentation).
pub struct PropertyWatcher {
    /// The registration's number; 0 once stopped.
    key: usize,
    api: &'static CoreAudio,
}

impl PropertyWatcher {
    /// Adds the three listeners; on failure removes those already added.
    pub fn start(sink: Sink) -> Result<Self, String> {
        let api = core_audio()?;
        let key = NEXT.fetch_add(1, Ordering::Relaxed);
        registrations()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, Arc::new(sink));
        for (i, address) in ADDRESSES.iter().enumerate() {
            // SAFETY: the system object exists for the process's life;
            // `address` is a valid address; `listener` matches the
            // listener signature; the client data is a number, never
            // dereferenced.
            let status = unsafe { (api.add)(SYSTEM_OBJECT, address, listener, key as *mut c_void) };
            if status != 0 {
                for added in &ADDRESSES[..i] {
                    // SAFETY: removes a listener added just above, with the
                    // same arguments.
                    unsafe { (api.remove)(SYSTEM_OBJECT, added, listener, key as *mut c_void) };
                }
                registrations()
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&key);
                return Err(format!(
                    "AudioObjectAddPropertyListener failed (OSStatus {status}): macOS device notifications are unavailable"
                ));
            }
        }
        Ok(PropertyWatcher { key, api })
    }

    /// Whether the listeners are registered.
    pub fn active(&self) -> bool {
        self.key != 0
    }

    /// Removes the listeners and the registration; idempotent.
    pub fn stop(&mut self) {
        if self.key == 0 {
            return;
        }
        for address in &ADDRESSES {
            // SAFETY: the same object, address, procedure and client data
            // as added in `start`.
            unsafe { (self.api.remove)(SYSTEM_OBJECT, address, listener, self.key as *mut c_void) };
        }
        registrations()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.key);
        self.key = 0;
    }

    /// Calls the listener as CoreAudio would, for the device list: a
    /// self-test of the path to the sink.
    pub fn simulate_list_changed(&self) -> Result<(), String> {
        if self.key == 0 {
            return Err("the device notifications were stopped".into());
        }
        // SAFETY: one valid address, with the registration's client data.
        unsafe { listener(SYSTEM_OBJECT, 1, &ADDRESSES[0], self.key as *mut c_void) };
        Ok(())
    }
}

impl Drop for PropertyWatcher {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_coreaudios_four_character_codes() {
        assert_eq!(DEVICES, 0x6465_7623);
        assert_eq!(DEFAULT_INPUT, 0x6449_6E20);
        assert_eq!(DEFAULT_OUTPUT, 0x644F_7574);
        assert_eq!(SCOPE_GLOBAL, 0x676C_6F62);
        assert_eq!(event_for(DEVICES), Some(DeviceEvent::ListChanged));
        assert_eq!(event_for(0), None);
    }
}
