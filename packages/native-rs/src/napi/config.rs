//! Stream configuration objects from JavaScript. The TypeScript layer has
//! already resolved defaults and validated values; this checks shapes again
//! so that nothing unchecked reaches PortAudio.

use super::errors::to_js;
use crate::engine::buffers::{PlaySource, RecSink};
use crate::engine::resample::Quality;
use crate::engine::stream::{Config, Mode};
use crate::pa::params::{DirectionParams, HostSettings, SampleFormat};
use crate::pa::Error;
use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use std::any::Any;

#[napi(object)]
pub struct HostSettingsJs {
    /// "asio", "coreaudio" or "wasapi".
    pub kind: String,
    pub channel_selectors: Option<Vec<i32>>,
    pub channel_map: Option<Vec<i32>>,
    pub flags: Option<u32>,
}

#[napi(object)]
pub struct DirectionJs {
    pub device: i32,
    pub channels: i32,
    pub dtype: String,
    pub latency: f64,
    pub extra_settings: Option<HostSettingsJs>,
}

#[napi(object, object_to_js = false)]
pub struct PlayJs {
    /// Interleaved source frames in the output dtype.
    pub data: Uint8Array,
    pub channels: u32,
    /// For each device output channel: source channel or -1 (silent).
    pub map: Vec<i32>,
    pub looping: bool,
}

#[napi(object, object_to_js = false)]
pub struct RecJs {
    /// Destination for interleaved frames in the input dtype.
    pub data: Uint8Array,
    /// For each destination channel: the device input channel.
    pub map: Vec<u32>,
}

#[napi(object, object_to_js = false)]
pub struct StreamConfigJs {
    pub input: Option<DirectionJs>,
    pub output: Option<DirectionJs>,
    pub sample_rate: f64,
    pub block_size: u32,
    pub flags: u32,
    /// "callback", "blocking" or "buffers".
    pub mode: String,
    pub cushion: Option<u32>,
    pub ring_frames: Option<u32>,
    pub play: Option<PlayJs>,
    pub rec: Option<RecJs>,
    /// "Stream", "InputStream", "OutputStream", "RawStream", … for messages.
    pub kind: String,
    /// Quality of the sample-rate conversion ("low", "medium", "high",
    /// "best"); absent: no conversion (`resample: false`).
    pub resample: Option<String>,
}

fn range(msg: String) -> napi::Error {
    to_js(Error::Range(msg))
}

pub fn direction(d: DirectionJs) -> napi::Result<DirectionParams> {
    if d.channels < 1 {
        return Err(range(format!(
            "channels must be a positive integer, got {}",
            d.channels
        )));
    }
    if !d.latency.is_finite() || d.latency < 0.0 {
        return Err(range(format!(
            "latency must be a non-negative number of seconds, got {}",
            d.latency
        )));
    }
    let format = SampleFormat::parse(&d.dtype).map_err(to_js)?;
    let settings = d.extra_settings.map(host_settings).transpose()?;
    Ok(DirectionParams {
        device: d.device,
        channels: d.channels,
        format,
        latency: d.latency,
        settings,
    })
}

fn host_settings(s: HostSettingsJs) -> napi::Result<HostSettings> {
    Ok(match s.kind.as_str() {
        "asio" => HostSettings::Asio { channel_selectors: s.channel_selectors.unwrap_or_default() },
        "coreaudio" => HostSettings::CoreAudio { channel_map: s.channel_map, flags: s.flags.unwrap_or(0) },
        "wasapi" => HostSettings::Wasapi { flags: s.flags.unwrap_or(0) },
        other => {
            return Err(range(format!(
                "extraSettings must be AsioSettings, CoreAudioSettings or WasapiSettings, got kind '{other}'"
            )))
        }
    })
}

/// Builds the engine configuration; pinned JS buffers are returned so the
/// stream can keep them alive while the audio thread uses them.
pub fn stream_config(
    c: StreamConfigJs,
    owner: u64,
) -> napi::Result<(Config, Vec<Box<dyn Any + Send>>)> {
    let input = c.input.map(direction).transpose()?;
    let output = c.output.map(direction).transpose()?;
    if input.is_none() && output.is_none() {
        return Err(range("a stream needs an input, an output or both".into()));
    }
    if !c.sample_rate.is_finite() || c.sample_rate <= 0.0 {
        return Err(range(format!(
            "sampleRate must be a positive number, got {}",
            c.sample_rate
        )));
    }
    let resample = c
        .resample
        .as_deref()
        .map(Quality::parse)
        .transpose()
        .map_err(to_js)?;
    let mut pinned: Vec<Box<dyn Any + Send>> = Vec::new();
    let mode = match c.mode.as_str() {
        "callback" => Mode::Callback {
            cushion: c.cushion.unwrap_or(2),
        },
        "blocking" => Mode::Blocking {
            ring_frames: c.ring_frames.unwrap_or(0) as usize,
        },
        "buffers" => {
            let play = match (c.play, output.as_ref()) {
                (Some(p), Some(out)) => {
                    let sample = out.format.bytes();
                    let channels = p.channels as usize;
                    if channels == 0 || p.map.len() != out.channels as usize {
                        return Err(range(
                            "play: map must have one entry per output channel".into(),
                        ));
                    }
                    if p.map.iter().any(|&m| m >= channels as i32) {
                        return Err(range("play: map refers to a missing source channel".into()));
                    }
                    let frame = channels * sample;
                    if p.data.len() % frame != 0 {
                        return Err(range("play: data is not a whole number of frames".into()));
                    }
                    let frames = p.data.len() / frame;
                    // SAFETY: `data` is a referenced JS typed array (the
                    // reference is kept in `pinned` until the stream is
                    // closed), so its memory stays valid and unmoved.
                    let src = unsafe {
                        PlaySource::new(
                            p.data.as_ptr(),
                            frames,
                            channels,
                            sample,
                            p.map,
                            p.looping,
                            out.format.silence_byte(),
                        )
                    };
                    pinned.push(Box::new(p.data));
                    Some(src)
                }
                (Some(_), None) => return Err(range("play needs an output".into())),
                (None, _) => None,
            };
            let rec = match (c.rec, input.as_ref()) {
                (Some(mut r), Some(inp)) => {
                    let sample = inp.format.bytes();
                    if r.map.is_empty() || r.map.iter().any(|&m| m >= inp.channels as u32) {
                        return Err(range("rec: map must name existing input channels".into()));
                    }
                    let frame = r.map.len() * sample;
                    if r.data.len() % frame != 0 {
                        return Err(range("rec: out is not a whole number of frames".into()));
                    }
                    let frames = r.data.len() / frame;
                    let map = r.map.iter().map(|&m| m as usize).collect();
                    // SAFETY: `as_mut` only exposes the typed array's memory;
                    // JS must not touch it while recording (documented), and
                    // the reference kept in `pinned` keeps it alive.
                    let ptr = unsafe { r.data.as_mut() }.as_mut_ptr();
                    // SAFETY: as above: valid, unmoved, `frames * map.len() *
                    // sample` bytes long until the stream is closed.
                    let sink =
                        unsafe { RecSink::new(ptr, frames, sample, map, inp.channels as usize) };
                    pinned.push(Box::new(r.data));
                    Some(sink)
                }
                (Some(_), None) => return Err(range("rec needs an input".into())),
                (None, _) => None,
            };
            Mode::Buffers { play, rec }
        }
        other => {
            return Err(range(format!(
                "mode must be 'callback', 'blocking' or 'buffers', got '{other}'"
            )))
        }
    };
    Ok((
        Config {
            input,
            output,
            sample_rate: c.sample_rate,
            block_size: c.block_size,
            flags: c.flags,
            mode,
            kind: c.kind,
            owner,
            resample,
        },
        pinned,
    ))
}
