//! Errors of the PortAudio layer, each carrying the JavaScript error class it
//! becomes (the napi layer only translates, it never decides).

use portaudio_sys as sys;
use std::ffi::CStr;
use std::fmt;

/// The host API's own error behind `paUnanticipatedHostError`.
#[derive(Debug, Clone, PartialEq)]
pub struct HostError {
    pub host_api: i32,
    pub code: i64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A PortAudio call failed (becomes `PortAudioError` with its code).
    PortAudio {
        text: String,
        code: i32,
        host: Option<HostError>,
    },
    /// PortAudio could not be used at all (library missing, stream closed…):
    /// `PortAudioError` without a code.
    Unavailable(String),
    /// A value of the wrong type reached native code (`TypeError`).
    Type(String),
    /// A value out of range reached native code (`RangeError`).
    Range(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::PortAudio { text, code, .. } => write!(f, "{text} [PaErrorCode {code}]"),
            Error::Unavailable(text) | Error::Type(text) | Error::Range(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for Error {}

/// PortAudio's description of an error code.
pub fn error_text(code: i32) -> String {
    match super::library::loaded() {
        Ok(pa) => {
            // SAFETY: Pa_GetErrorText accepts any code (it has a default text)
            // and returns a pointer to a static string.
            let text = unsafe { CStr::from_ptr((pa.Pa_GetErrorText)(code)) };
            text.to_string_lossy().into_owned()
        }
        Err(_) => format!("PortAudio error {code}"),
    }
}

/// Turns a negative PortAudio return value into [`Error::PortAudio`], with
/// `context` in front of PortAudio's text (`"Error opening Stream"`).
pub fn check(code: i32, context: &str) -> Result<i32> {
    if code >= 0 {
        return Ok(code);
    }
    let mut host = None;
    if code == sys::paUnanticipatedHostError {
        if let Ok(pa) = super::library::loaded() {
            // SAFETY: valid after any failed call; returns a pointer to a
            // static struct (or null on very old versions, checked below).
            let info = unsafe { (pa.Pa_GetLastHostErrorInfo)() };
            if !info.is_null() {
                // SAFETY: non-null pointer to PortAudio's static struct.
                let info = unsafe { &*info };
                let text = if info.errorText.is_null() {
                    String::new()
                } else {
                    // SAFETY: non-null NUL-terminated string owned by PortAudio.
                    unsafe { CStr::from_ptr(info.errorText) }
                        .to_string_lossy()
                        .into_owned()
                };
                // SAFETY: plain query, valid while PortAudio is initialized.
                let index = unsafe { (pa.Pa_HostApiTypeIdToHostApiIndex)(info.hostApiType) };
                // `c_long` is 32 bits on Windows, 64 elsewhere.
                #[allow(clippy::unnecessary_cast)]
                let host_code = info.errorCode as i64;
                host = Some(HostError {
                    host_api: index,
                    code: host_code,
                    text,
                });
            }
        }
    }
    let base = error_text(code);
    let text = if context.is_empty() {
        base
    } else {
        format!("{context}: {base}")
    };
    Err(Error::PortAudio { text, code, host })
}
