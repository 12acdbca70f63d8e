//! Interleaved samples of a `dtype` to and from `f32`, for the sample-rate
//! converter (which works in `f32`). Full scale is 2^(bits-1) both ways, so
//! a sample that is not changed comes back exactly; out-of-range values are
//! clipped. Never allocates.

use crate::pa::params::SampleFormat;

/// Decodes `out.len()` samples from `src` (in `format`) into `out`.
pub fn to_f32(format: SampleFormat, src: &[u8], out: &mut [f32]) {
    match format {
        SampleFormat::Float32 => {
            for (o, b) in out.iter_mut().zip(src.chunks_exact(4)) {
                *o = f32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
            }
        }
        SampleFormat::Int32 => {
            for (o, b) in out.iter_mut().zip(src.chunks_exact(4)) {
                *o = (i32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as f64 / 2147483648.0) as f32;
            }
        }
        SampleFormat::Int24 => {
            for (o, b) in out.iter_mut().zip(src.chunks_exact(3)) {
                // Packed little-endian (PortAudio's paInt24 on these hosts).
                let v = i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8;
                *o = v as f32 / 8388608.0;
            }
        }
        SampleFormat::Int16 => {
            for (o, b) in out.iter_mut().zip(src.chunks_exact(2)) {
                *o = i16::from_ne_bytes([b[0], b[1]]) as f32 / 32768.0;
            }
        }
        SampleFormat::Int8 => {
            for (o, &b) in out.iter_mut().zip(src) {
                *o = b as i8 as f32 / 128.0;
            }
        }
        SampleFormat::UInt8 => {
            for (o, &b) in out.iter_mut().zip(src) {
                *o = (b as i32 - 128) as f32 / 128.0;
            }
        }
    }
}

fn scaled(x: f32, full: f64) -> i64 {
    let v = (x as f64 * full).round();
    v.clamp(-full, full - 1.0) as i64
}

/// Encodes `src` into `out` (in `format`, `src.len()` samples).
pub fn from_f32(format: SampleFormat, src: &[f32], out: &mut [u8]) {
    match format {
        SampleFormat::Float32 => {
            for (b, &x) in out.chunks_exact_mut(4).zip(src) {
                b.copy_from_slice(&x.to_ne_bytes());
            }
        }
        SampleFormat::Int32 => {
            for (b, &x) in out.chunks_exact_mut(4).zip(src) {
                b.copy_from_slice(&(scaled(x, 2147483648.0) as i32).to_ne_bytes());
            }
        }
        SampleFormat::Int24 => {
            for (b, &x) in out.chunks_exact_mut(3).zip(src) {
                let v = (scaled(x, 8388608.0) as i32).to_le_bytes();
                b.copy_from_slice(&v[..3]);
            }
        }
        SampleFormat::Int16 => {
            for (b, &x) in out.chunks_exact_mut(2).zip(src) {
                b.copy_from_slice(&(scaled(x, 32768.0) as i16).to_ne_bytes());
            }
        }
        SampleFormat::Int8 => {
            for (b, &x) in out.iter_mut().zip(src) {
                *b = scaled(x, 128.0) as i8 as u8;
            }
        }
        SampleFormat::UInt8 => {
            for (b, &x) in out.iter_mut().zip(src) {
                *b = (scaled(x, 128.0) + 128) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_format() {
        let xs = [0.0f32, 0.5, -0.5, 0.25, -1.0];
        for f in [
            SampleFormat::Float32,
            SampleFormat::Int32,
            SampleFormat::Int24,
            SampleFormat::Int16,
            SampleFormat::Int8,
            SampleFormat::UInt8,
        ] {
            let mut bytes = vec![0u8; xs.len() * f.bytes()];
            from_f32(f, &xs, &mut bytes);
            let mut back = [0f32; 5];
            to_f32(f, &bytes, &mut back);
            assert_eq!(back, xs, "{f:?}");
        }
    }

    #[test]
    fn clips_at_full_scale() {
        let mut b = [0u8; 2];
        from_f32(SampleFormat::Int16, &[1.5], &mut b);
        assert_eq!(i16::from_ne_bytes(b), i16::MAX);
    }
}
