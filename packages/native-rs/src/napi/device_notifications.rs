//! `DeviceNotifications`: the operating system's device-change notifications
//! (`crate::notify`) delivered to a JavaScript function, for
//! `watchDevices()` on Windows (and macOS: built, never run).
//!
//! Each event is queued on a thread-safe function, non-blocking, from the
//! operating system's notification thread (never an audio thread). With
//! `persistent: false` the thread-safe function is weak (unreferenced): it
//! does not keep the process alive, as `fs.watch(..., { persistent: false })`.
//!
//! On platforms without native notifications (`deviceNotificationsSupported()`
//! is false) `DeviceNotifications.start()` throws a `PortAudioError`-class
//! error that says so; the function exists everywhere so the TypeScript side
//! compiles the same on every platform.

use super::errors::to_js;
use crate::notify::{self, DeviceEvent, Sink, Watcher};
use crate::pa::Error;
use napi::bindgen_prelude::Function;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi_derive::napi;

/// One notification as JavaScript receives it.
#[napi(object)]
pub struct DeviceNotificationJs {
    /// `'added'`, `'removed'`, `'state'` or `'default'` (Windows:
    /// `OnDeviceAdded`, `OnDeviceRemoved`, `OnDeviceStateChanged`,
    /// `OnDefaultDeviceChanged`); macOS: `'list'` (the device list changed)
    /// or `'default'` (`flow` 0 output, 1 input).
    pub kind: String,
    /// The endpoint's id (Windows: `{0.0.0.00000000}.{guid}`); absent for a
    /// default that no endpoint holds any more.
    pub device_id: Option<String>,
    /// `'state'`: the new `DEVICE_STATE_*` (1 active, 2 disabled, 4 not
    /// present, 8 unplugged).
    pub state: Option<u32>,
    /// `'default'`: the `EDataFlow` (0 render/output, 1 capture/input).
    pub flow: Option<u32>,
    /// `'default'`: the `ERole` (0 console, 1 multimedia, 2 communications).
    pub role: Option<u32>,
}

impl From<DeviceEvent> for DeviceNotificationJs {
    fn from(e: DeviceEvent) -> Self {
        let kind = e.kind().to_string();
        let (device_id, state, flow, role) = match e {
            DeviceEvent::Added { id } | DeviceEvent::Removed { id } => (Some(id), None, None, None),
            DeviceEvent::StateChanged { id, state } => (Some(id), Some(state), None, None),
            DeviceEvent::DefaultChanged { flow, role, id } => (id, None, Some(flow), Some(role)),
            DeviceEvent::ListChanged => (None, None, None, None),
        };
        DeviceNotificationJs {
            kind,
            device_id,
            state,
            flow,
            role,
        }
    }
}

/// Whether this build has native device notifications for this platform
/// (Windows; macOS built but never run; not Linux, where `watchDevices()`
/// uses file-system notifications).
#[napi]
pub fn device_notifications_supported() -> bool {
    notify::SUPPORTED
}

/// Registered native device notifications; `stop()` (or garbage collection)
/// unregisters them.
#[napi]
pub struct DeviceNotifications {
    inner: Watcher,
}

#[napi]
impl DeviceNotifications {
    /// Registers for notifications; `callback(event)` runs on this thread
    /// for each. Throws where there are none (see
    /// `deviceNotificationsSupported()`) or when the operating system
    /// refuses (the message names the call and its HRESULT).
    #[napi(factory)]
    pub fn start(
        callback: Function<DeviceNotificationJs, ()>,
        persistent: bool,
    ) -> napi::Result<Self> {
        let sink: Sink = if persistent {
            let tsfn = callback
                .build_threadsafe_function::<DeviceNotificationJs>()
                .build()?;
            Box::new(move |e| {
                tsfn.call(e.into(), ThreadsafeFunctionCallMode::NonBlocking);
            })
        } else {
            let tsfn = callback
                .build_threadsafe_function::<DeviceNotificationJs>()
                .weak::<true>()
                .build()?;
            Box::new(move |e| {
                tsfn.call(e.into(), ThreadsafeFunctionCallMode::NonBlocking);
            })
        };
        let inner = notify::start(sink).map_err(|e| to_js(Error::Unavailable(e.to_string())))?;
        Ok(DeviceNotifications { inner })
    }

    /// Unregisters and releases everything; idempotent. No callback runs
    /// for events after it returns (one already queued may still run).
    #[napi]
    pub fn stop(&mut self) {
        self.inner.stop();
    }

    /// Whether the notifications are registered.
    #[napi(getter)]
    pub fn active(&self) -> bool {
        self.inner.active()
    }

    /// Test hook: delivers one notification the way the operating system
    /// does (Windows: `OnDeviceAdded(id)` through the callback object's COM
    /// interface; macOS: the device-list listener), so the whole path to
    /// `callback` can be checked where no device can be plugged in (Wine,
    /// CI). Throws once stopped.
    #[napi]
    pub fn simulate(&self, id: String) -> napi::Result<()> {
        self.inner
            .simulate(&id)
            .map_err(|e| to_js(Error::Unavailable(e)))
    }
}
