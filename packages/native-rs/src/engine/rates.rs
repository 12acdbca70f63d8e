//! Which rate the device runs at when the program's rate is not one it
//! supports (`resample`), and what the error says when conversion is off.

use crate::pa::devices;
use crate::pa::error::{Error, Result};
use crate::pa::params::{check_format, DirectionParams};
use portaudio_sys as sys;

/// The rates offered in messages and tried after the devices' defaults.
const COMMON_RATES: [f64; 10] = [
    8000.0, 11025.0, 16000.0, 22050.0, 32000.0, 44100.0, 48000.0, 88200.0, 96000.0, 192000.0,
];

fn supported(input: Option<&DirectionParams>, output: Option<&DirectionParams>, rate: f64) -> bool {
    check_format(input, output, rate).is_ok()
}

/// The common rates the devices accept, ascending.
pub fn supported_rates(
    input: Option<&DirectionParams>,
    output: Option<&DirectionParams>,
) -> Vec<f64> {
    COMMON_RATES
        .iter()
        .copied()
        .filter(|&r| supported(input, output, r))
        .collect()
}

/// `None` when the devices accept `rate` (no conversion); otherwise the rate
/// to run them at: the output's (else the input's) default rate, or the
/// nearest supported common rate above the requested one (else below).
pub fn device_rate(
    input: Option<&DirectionParams>,
    output: Option<&DirectionParams>,
    rate: f64,
) -> Result<Option<f64>> {
    if supported(input, output, rate) {
        return Ok(None);
    }
    let defaults = [output, input]
        .into_iter()
        .flatten()
        .filter_map(|d| devices::device(d.device).ok())
        .map(|d| d.default_sample_rate);
    for r in defaults {
        if r > 0.0 && supported(input, output, r) {
            return Ok(Some(r));
        }
    }
    let rates = supported_rates(input, output);
    let above = rates.iter().copied().find(|&r| r >= rate);
    match above.or_else(|| rates.last().copied()) {
        Some(r) => Ok(Some(r)),
        // Not a rate problem (channels, device…): let opening report it.
        None => Ok(None),
    }
}

fn list(rates: &[f64]) -> String {
    rates
        .iter()
        .map(|r| format!("{r}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds to an "Invalid sample rate" error which rates the devices support
/// and that the `resample` option converts.
pub fn explain(
    err: Error,
    input: Option<&DirectionParams>,
    output: Option<&DirectionParams>,
    rate: f64,
) -> Error {
    match err {
        Error::PortAudio { text, code, host } if code == sys::paInvalidSampleRate => {
            let rates = supported_rates(input, output);
            let supports = if rates.is_empty() {
                String::new()
            } else {
                format!("; the device supports {} Hz", list(&rates))
            };
            Error::PortAudio {
                text: format!(
                    "{text}: {rate} Hz{supports}. Pass resample: true to run the device at a \
                     rate it supports and convert"
                ),
                code,
                host,
            }
        }
        other => other,
    }
}
