//! Host-API-specific stream info structs and flags (pa_asio.h, pa_mac_core.h,
//! pa_win_wasapi.h, pa_linux_alsa.h). JACK has no stream info struct; its
//! extension functions (`PaJack_SetClientName`, `PaJack_GetClientName`) are in
//! the loader.

use crate::types::PaHostApiTypeId;
use std::os::raw::{c_char, c_int, c_ulong, c_void};

/// `PaAsioStreamInfo` (version 1).
#[repr(C)]
#[derive(Debug)]
pub struct PaAsioStreamInfo {
    pub size: c_ulong,
    pub hostApiType: PaHostApiTypeId,
    pub version: c_ulong,
    pub flags: c_ulong,
    pub channelSelectors: *mut c_int,
}
pub const paAsioUseChannelSelectors: c_ulong = 0x01;

/// `PaMacCoreStreamInfo` (version 0x01).
#[repr(C)]
#[derive(Debug)]
pub struct PaMacCoreStreamInfo {
    pub size: c_ulong,
    pub hostApiType: PaHostApiTypeId,
    pub version: c_ulong,
    pub flags: c_ulong,
    pub channelMap: *const i32,
    pub channelMapSize: c_ulong,
}
pub const paMacCoreChangeDeviceParameters: c_ulong = 0x01;
pub const paMacCoreFailIfConversionRequired: c_ulong = 0x02;
pub const paMacCoreConversionQualityMin: c_ulong = 0x0100;
pub const paMacCoreConversionQualityMedium: c_ulong = 0x0200;
pub const paMacCoreConversionQualityLow: c_ulong = 0x0300;
pub const paMacCoreConversionQualityHigh: c_ulong = 0x0400;
pub const paMacCoreConversionQualityMax: c_ulong = 0x0000;

/// `PaWasapiHostProcessorCallback`.
pub type PaWasapiHostProcessorCallback = unsafe extern "C" fn(
    input_buffer: *mut c_void,
    input_frames: std::os::raw::c_long,
    output_buffer: *mut c_void,
    output_frames: std::os::raw::c_long,
    user_data: *mut c_void,
);

/// `PaWasapiStreamInfo` (version 1, with the stream category and option
/// fields of PortAudio 19.6+).
#[repr(C)]
#[derive(Debug)]
pub struct PaWasapiStreamInfo {
    pub size: c_ulong,
    pub hostApiType: PaHostApiTypeId,
    pub version: c_ulong,
    pub flags: c_ulong,
    pub channelMask: c_ulong,
    pub hostProcessorOutput: Option<PaWasapiHostProcessorCallback>,
    pub hostProcessorInput: Option<PaWasapiHostProcessorCallback>,
    pub threadPriority: c_int,
    pub streamCategory: c_int,
    pub streamOption: c_int,
}
pub const paWinWasapiExclusive: c_ulong = 1;
pub const paWinWasapiRedirectHostProcessor: c_ulong = 2;
pub const paWinWasapiUseChannelMask: c_ulong = 4;
pub const paWinWasapiPolling: c_ulong = 8;
pub const paWinWasapiThreadPriority: c_ulong = 16;
pub const paWinWasapiExplicitSampleFormat: c_ulong = 32;
pub const paWinWasapiAutoConvert: c_ulong = 64;

/// `PaAlsaStreamInfo` (version 1): open an arbitrary ALSA device string.
#[repr(C)]
#[derive(Debug)]
pub struct PaAlsaStreamInfo {
    pub size: c_ulong,
    pub hostApiType: PaHostApiTypeId,
    pub version: c_ulong,
    pub deviceString: *const c_char,
}
