//! Device and host API queries.

use super::error::{check, Error, Result};
use super::library::{initialized, loaded, serialized};
use std::ffi::CStr;
use std::os::raw::c_char;

#[derive(Debug, Clone)]
pub struct DeviceInfo {
    pub index: i32,
    pub name: String,
    pub host_api: i32,
    pub max_input_channels: i32,
    pub max_output_channels: i32,
    pub default_low_input_latency: f64,
    pub default_low_output_latency: f64,
    pub default_high_input_latency: f64,
    pub default_high_output_latency: f64,
    pub default_sample_rate: f64,
}

#[derive(Debug, Clone)]
pub struct HostApiInfo {
    pub index: i32,
    pub type_id: i32,
    pub name: String,
    pub devices: Vec<i32>,
    pub default_input_device: i32,
    pub default_output_device: i32,
}

fn string(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: PortAudio returns NUL-terminated strings that live as long as
    // PortAudio stays initialized; we copy at once.
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// `(version number, version text)` — works without initializing PortAudio.
pub fn version() -> Result<(i32, String)> {
    let pa = loaded()?;
    // SAFETY: both functions may be called at any time and return a number
    // and a pointer to a static string.
    let (number, text) = unsafe { ((pa.Pa_GetVersion)(), (pa.Pa_GetVersionText)()) };
    Ok((number, string(text)))
}

/// Every device PortAudio knows, in index order.
pub fn devices() -> Result<Vec<DeviceInfo>> {
    let pa = initialized()?;
    serialized(|| {
        // SAFETY: PortAudio is initialized.
        let count = check(
            unsafe { (pa.Pa_GetDeviceCount)() },
            "Error querying devices",
        )?;
        (0..count).map(|i| device_of(pa, i)).collect()
    })
}

/// One device by index.
pub fn device(index: i32) -> Result<DeviceInfo> {
    let pa = initialized()?;
    serialized(|| device_of(pa, index))
}

fn device_of(pa: &'static portaudio_sys::PortAudio, index: i32) -> Result<DeviceInfo> {
    // SAFETY: PortAudio is initialized; an invalid index yields null.
    let info = unsafe { (pa.Pa_GetDeviceInfo)(index) };
    if info.is_null() {
        return Err(Error::Range(format!(
            "Error querying device {index}: no such device"
        )));
    }
    // SAFETY: non-null pointer to a struct owned by PortAudio, valid until
    // Pa_Terminate; we copy every field now.
    let d = unsafe { &*info };
    Ok(DeviceInfo {
        index,
        name: string(d.name),
        host_api: d.hostApi,
        max_input_channels: d.maxInputChannels,
        max_output_channels: d.maxOutputChannels,
        default_low_input_latency: d.defaultLowInputLatency,
        default_low_output_latency: d.defaultLowOutputLatency,
        default_high_input_latency: d.defaultHighInputLatency,
        default_high_output_latency: d.defaultHighOutputLatency,
        default_sample_rate: d.defaultSampleRate,
    })
}

/// Every host API, with the global device indices of its devices.
pub fn host_apis() -> Result<Vec<HostApiInfo>> {
    let pa = initialized()?;
    serialized(|| host_apis_of(pa))
}

fn host_apis_of(pa: &'static portaudio_sys::PortAudio) -> Result<Vec<HostApiInfo>> {
    // SAFETY: PortAudio is initialized.
    let count = check(
        unsafe { (pa.Pa_GetHostApiCount)() },
        "Error querying host APIs",
    )?;
    let mut out = Vec::with_capacity(count as usize);
    for index in 0..count {
        // SAFETY: index is in range; pointer valid until Pa_Terminate.
        let info = unsafe { (pa.Pa_GetHostApiInfo)(index) };
        if info.is_null() {
            continue;
        }
        // SAFETY: non-null pointer to PortAudio's struct, copied now.
        let h = unsafe { &*info };
        let devices = (0..h.deviceCount)
            // SAFETY: both indices are in range.
            .map(|i| unsafe { (pa.Pa_HostApiDeviceIndexToDeviceIndex)(index, i) })
            .collect();
        out.push(HostApiInfo {
            index,
            type_id: h.type_,
            name: string(h.name),
            devices,
            default_input_device: h.defaultInputDevice,
            default_output_device: h.defaultOutputDevice,
        });
    }
    Ok(out)
}

/// PortAudio's default host API index.
pub fn default_host_api() -> Result<i32> {
    let pa = initialized()?;
    serialized(|| {
        check(
            // SAFETY: PortAudio is initialized.
            unsafe { (pa.Pa_GetDefaultHostApi)() },
            "Error querying the default host API",
        )
    })
}

/// PortAudio's default input and output device (-1 when there is none).
pub fn default_devices() -> Result<(i32, i32)> {
    let pa = initialized()?;
    // SAFETY: PortAudio is initialized; both are plain queries.
    Ok(serialized(|| unsafe {
        (
            (pa.Pa_GetDefaultInputDevice)(),
            (pa.Pa_GetDefaultOutputDevice)(),
        )
    }))
}
