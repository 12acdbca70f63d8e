//! The operating system's own device-change notifications, for
//! `watchDevices()` where file-system notifications say nothing (Linux
//! needs none of this: the TypeScript layer watches `/dev/snd`, the ALSA
//! configuration and the JACK socket itself).
//!
//! - Windows ([`mm_notifications`]): an `IMMNotificationClient` registered
//!   with the MMDevice API's `IMMDeviceEnumerator` from a COM
//!   multithreaded-apartment thread of this addon.
//! - macOS ([`core_audio`]): CoreAudio property listeners on the system
//!   object (device list, default input, default output), CoreAudio loaded
//!   at run time. Built here, never run.
//! - Elsewhere: [`start`] returns [`StartError::Unsupported`] (the
//!   JavaScript function throws it).
//!
//! Events are handed to a [`Sink`], which must return at once (the binding
//! queues them on a thread-safe function, non-blocking). Sinks run on the
//! operating system's notification threads, never on an audio thread.
//! Nothing here knows about JavaScript.

#[cfg(target_os = "macos")]
pub mod core_audio;
#[cfg(windows)]
pub mod mm_notifications;

/// One notification, as the operating system reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// An endpoint was added (Windows: `OnDeviceAdded`).
    Added { id: String },
    /// An endpoint was removed (Windows: `OnDeviceRemoved`).
    Removed { id: String },
    /// An endpoint's state changed (Windows: `OnDeviceStateChanged`;
    /// `state` is a `DEVICE_STATE_*` bit: 1 active, 2 disabled, 4 not
    /// present, 8 unplugged).
    StateChanged { id: String, state: u32 },
    /// A default endpoint changed (Windows: `OnDefaultDeviceChanged`; `flow`
    /// is an `EDataFlow`: 0 render, 1 capture; `role` an `ERole`: 0 console,
    /// 1 multimedia, 2 communications; `id` is `None` when no endpoint of
    /// that kind is left. macOS: the default output (`flow` 0) or input
    /// (`flow` 1) device changed; `role` 0, no `id`).
    DefaultChanged {
        flow: u32,
        role: u32,
        id: Option<String>,
    },
    /// The device list changed (macOS: `kAudioHardwarePropertyDevices`).
    ListChanged,
}

impl DeviceEvent {
    /// A short name of the kind of event (`added`, `removed`, `state`,
    /// `default`, `list`), as the JavaScript side receives it.
    pub fn kind(&self) -> &'static str {
        match self {
            DeviceEvent::Added { .. } => "added",
            DeviceEvent::Removed { .. } => "removed",
            DeviceEvent::StateChanged { .. } => "state",
            DeviceEvent::DefaultChanged { .. } => "default",
            DeviceEvent::ListChanged => "list",
        }
    }
}

/// Receives events on the operating system's notification threads; must
/// not block.
pub type Sink = Box<dyn Fn(DeviceEvent) + Send + Sync + 'static>;

/// Why native notifications could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// This platform has no native notifications in this addon.
    Unsupported,
    /// The operating system refused (the text says which call and its code).
    Failed(String),
}

/// The message of [`StartError::Unsupported`].
pub const UNSUPPORTED: &str = "native device notifications exist only on Windows and macOS \
     (Linux: watchDevices() uses file-system notifications)";

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Unsupported => f.write_str(UNSUPPORTED),
            StartError::Failed(text) => f.write_str(text),
        }
    }
}

/// Running notifications; dropping it (or [`Watcher::stop`]) unregisters
/// and releases everything, after which no event reaches the sink.
pub struct Watcher {
    #[cfg(windows)]
    inner: mm_notifications::EndpointWatcher,
    #[cfg(target_os = "macos")]
    inner: core_audio::PropertyWatcher,
}

/// Starts native notifications, delivering to `sink`.
pub fn start(sink: Sink) -> Result<Watcher, StartError> {
    #[cfg(windows)]
    {
        mm_notifications::EndpointWatcher::start(sink)
            .map(|inner| Watcher { inner })
            .map_err(StartError::Failed)
    }
    #[cfg(target_os = "macos")]
    {
        core_audio::PropertyWatcher::start(sink)
            .map(|inner| Watcher { inner })
            .map_err(StartError::Failed)
    }
    #[cfg(not(any(windows, target_os = "macos")))]
    {
        drop(sink);
        Err(StartError::Unsupported)
    }
}

/// Whether [`start`] can work on this platform.
pub const SUPPORTED: bool = cfg!(any(windows, target_os = "macos"));

impl Watcher {
    /// Unregisters and releases everything; idempotent. Returns once no
    /// event can reach the sink any more.
    pub fn stop(&mut self) {
        #[cfg(any(windows, target_os = "macos"))]
        self.inner.stop();
    }

    /// Whether the watcher is registered (not stopped).
    pub fn active(&self) -> bool {
        #[cfg(any(windows, target_os = "macos"))]
        {
            self.inner.active()
        }
        #[cfg(not(any(windows, target_os = "macos")))]
        {
            false
        }
    }

    /// Makes the registered callback receive one notification the way the
    /// operating system delivers it (Windows: `OnDeviceAdded(id)` through
    /// the callback object's COM interface; macOS: the device-list listener,
    /// `id` unused): a self-test of the whole path to the sink where devices
    /// cannot be plugged in (Wine, CI). Fails when stopped.
    pub fn simulate(&self, id: &str) -> Result<(), String> {
        #[cfg(windows)]
        {
            self.inner.simulate_added(id)
        }
        #[cfg(target_os = "macos")]
        {
            let _ = id;
            self.inner.simulate_list_changed()
        }
        #[cfg(not(any(windows, target_os = "macos")))]
        {
            let _ = id;
            Err(UNSUPPORTED.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_the_names_javascript_maps() {
        assert_eq!(DeviceEvent::Added { id: "x".into() }.kind(), "added");
        assert_eq!(DeviceEvent::Removed { id: "x".into() }.kind(), "removed");
        let state = DeviceEvent::StateChanged {
            id: "x".into(),
            state: 1,
        };
        assert_eq!(state.kind(), "state");
        let default = DeviceEvent::DefaultChanged {
            flow: 0,
            role: 0,
            id: None,
        };
        assert_eq!(default.kind(), "default");
        assert_eq!(DeviceEvent::ListChanged.kind(), "list");
    }

    #[cfg(not(any(windows, target_os = "macos")))]
    #[test]
    fn elsewhere_start_says_it_is_unsupported() {
        let e = start(Box::new(|_| {})).err().expect("must not start");
        assert_eq!(e, StartError::Unsupported);
        assert!(e.to_string().contains("only on Windows and macOS"));
        const { assert!(!SUPPORTED) };
    }
}
