//! Scalar types, constants and `#[repr(C)]` structs of `portaudio.h` (v19).

use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};

pub type PaError = c_int;
pub type PaDeviceIndex = c_int;
pub type PaHostApiIndex = c_int;
pub type PaHostApiTypeId = c_int;
pub type PaTime = f64;
pub type PaSampleFormat = c_ulong;
pub type PaStreamFlags = c_ulong;
pub type PaStreamCallbackFlags = c_ulong;

/// Opaque stream handle (`PaStream` is `void` in C).
pub type PaStream = c_void;

// PaErrorCode
pub const paNoError: PaError = 0;
pub const paNotInitialized: PaError = -10000;
pub const paUnanticipatedHostError: PaError = -9999;
pub const paInvalidChannelCount: PaError = -9998;
pub const paInvalidSampleRate: PaError = -9997;
pub const paInvalidDevice: PaError = -9996;
pub const paInvalidFlag: PaError = -9995;
pub const paSampleFormatNotSupported: PaError = -9994;
pub const paBadIODeviceCombination: PaError = -9993;
pub const paInsufficientMemory: PaError = -9992;
pub const paBufferTooBig: PaError = -9991;
pub const paBufferTooSmall: PaError = -9990;
pub const paNullCallback: PaError = -9989;
pub const paBadStreamPtr: PaError = -9988;
pub const paTimedOut: PaError = -9987;
pub const paInternalError: PaError = -9986;
pub const paDeviceUnavailable: PaError = -9985;
pub const paIncompatibleHostApiSpecificStreamInfo: PaError = -9984;
pub const paStreamIsStopped: PaError = -9983;
pub const paStreamIsNotStopped: PaError = -9982;
pub const paInputOverflowed: PaError = -9981;
pub const paOutputUnderflowed: PaError = -9980;
pub const paHostApiNotFound: PaError = -9979;
pub const paInvalidHostApi: PaError = -9978;
pub const paCanNotReadFromACallbackStream: PaError = -9977;
pub const paCanNotWriteToACallbackStream: PaError = -9976;
pub const paCanNotReadFromAnOutputOnlyStream: PaError = -9975;
pub const paCanNotWriteToAnInputOnlyStream: PaError = -9974;
pub const paIncompatibleStreamHostApi: PaError = -9973;
pub const paBadBufferPtr: PaError = -9972;

pub const paNoDevice: PaDeviceIndex = -1;
pub const paUseHostApiSpecificDeviceSpecification: PaDeviceIndex = -2;

// PaHostApiTypeId
pub const paInDevelopment: PaHostApiTypeId = 0;
pub const paDirectSound: PaHostApiTypeId = 1;
pub const paMME: PaHostApiTypeId = 2;
pub const paASIO: PaHostApiTypeId = 3;
pub const paSoundManager: PaHostApiTypeId = 4;
pub const paCoreAudio: PaHostApiTypeId = 5;
pub const paOSS: PaHostApiTypeId = 7;
pub const paALSA: PaHostApiTypeId = 8;
pub const paAL: PaHostApiTypeId = 9;
pub const paBeOS: PaHostApiTypeId = 10;
pub const paWDMKS: PaHostApiTypeId = 11;
pub const paJACK: PaHostApiTypeId = 12;
pub const paWASAPI: PaHostApiTypeId = 13;
pub const paAudioScienceHPI: PaHostApiTypeId = 14;

// PaSampleFormat
pub const paFloat32: PaSampleFormat = 0x0000_0001;
pub const paInt32: PaSampleFormat = 0x0000_0002;
pub const paInt24: PaSampleFormat = 0x0000_0004;
pub const paInt16: PaSampleFormat = 0x0000_0008;
pub const paInt8: PaSampleFormat = 0x0000_0010;
pub const paUInt8: PaSampleFormat = 0x0000_0020;
pub const paCustomFormat: PaSampleFormat = 0x0001_0000;
pub const paNonInterleaved: PaSampleFormat = 0x8000_0000;

pub const paFormatIsSupported: PaError = 0;
pub const paFramesPerBufferUnspecified: c_ulong = 0;

// PaStreamFlags
pub const paNoFlag: PaStreamFlags = 0;
pub const paClipOff: PaStreamFlags = 0x0000_0001;
pub const paDitherOff: PaStreamFlags = 0x0000_0002;
pub const paNeverDropInput: PaStreamFlags = 0x0000_0004;
pub const paPrimeOutputBuffersUsingStreamCallback: PaStreamFlags = 0x0000_0008;
pub const paPlatformSpecificFlags: PaStreamFlags = 0xFFFF_0000;

// PaStreamCallbackFlags
pub const paInputUnderflow: PaStreamCallbackFlags = 0x01;
pub const paInputOverflow: PaStreamCallbackFlags = 0x02;
pub const paOutputUnderflow: PaStreamCallbackFlags = 0x04;
pub const paOutputOverflow: PaStreamCallbackFlags = 0x08;
pub const paPrimingOutput: PaStreamCallbackFlags = 0x10;

// PaStreamCallbackResult
pub const paContinue: c_int = 0;
pub const paComplete: c_int = 1;
pub const paAbort: c_int = 2;

#[repr(C)]
#[derive(Debug)]
pub struct PaVersionInfo {
    pub versionMajor: c_int,
    pub versionMinor: c_int,
    pub versionSubMinor: c_int,
    pub versionControlRevision: *const c_char,
    pub versionText: *const c_char,
}

#[repr(C)]
#[derive(Debug)]
pub struct PaHostApiInfo {
    pub structVersion: c_int,
    pub type_: PaHostApiTypeId,
    pub name: *const c_char,
    pub deviceCount: c_int,
    pub defaultInputDevice: PaDeviceIndex,
    pub defaultOutputDevice: PaDeviceIndex,
}

#[repr(C)]
#[derive(Debug)]
pub struct PaHostErrorInfo {
    pub hostApiType: PaHostApiTypeId,
    pub errorCode: c_long,
    pub errorText: *const c_char,
}

#[repr(C)]
#[derive(Debug)]
pub struct PaDeviceInfo {
    pub structVersion: c_int,
    pub name: *const c_char,
    pub hostApi: PaHostApiIndex,
    pub maxInputChannels: c_int,
    pub maxOutputChannels: c_int,
    pub defaultLowInputLatency: PaTime,
    pub defaultLowOutputLatency: PaTime,
    pub defaultHighInputLatency: PaTime,
    pub defaultHighOutputLatency: PaTime,
    pub defaultSampleRate: f64,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PaStreamParameters {
    pub device: PaDeviceIndex,
    pub channelCount: c_int,
    pub sampleFormat: PaSampleFormat,
    pub suggestedLatency: PaTime,
    pub hostApiSpecificStreamInfo: *mut c_void,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct PaStreamCallbackTimeInfo {
    pub inputBufferAdcTime: PaTime,
    pub currentTime: PaTime,
    pub outputBufferDacTime: PaTime,
}

#[repr(C)]
#[derive(Debug)]
pub struct PaStreamInfo {
    pub structVersion: c_int,
    pub inputLatency: PaTime,
    pub outputLatency: PaTime,
    pub sampleRate: f64,
}

/// `PaStreamCallback`: runs on PortAudio's real-time thread.
pub type PaStreamCallback = unsafe extern "C" fn(
    input: *const c_void,
    output: *mut c_void,
    frame_count: c_ulong,
    time_info: *const PaStreamCallbackTimeInfo,
    status_flags: PaStreamCallbackFlags,
    user_data: *mut c_void,
) -> c_int;

/// `PaStreamFinishedCallback`: called when a stream becomes inactive.
pub type PaStreamFinishedCallback = unsafe extern "C" fn(user_data: *mut c_void);
