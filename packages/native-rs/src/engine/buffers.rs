//! Whole-array playback and recording (`play`/`rec`/`playrec`): the audio
//! thread reads from and writes into memory handed over once, with channel
//! mapping, so no JavaScript runs per block.

use std::ptr;

/// Interleaved source frames played to the device, with a channel map.
pub struct PlaySource {
    data: *const u8,
    frames: usize,
    channels: usize,
    sample: usize,
    /// For each device output channel: the source channel, or -1 for silence.
    map: Vec<i32>,
    looping: bool,
    pos: usize,
    silence: u8,
    identity: bool,
}

// SAFETY: the pointer is only dereferenced by the audio thread, and the owner
// guarantees the memory outlives the stream (see `PlaySource::new`).
unsafe impl Send for PlaySource {}

impl PlaySource {
    /// # Safety
    /// `data` must point to `frames * channels * sample` readable bytes that
    /// stay valid and unmoved until the stream using this source is closed.
    pub unsafe fn new(
        data: *const u8,
        frames: usize,
        channels: usize,
        sample: usize,
        map: Vec<i32>,
        looping: bool,
        silence: u8,
    ) -> Self {
        let identity = map.len() == channels && map.iter().enumerate().all(|(i, &c)| c == i as i32);
        PlaySource {
            data,
            frames,
            channels,
            sample,
            map,
            looping,
            pos: 0,
            silence,
            identity,
        }
    }

    pub fn rewind(&mut self) {
        self.pos = 0;
    }

    /// Fills `out` (`frames` device frames). Returns true once every source
    /// frame has been played (never while looping).
    pub fn render(&mut self, out: &mut [u8], frames: usize) -> bool {
        let dev_frame = self.map.len() * self.sample;
        let src_frame = self.channels * self.sample;
        let mut done = 0;
        while done < frames {
            if self.pos >= self.frames {
                if self.looping && self.frames > 0 {
                    self.pos = 0;
                } else {
                    out[done * dev_frame..frames * dev_frame].fill(self.silence);
                    return true;
                }
            }
            let n = (frames - done).min(self.frames - self.pos);
            let dst = &mut out[done * dev_frame..(done + n) * dev_frame];
            // SAFETY: pos + n <= self.frames, so the range is inside the
            // buffer guaranteed by `new`.
            let src = unsafe {
                std::slice::from_raw_parts(self.data.add(self.pos * src_frame), n * src_frame)
            };
            if self.identity {
                dst.copy_from_slice(src);
            } else {
                for (d, s) in dst
                    .chunks_exact_mut(dev_frame)
                    .zip(src.chunks_exact(src_frame))
                {
                    for (c, &m) in self.map.iter().enumerate() {
                        let to = &mut d[c * self.sample..(c + 1) * self.sample];
                        if m < 0 {
                            to.fill(self.silence);
                        } else {
                            let m = m as usize;
                            to.copy_from_slice(&s[m * self.sample..(m + 1) * self.sample]);
                        }
                    }
                }
            }
            self.pos += n;
            done += n;
        }
        !self.looping && self.pos >= self.frames
    }
}

/// Interleaved destination frames recorded from the device, with a channel map.
pub struct RecSink {
    data: *mut u8,
    frames: usize,
    sample: usize,
    /// For each destination channel: the device input channel it takes.
    map: Vec<usize>,
    dev_channels: usize,
    pos: usize,
    identity: bool,
}

// SAFETY: as for `PlaySource`; the memory is written only by the audio thread.
unsafe impl Send for RecSink {}

impl RecSink {
    /// # Safety
    /// `data` must point to `frames * map.len() * sample` writable bytes that
    /// stay valid and unmoved until the stream using this sink is closed.
    pub unsafe fn new(
        data: *mut u8,
        frames: usize,
        sample: usize,
        map: Vec<usize>,
        dev_channels: usize,
    ) -> Self {
        let identity = map.len() == dev_channels && map.iter().enumerate().all(|(i, &c)| c == i);
        RecSink {
            data,
            frames,
            sample,
            map,
            dev_channels,
            pos: 0,
            identity,
        }
    }

    pub fn rewind(&mut self) {
        self.pos = 0;
    }

    pub fn is_full(&self) -> bool {
        self.pos >= self.frames
    }

    /// Stores up to `frames` device frames from `input`. Returns true when
    /// the destination is full.
    pub fn capture(&mut self, input: &[u8], frames: usize) -> bool {
        let n = frames.min(self.frames - self.pos);
        let dev_frame = self.dev_channels * self.sample;
        let dst_frame = self.map.len() * self.sample;
        // SAFETY: pos + n <= self.frames: the range is inside the buffer
        // guaranteed by `new`, and nothing else writes it meanwhile.
        let dst = unsafe {
            std::slice::from_raw_parts_mut(self.data.add(self.pos * dst_frame), n * dst_frame)
        };
        let src = &input[..n * dev_frame];
        if self.identity {
            dst.copy_from_slice(src);
        } else {
            for (d, s) in dst
                .chunks_exact_mut(dst_frame)
                .zip(src.chunks_exact(dev_frame))
            {
                for (c, &m) in self.map.iter().enumerate() {
                    d[c * self.sample..(c + 1) * self.sample]
                        .copy_from_slice(&s[m * self.sample..(m + 1) * self.sample]);
                }
            }
        }
        self.pos += n;
        self.is_full()
    }

    /// Fills the rest with silence when the input is missing (never happens
    /// with a duplex or input stream; kept for safety on odd hosts).
    pub fn fill_silence(&mut self, frames: usize) -> bool {
        let n = frames.min(self.frames - self.pos);
        let dst_frame = self.map.len() * self.sample;
        // SAFETY: in bounds as in `capture`.
        unsafe { ptr::write_bytes(self.data.add(self.pos * dst_frame), 0, n * dst_frame) };
        self.pos += n;
        self.is_full()
    }
}
