//! Run-time loading of the PortAudio shared library.
//!
//! The library is opened with `libloading` the first time it is needed, never
//! at link time, so a program that only imports the addon works on a machine
//! without PortAudio and gets a clear error at first use instead.

use crate::hostapi::PaAlsaStreamInfo;
use crate::types::*;
use libloading::Library;
use std::fmt;
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::sync::OnceLock;

/// Environment variable naming a PortAudio library to load before the
/// platform's usual names are tried.
pub const LIBRARY_PATH_ENV: &str = "SOUNDDEVICE_PORTAUDIO_LIBRARY";

/// File name of the PortAudio library the Windows platform package ships next
/// to the addon (`sounddevice.win32-x64-msvc.node`), built from source by
/// `scripts/windows/build-portaudio.sh`.
pub const BUNDLED_LIBRARY_NAME: &str = "libportaudio.dll";

/// The PortAudio library bundled next to the module this code is part of (the
/// addon's `.node` file), if that file exists. Windows only: there the system
/// searches node.exe's folder, the system folders and `PATH`, never the
/// addon's own folder, so the bundled copy is named by its full path.
pub fn bundled_library_path() -> Option<String> {
    #[cfg(windows)]
    {
        let dir = win::this_module_dir()?;
        let path = dir.join(BUNDLED_LIBRARY_NAME);
        path.is_file().then(|| path.to_string_lossy().into_owned())
    }
    #[cfg(not(windows))]
    {
        None
    }
}

#[cfg(windows)]
mod win {
    use std::ffi::OsString;
    use std::os::raw::{c_ulong, c_void};
    use std::os::windows::ffi::OsStringExt;
    use std::path::PathBuf;

    const GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS: c_ulong = 0x4;
    const GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT: c_ulong = 0x2;

    #[link(name = "kernel32")]
    extern "system" {
        fn GetModuleHandleExW(flags: c_ulong, name: *const u16, module: *mut *mut c_void) -> i32;
        fn GetModuleFileNameW(module: *mut c_void, name: *mut u16, size: c_ulong) -> c_ulong;
    }

    /// The folder of the DLL (the `.node` file) that holds this function.
    pub fn this_module_dir() -> Option<PathBuf> {
        let mut module: *mut c_void = std::ptr::null_mut();
        // SAFETY: with FROM_ADDRESS the "name" is an address inside the module
        // wanted (this very function); UNCHANGED_REFCOUNT takes no reference,
        // which is fine since the module is the one running this code.
        let ok = unsafe {
            GetModuleHandleExW(
                GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                    | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                this_module_dir as *const () as *const u16,
                &mut module,
            )
        };
        if ok == 0 || module.is_null() {
            return None;
        }
        let mut buf = vec![0u16; 1024];
        loop {
            // SAFETY: `buf` is a writable buffer of `buf.len()` UTF-16 units.
            let n = unsafe { GetModuleFileNameW(module, buf.as_mut_ptr(), buf.len() as c_ulong) }
                as usize;
            if n == 0 {
                return None;
            }
            if n < buf.len() {
                buf.truncate(n);
                break;
            }
            if buf.len() >= 32768 {
                return None;
            }
            buf.resize(buf.len() * 2, 0);
        }
        let file = PathBuf::from(OsString::from_wide(&buf));
        file.parent().map(PathBuf::from)
    }
}

/// The platform's usual names of the PortAudio shared library, in the order
/// they are tried.
pub fn default_library_names() -> &'static [&'static str] {
    if cfg!(target_os = "windows") {
        &[
            "portaudio.dll",
            "libportaudio.dll",
            "libportaudio-2.dll",
            "portaudio_x64.dll",
            "libportaudio64bit.dll",
        ]
    } else if cfg!(target_os = "macos") {
        // dlopen searches neither Homebrew's nor MacPorts' folder by default:
        // Homebrew on Apple silicon (/opt/homebrew), Homebrew on Intel
        // (/usr/local), MacPorts (/opt/local).
        &[
            "libportaudio.2.dylib",
            "libportaudio.dylib",
            "/opt/homebrew/lib/libportaudio.2.dylib",
            "/usr/local/lib/libportaudio.2.dylib",
            "/opt/local/lib/libportaudio.2.dylib",
        ]
    } else {
        &["libportaudio.so.2", "libportaudio.so"]
    }
}

/// Why PortAudio could not be loaded: every name tried with the loader's reason.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub tried: Vec<(String, String)>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PortAudio library not found (tried ")?;
        for (i, (name, _)) in self.tried.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{name}")?;
        }
        write!(f, "). ")?;
        if cfg!(target_os = "macos") {
            write!(
                f,
                "Install it with `brew install portaudio` (or MacPorts: `port install portaudio`)"
            )?;
        } else if cfg!(target_os = "windows") {
            write!(
                f,
                "Reinstall @sounddevice/native-win32-x64-msvc (it ships {BUNDLED_LIBRARY_NAME} \
                 next to the addon), or put portaudio.dll next to the program or on PATH"
            )?;
        } else {
            write!(
                f,
                "Install it with `apt-get install libportaudio2` (Debian/Ubuntu), \
                 `dnf install portaudio` (Fedora) or `pacman -S portaudio` (Arch)"
            )?;
        }
        write!(f, ", or set {LIBRARY_PATH_ENV} to the library's path.")?;
        if let Some((name, why)) = self.tried.first() {
            write!(f, " First failure: {name}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

macro_rules! api {
    (
        required { $( $name:ident : fn( $( $arg:ty ),* ) -> $ret:ty ; )* }
        optional { $( $oname:ident : fn( $( $oarg:ty ),* ) -> $oret:ty ; )* }
    ) => {
        /// Function pointers into the loaded PortAudio library. The library
        /// handle is kept alongside, so the pointers stay valid for the
        /// lifetime of this struct (which is `'static`: it is never unloaded).
        #[allow(non_snake_case)]
        pub struct PortAudio {
            _library: Library,
            /// Where the library was found.
            pub path: String,
            $( pub $name: unsafe extern "C" fn( $( $arg ),* ) -> $ret, )*
            $( pub $oname: Option<unsafe extern "C" fn( $( $oarg ),* ) -> $oret>, )*
        }

        impl PortAudio {
            /// Resolves every symbol of `library`.
            ///
            /// # Safety
            /// `library` must be a PortAudio v19 library whose exported
            /// functions have the C signatures declared here.
            unsafe fn from_library(library: Library, path: String) -> Result<Self, String> {
                $(
                    // SAFETY: the caller guarantees the symbol has this signature.
                    let $name = unsafe {
                        *library
                            .get::<unsafe extern "C" fn( $( $arg ),* ) -> $ret>(
                                concat!(stringify!($name), "\0").as_bytes(),
                            )
                            .map_err(|e| format!("missing symbol {}: {e}", stringify!($name)))?
                    };
                )*
                $(
                    // SAFETY: as above; host-API extensions may be absent.
                    let $oname = unsafe {
                        library
                            .get::<unsafe extern "C" fn( $( $oarg ),* ) -> $oret>(
                                concat!(stringify!($oname), "\0").as_bytes(),
                            )
                            .ok()
                            .map(|s| *s)
                    };
                )*
                Ok(PortAudio { _library: library, path, $( $name, )* $( $oname, )* })
            }
        }
    };
}

api! {
    required {
        Pa_GetVersion: fn() -> c_int;
        Pa_GetVersionText: fn() -> *const c_char;
        Pa_GetErrorText: fn(PaError) -> *const c_char;
        Pa_Initialize: fn() -> PaError;
        Pa_Terminate: fn() -> PaError;
        Pa_GetHostApiCount: fn() -> PaHostApiIndex;
        Pa_GetDefaultHostApi: fn() -> PaHostApiIndex;
        Pa_GetHostApiInfo: fn(PaHostApiIndex) -> *const PaHostApiInfo;
        Pa_HostApiTypeIdToHostApiIndex: fn(PaHostApiTypeId) -> PaHostApiIndex;
        Pa_HostApiDeviceIndexToDeviceIndex: fn(PaHostApiIndex, c_int) -> PaDeviceIndex;
        Pa_GetLastHostErrorInfo: fn() -> *const PaHostErrorInfo;
        Pa_GetDeviceCount: fn() -> PaDeviceIndex;
        Pa_GetDefaultInputDevice: fn() -> PaDeviceIndex;
        Pa_GetDefaultOutputDevice: fn() -> PaDeviceIndex;
        Pa_GetDeviceInfo: fn(PaDeviceIndex) -> *const PaDeviceInfo;
        Pa_IsFormatSupported: fn(*const PaStreamParameters, *const PaStreamParameters, f64) -> PaError;
        Pa_OpenStream: fn(
            *mut *mut PaStream,
            *const PaStreamParameters,
            *const PaStreamParameters,
            f64,
            c_ulong,
            PaStreamFlags,
            Option<PaStreamCallback>,
            *mut c_void
        ) -> PaError;
        Pa_OpenDefaultStream: fn(
            *mut *mut PaStream,
            c_int,
            c_int,
            PaSampleFormat,
            f64,
            c_ulong,
            Option<PaStreamCallback>,
            *mut c_void
        ) -> PaError;
        Pa_CloseStream: fn(*mut PaStream) -> PaError;
        Pa_SetStreamFinishedCallback: fn(*mut PaStream, Option<PaStreamFinishedCallback>) -> PaError;
        Pa_StartStream: fn(*mut PaStream) -> PaError;
        Pa_StopStream: fn(*mut PaStream) -> PaError;
        Pa_AbortStream: fn(*mut PaStream) -> PaError;
        Pa_IsStreamStopped: fn(*mut PaStream) -> PaError;
        Pa_IsStreamActive: fn(*mut PaStream) -> PaError;
        Pa_GetStreamInfo: fn(*mut PaStream) -> *const PaStreamInfo;
        Pa_GetStreamTime: fn(*mut PaStream) -> PaTime;
        Pa_GetStreamCpuLoad: fn(*mut PaStream) -> f64;
        Pa_ReadStream: fn(*mut PaStream, *mut c_void, c_ulong) -> PaError;
        Pa_WriteStream: fn(*mut PaStream, *const c_void, c_ulong) -> PaError;
        Pa_GetStreamReadAvailable: fn(*mut PaStream) -> c_long;
        Pa_GetStreamWriteAvailable: fn(*mut PaStream) -> c_long;
        Pa_GetSampleSize: fn(PaSampleFormat) -> PaError;
        Pa_Sleep: fn(c_long) -> ();
    }
    optional {
        Pa_GetVersionInfo: fn() -> *const PaVersionInfo;
        PaAlsa_InitializeStreamInfo: fn(*mut PaAlsaStreamInfo) -> ();
        PaAlsa_EnableRealtimeScheduling: fn(*mut PaStream, c_int) -> ();
        PaAlsa_GetStreamInputCard: fn(*mut PaStream, *mut c_int) -> PaError;
        PaAlsa_GetStreamOutputCard: fn(*mut PaStream, *mut c_int) -> PaError;
        PaAlsa_SetNumPeriods: fn(c_int) -> PaError;
        PaAlsa_SetRetriesBusy: fn(c_int) -> PaError;
        PaJack_SetClientName: fn(*const c_char) -> PaError;
        PaJack_GetClientName: fn(*mut PaStream, *mut *const c_char) -> PaError;
        PaAsio_ShowControlPanel: fn(PaDeviceIndex, *mut c_void) -> PaError;
        PaAsio_GetInputChannelName: fn(PaDeviceIndex, c_int, *mut *const c_char) -> PaError;
        PaAsio_GetOutputChannelName: fn(PaDeviceIndex, c_int, *mut *const c_char) -> PaError;
        PaMacCore_GetChannelName: fn(c_int, c_int, bool) -> *const c_char;
        PaWasapi_GetDeviceDefaultFormat: fn(*mut c_void, u32, PaDeviceIndex) -> c_int;
    }
}

/// Opens the first PortAudio library that loads: the path in
/// [`LIBRARY_PATH_ENV`] if set, else the bundled copy next to the addon
/// ([`bundled_library_path`], Windows), then [`default_library_names`].
pub fn open() -> Result<PortAudio, LoadError> {
    let mut candidates: Vec<String> = Vec::new();
    if let Ok(custom) = std::env::var(LIBRARY_PATH_ENV) {
        if !custom.is_empty() {
            candidates.push(custom);
        }
    }
    if candidates.is_empty() {
        candidates.extend(bundled_library_path());
        candidates.extend(default_library_names().iter().map(|s| s.to_string()));
    }
    let mut tried = Vec::new();
    for name in candidates {
        // SAFETY: loading a shared library runs its initializers; PortAudio's
        // have no preconditions. A library with the right name but the wrong
        // ABI is the user's explicit choice (or a broken installation).
        match unsafe { Library::new(&name) } {
            // SAFETY: the library was found under a PortAudio name; every
            // symbol is checked to exist before it is used.
            Ok(lib) => match unsafe { PortAudio::from_library(lib, name.clone()) } {
                Ok(pa) => return Ok(pa),
                Err(e) => tried.push((name, e)),
            },
            Err(e) => tried.push((name, e.to_string())),
        }
    }
    Err(LoadError { tried })
}

/// Opens the PortAudio library file at `path` as a library of its own, not
/// the process-wide one of [`library()`]; `label` becomes its `path` (what
/// users are told was loaded). Used to load a fresh copy of PortAudio when the
/// instance in use can no longer be terminated and initialized again.
pub fn open_path(path: &str, label: &str) -> Result<PortAudio, LoadError> {
    let fail = |why: String| LoadError {
        tried: vec![(path.to_string(), why)],
    };
    // SAFETY: as in `open`: a PortAudio library (here a copy of the one
    // already loaded); its initializers have no preconditions.
    let lib = unsafe { Library::new(path) }.map_err(|e| fail(e.to_string()))?;
    // SAFETY: as in `open`: every symbol is checked to exist.
    let mut pa = unsafe { PortAudio::from_library(lib, label.to_string()) }.map_err(fail)?;
    pa.path = label.to_string();
    Ok(pa)
}

static LIBRARY: OnceLock<Result<PortAudio, LoadError>> = OnceLock::new();

/// The process-wide PortAudio library, loaded on first call.
pub fn library() -> Result<&'static PortAudio, LoadError> {
    LIBRARY.get_or_init(open).as_ref().map_err(Clone::clone)
}
