//! Stream parameters: sample formats and the host-API-specific stream info
//! structs, owned so their pointers stay valid while PortAudio uses them.

use super::error::{check, Error, Result};
use super::library::{initialized, serialized};
use portaudio_sys as sys;
use std::os::raw::{c_int, c_ulong, c_void};
use std::ptr;

/// The sample formats of `dtype` (non-interleaved is never used: data is
/// always interleaved frames).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    Float32,
    Int32,
    Int24,
    Int16,
    Int8,
    UInt8,
}

impl SampleFormat {
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "float32" => Self::Float32,
            "int32" => Self::Int32,
            "int24" => Self::Int24,
            "int16" => Self::Int16,
            "int8" => Self::Int8,
            "uint8" => Self::UInt8,
            other => {
                return Err(Error::Range(format!(
                    "dtype must be one of 'float32', 'int32', 'int24', 'int16', 'int8', 'uint8', got '{other}'"
                )))
            }
        })
    }

    pub fn bytes(self) -> usize {
        match self {
            Self::Float32 | Self::Int32 => 4,
            Self::Int24 => 3,
            Self::Int16 => 2,
            Self::Int8 | Self::UInt8 => 1,
        }
    }

    pub fn pa(self) -> sys::PaSampleFormat {
        match self {
            Self::Float32 => sys::paFloat32,
            Self::Int32 => sys::paInt32,
            Self::Int24 => sys::paInt24,
            Self::Int16 => sys::paInt16,
            Self::Int8 => sys::paInt8,
            Self::UInt8 => sys::paUInt8,
        }
    }

    /// The byte pattern of silence (0 for signed formats, 128 for uint8).
    pub fn silence_byte(self) -> u8 {
        if self == Self::UInt8 {
            0x80
        } else {
            0
        }
    }
}

/// Host-API-specific settings (`AsioSettings`, `CoreAudioSettings`,
/// `WasapiSettings` in JavaScript).
#[derive(Debug, Clone)]
pub enum HostSettings {
    Asio {
        channel_selectors: Vec<i32>,
    },
    CoreAudio {
        channel_map: Option<Vec<i32>>,
        flags: u32,
    },
    Wasapi {
        flags: u32,
    },
}

/// One direction (input or output) of a stream.
#[derive(Debug, Clone)]
pub struct DirectionParams {
    pub device: i32,
    pub channels: i32,
    pub format: SampleFormat,
    pub latency: f64,
    pub settings: Option<HostSettings>,
}

/// Owned storage behind `hostApiSpecificStreamInfo`.
enum HostInfo {
    Asio(Box<sys::PaAsioStreamInfo>, #[allow(dead_code)] Vec<c_int>),
    CoreAudio(Box<sys::PaMacCoreStreamInfo>, #[allow(dead_code)] Vec<i32>),
    Wasapi(Box<sys::PaWasapiStreamInfo>),
}

/// `PaStreamParameters` plus whatever its pointers point to.
pub struct Prepared {
    pub raw: sys::PaStreamParameters,
    _host_info: Option<HostInfo>,
}

// SAFETY: the raw pointer inside `raw` points into `_host_info`, which this
// struct owns and never mutates after construction.
unsafe impl Send for Prepared {}

impl DirectionParams {
    /// Validates the device index and builds the C struct.
    pub fn prepare(&self) -> Result<Prepared> {
        let pa = initialized()?;
        // SAFETY: PortAudio is initialized.
        let count = unsafe { (pa.Pa_GetDeviceCount)() };
        if self.device < 0 || self.device >= count {
            return Err(Error::Range(format!(
                "device must be a device index from 0 to {}, got {}",
                count - 1,
                self.device
            )));
        }
        let mut host_info = self.settings.as_ref().map(|s| match s {
            HostSettings::Asio { channel_selectors } => {
                let mut selectors: Vec<c_int> = channel_selectors.clone();
                let info = Box::new(sys::PaAsioStreamInfo {
                    size: std::mem::size_of::<sys::PaAsioStreamInfo>() as c_ulong,
                    hostApiType: sys::paASIO,
                    version: 1,
                    flags: sys::paAsioUseChannelSelectors,
                    channelSelectors: selectors.as_mut_ptr(),
                });
                HostInfo::Asio(info, selectors)
            }
            HostSettings::CoreAudio { channel_map, flags } => {
                let map = channel_map.clone().unwrap_or_default();
                let info = Box::new(sys::PaMacCoreStreamInfo {
                    size: std::mem::size_of::<sys::PaMacCoreStreamInfo>() as c_ulong,
                    hostApiType: sys::paCoreAudio,
                    version: 0x01,
                    flags: *flags as c_ulong,
                    channelMap: if map.is_empty() {
                        ptr::null()
                    } else {
                        map.as_ptr()
                    },
                    channelMapSize: map.len() as c_ulong,
                });
                HostInfo::CoreAudio(info, map)
            }
            HostSettings::Wasapi { flags } => HostInfo::Wasapi(Box::new(sys::PaWasapiStreamInfo {
                size: std::mem::size_of::<sys::PaWasapiStreamInfo>() as c_ulong,
                hostApiType: sys::paWASAPI,
                version: 1,
                flags: *flags as c_ulong,
                channelMask: 0,
                hostProcessorOutput: None,
                hostProcessorInput: None,
                threadPriority: 0,
                streamCategory: 0,
                streamOption: 0,
            })),
        });
        let info_ptr: *mut c_void = match host_info.as_mut() {
            None => ptr::null_mut(),
            Some(HostInfo::Asio(b, _)) => (&mut **b as *mut sys::PaAsioStreamInfo).cast(),
            Some(HostInfo::CoreAudio(b, _)) => (&mut **b as *mut sys::PaMacCoreStreamInfo).cast(),
            Some(HostInfo::Wasapi(b)) => (&mut **b as *mut sys::PaWasapiStreamInfo).cast(),
        };
        Ok(Prepared {
            raw: sys::PaStreamParameters {
                device: self.device,
                channelCount: self.channels,
                sampleFormat: self.format.pa(),
                suggestedLatency: self.latency,
                hostApiSpecificStreamInfo: info_ptr,
            },
            _host_info: host_info,
        })
    }
}

/// `Pa_IsFormatSupported`: `Ok(())` or the PortAudio error.
pub fn check_format(
    input: Option<&DirectionParams>,
    output: Option<&DirectionParams>,
    sample_rate: f64,
) -> Result<()> {
    let pa = initialized()?;
    let input = input.map(DirectionParams::prepare).transpose()?;
    let output = output.map(DirectionParams::prepare).transpose()?;
    let ip = input.as_ref().map_or(ptr::null(), |p| &p.raw as *const _);
    let op = output.as_ref().map_or(ptr::null(), |p| &p.raw as *const _);
    // SAFETY: the parameter structs (and what they point to) outlive the call.
    let code = serialized(|| unsafe { (pa.Pa_IsFormatSupported)(ip, op, sample_rate) });
    let context = match (ip.is_null(), op.is_null()) {
        (false, true) => "Error checking input settings",
        (true, false) => "Error checking output settings",
        _ => "Error checking settings",
    };
    check(code, context).map(|_| ())
}
