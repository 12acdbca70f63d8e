//! The non-real-time ends of the rings: read by the JS callback pump, a
//! `processor` worker or blocking `read`/`write`. Guarded by a `Mutex` in the
//! stream (never taken by the audio thread).

use super::block::BlockMeta;
use rtrb::{Consumer, Producer};

/// What [`ClientSide::take_block`] found.
pub enum Take {
    Taken(BlockMeta),
    TooSmall(u32),
    None,
}

pub struct ClientSide {
    pub input: Option<Consumer<u8>>,
    pub output: Option<Producer<u8>>,
    pub meta: Option<Consumer<BlockMeta>>,
    pub in_frame: usize,
    pub out_frame: usize,
}

impl ClientSide {
    /// Whole frames that can be read without waiting.
    pub fn read_available(&self) -> usize {
        match &self.input {
            Some(c) if self.in_frame > 0 => c.slots() / self.in_frame,
            _ => 0,
        }
    }

    /// Whole frames that can be written without waiting.
    pub fn write_available(&self) -> usize {
        match &self.output {
            Some(p) if self.out_frame > 0 => p.slots() / self.out_frame,
            _ => 0,
        }
    }

    /// Copies as many whole frames as are ready into `dst`; returns bytes.
    pub fn read_into(&mut self, dst: &mut [u8]) -> usize {
        let frames = (dst.len() / self.in_frame.max(1)).min(self.read_available());
        let n = frames * self.in_frame;
        if n > 0 {
            if let Some(c) = self.input.as_mut() {
                // Cannot fail: `n` bytes are available (checked above).
                let _ = c.pop_entire_slice(&mut dst[..n]);
            }
        }
        n
    }

    /// Copies as many whole frames as fit from `src`; returns bytes.
    pub fn write_from(&mut self, src: &[u8]) -> usize {
        let frames = (src.len() / self.out_frame.max(1)).min(self.write_available());
        let n = frames * self.out_frame;
        if n > 0 {
            if let Some(p) = self.output.as_mut() {
                // Cannot fail: `n` bytes are free (checked above).
                let _ = p.push_entire_slice(&src[..n]);
            }
        }
        n
    }

    /// Takes the next block of a callback stream: its metadata, with its
    /// input copied into `indata` (which must hold `frames * in_frame` bytes).
    pub fn next_block(&mut self, indata: &mut [u8]) -> Option<BlockMeta> {
        let meta = self.meta.as_mut()?.pop().ok()?;
        let n = meta.frames as usize * self.in_frame;
        if let Some(c) = self.input.as_mut() {
            if n > 0 {
                if indata.len() >= n {
                    // The audio thread pushed the input before the metadata.
                    let _ = c.pop_entire_slice(&mut indata[..n]);
                } else if let Ok(chunk) = c.read_chunk(n) {
                    chunk.commit_all();
                }
            }
        }
        Some(meta)
    }

    /// Takes the next block if its input fits in `indata`: `Taken` with its
    /// metadata (input copied in), `TooSmall` with the frames it needs (the
    /// block stays queued), or `None` when no block is waiting.
    pub fn take_block(&mut self, indata: &mut [u8]) -> Take {
        match self.next_block_frames() {
            None => Take::None,
            Some(frames) if frames as usize * self.in_frame > indata.len() => {
                Take::TooSmall(frames)
            }
            Some(_) => self.next_block(indata).map_or(Take::None, Take::Taken),
        }
    }

    /// Frames of the next waiting block, if any.
    pub fn next_block_frames(&self) -> Option<u32> {
        self.meta.as_ref()?.peek().ok().map(|m| m.frames)
    }

    /// Number of blocks waiting for the client.
    pub fn blocks_ready(&self) -> usize {
        self.meta.as_ref().map_or(0, |m| m.slots())
    }

    /// Drops the client's ends of the rings (after close): their memory is
    /// freed, since the audio thread's ends are gone already. Everything
    /// then reads as empty.
    pub fn release_rings(&mut self) {
        self.input = None;
        self.output = None;
        self.meta = None;
    }

    /// Drops everything the audio thread queued (before a restart).
    pub fn clear_inbound(&mut self) {
        if let Some(c) = self.input.as_mut() {
            if let Ok(chunk) = c.read_chunk(c.slots()) {
                chunk.commit_all();
            }
        }
        if let Some(m) = self.meta.as_mut() {
            while m.pop().is_ok() {}
        }
    }
}
