//! Hand-written FFI for the PortAudio v19 C API.
//!
//! Nothing here links against PortAudio: [`library()`] opens the shared
//! library at run time and returns a table of function pointers. Names follow
//! the C headers exactly so the PortAudio documentation applies unchanged.
#![allow(non_upper_case_globals, non_snake_case, non_camel_case_types)]

mod hostapi;
mod loader;
mod types;

pub use hostapi::*;
pub use loader::{
    bundled_library_path, default_library_names, library, open, open_path, LoadError, PortAudio,
    BUNDLED_LIBRARY_NAME, LIBRARY_PATH_ENV,
};
pub use types::*;

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::mem::size_of;

    #[test]
    fn struct_layouts_match_the_c_headers() {
        // Sizes on LP64 (Linux/macOS x86_64 and arm64).
        #[cfg(all(target_pointer_width = "64", not(windows)))]
        {
            assert_eq!(size_of::<PaStreamParameters>(), 32);
            assert_eq!(size_of::<PaDeviceInfo>(), 72);
            assert_eq!(size_of::<PaStreamCallbackTimeInfo>(), 24);
            assert_eq!(size_of::<PaStreamInfo>(), 32);
            assert_eq!(size_of::<PaHostApiInfo>(), 32);
            assert_eq!(size_of::<PaAlsaStreamInfo>(), 32);
        }
    }

    #[test]
    fn loads_the_system_library_and_reads_its_version() {
        let pa = library().expect("libportaudio2 must be installed for the tests");
        // SAFETY: both functions may be called before Pa_Initialize.
        let (version, text) = unsafe {
            (
                (pa.Pa_GetVersion)(),
                CStr::from_ptr((pa.Pa_GetVersionText)()),
            )
        };
        assert!(version >= 1900, "version {version}");
        assert!(text.to_str().unwrap().contains("PortAudio"));
    }

    #[test]
    fn missing_library_names_what_was_tried() {
        let err = LoadError {
            tried: vec![("libnothere.so".into(), "not found".into())],
        };
        let text = err.to_string();
        assert!(text.contains("libnothere.so"));
        assert!(text.contains(LIBRARY_PATH_ENV));
    }
}
