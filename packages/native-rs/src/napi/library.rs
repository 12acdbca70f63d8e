//! Library-level functions: version, device and host API queries, settings
//! checks, re-initialization.

use super::config::{direction, DirectionJs};
use super::environment;
use super::errors::IntoJs;
use crate::pa::{devices, library, params};
use napi::bindgen_prelude::{AsyncTask, Task};
use napi::Env;
use napi_derive::napi;

#[napi(object)]
pub struct VersionJs {
    pub number: i32,
    pub text: String,
}

#[napi(object)]
pub struct DeviceInfoJs {
    pub name: String,
    pub index: i32,
    pub host_api: i32,
    pub max_input_channels: i32,
    pub max_output_channels: i32,
    pub default_low_input_latency: f64,
    pub default_low_output_latency: f64,
    pub default_high_input_latency: f64,
    pub default_high_output_latency: f64,
    pub default_sample_rate: f64,
}

#[napi(object)]
pub struct HostApiInfoJs {
    pub name: String,
    pub index: i32,
    pub type_id: i32,
    pub devices: Vec<i32>,
    pub default_input_device: i32,
    pub default_output_device: i32,
}

/// PortAudio's version number and text (loads, but does not initialize, PortAudio).
#[napi]
pub fn get_version() -> napi::Result<VersionJs> {
    let (number, text) = devices::version().js()?;
    Ok(VersionJs { number, text })
}

/// Where the PortAudio library was loaded from.
#[napi]
pub fn get_library_path() -> napi::Result<String> {
    Ok(library::loaded().js()?.path.clone())
}

/// Initializes PortAudio now (it is otherwise initialized on first use).
#[napi]
pub fn initialize(env: Env) -> napi::Result<()> {
    environment::current(&env);
    library::initialized().js().map(|_| ())
}

#[napi]
pub fn query_devices(env: Env) -> napi::Result<Vec<DeviceInfoJs>> {
    environment::current(&env);
    Ok(devices::devices()
        .js()?
        .into_iter()
        .map(|d| DeviceInfoJs {
            name: d.name,
            index: d.index,
            host_api: d.host_api,
            max_input_channels: d.max_input_channels,
            max_output_channels: d.max_output_channels,
            default_low_input_latency: d.default_low_input_latency,
            default_low_output_latency: d.default_low_output_latency,
            default_high_input_latency: d.default_high_input_latency,
            default_high_output_latency: d.default_high_output_latency,
            default_sample_rate: d.default_sample_rate,
        })
        .collect())
}

#[napi]
pub fn query_host_apis(env: Env) -> napi::Result<Vec<HostApiInfoJs>> {
    environment::current(&env);
    Ok(devices::host_apis()
        .js()?
        .into_iter()
        .map(|h| HostApiInfoJs {
            name: h.name,
            index: h.index,
            type_id: h.type_id,
            devices: h.devices,
            default_input_device: h.default_input_device,
            default_output_device: h.default_output_device,
        })
        .collect())
}

/// PortAudio's default host API index.
#[napi]
pub fn default_host_api(env: Env) -> napi::Result<i32> {
    environment::current(&env);
    devices::default_host_api().js()
}

/// `[defaultInput, defaultOutput]` device indices (-1 when none).
#[napi]
pub fn default_devices(env: Env) -> napi::Result<Vec<i32>> {
    environment::current(&env);
    let (i, o) = devices::default_devices().js()?;
    Ok(vec![i, o])
}

/// `Pa_IsFormatSupported` for the given directions; throws when unsupported.
#[napi]
pub fn check_settings(
    env: Env,
    input: Option<DirectionJs>,
    output: Option<DirectionJs>,
    sample_rate: f64,
) -> napi::Result<()> {
    environment::current(&env);
    let input = input.map(direction).transpose()?;
    let output = output.map(direction).transpose()?;
    params::check_format(input.as_ref(), output.as_ref(), sample_rate).js()
}

/// Terminates and re-initializes PortAudio to pick up new devices.
#[napi]
pub fn reinitialize(env: Env, stop_streams: bool) -> napi::Result<()> {
    environment::current(&env);
    library::reinitialize(stop_streams).js()
}

/// Closes all streams and terminates PortAudio (re-initialized on next use).
#[napi]
pub fn terminate(env: Env, stop_streams: bool) -> napi::Result<()> {
    environment::current(&env);
    library::terminate(stop_streams).js()
}

/// True while PortAudio is initialized (for tests and diagnostics).
#[napi]
pub fn is_initialized() -> bool {
    library::is_initialized()
}

/// How many instances of PortAudio were abandoned instead of terminated
/// because their JACK server went away (see `pa::library`).
#[napi]
pub fn abandoned_instances() -> u32 {
    library::abandoned_instances()
}

/// `Pa_OpenStream` calls on the JACK host API so far in this process
/// (streams, and the probes that check a JACK client is alive). PortAudio
/// 19.6 keeps about 450 bytes of each until it is terminated; leak tests
/// allow for that.
#[napi]
pub fn jack_opens() -> u32 {
    crate::pa::jack_graph::opens()
}

/// Whether the JACK server PortAudio connected to is known by its listening
/// socket (`pa::jack_server`), so that liveness needs no probe stream.
/// `forget: true` forgets it afterwards (for tests of the probe that remains the
/// fallback).
#[napi]
pub fn jack_server_known(forget: Option<bool>) -> bool {
    library::jack_server_known(forget.unwrap_or(false))
}

/// Streams of the engine that still exist in this process (every
/// environment), closed or not: a stream is dropped once its JavaScript
/// object is garbage-collected (and no worker or pending read/write holds
/// it). For leak tests.
#[napi]
pub fn live_streams() -> u32 {
    library::live_stream_count() as u32
}

/// Enumerates the devices again on libuv's thread pool, without touching
/// open streams (`pa::library::refresh`): the event loop (and the streams
/// whose callbacks run on it) keeps going while PortAudio initializes.
pub struct RefreshTask;

impl Task for RefreshTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<()> {
        library::refresh().js()
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> napi::Result<()> {
        Ok(())
    }
}

/// Makes the device list current without stopping or closing any stream;
/// resolves once `queryDevices()` returns the new list.
#[napi(ts_return_type = "Promise<void>")]
pub fn refresh_devices(env: Env) -> AsyncTask<RefreshTask> {
    environment::current(&env);
    AsyncTask::new(RefreshTask)
}

/// [`refresh_devices`], blocking the calling thread.
#[napi]
pub fn refresh_devices_sync(env: Env) -> napi::Result<()> {
    environment::current(&env);
    library::refresh().js()
}

#[napi(object)]
pub struct InstanceCountsJs {
    /// Instances still running streams opened before a refresh.
    pub retired: u32,
    /// Terminated instances kept for the next refresh.
    pub spare: u32,
    /// Copies of the library file loaded so far.
    pub copies: u32,
}

/// How many PortAudio instances exist (`pa::instance`), for leak tests;
/// terminates retired instances whose streams are all closed first.
#[napi]
pub fn instance_counts() -> InstanceCountsJs {
    let (retired, spare, copies) = library::instance_counts();
    InstanceCountsJs {
        retired: retired as u32,
        spare: spare as u32,
        copies,
    }
}
