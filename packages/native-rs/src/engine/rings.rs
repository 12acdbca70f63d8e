//! Building the rings of a stream: the audio thread's ends ([`RingsRt`]) and
//! the client's ends ([`ClientSide`]), sized once at open time so the audio
//! thread never allocates.

use super::block::BlockMeta;
use super::client::ClientSide;
use super::render::RingsRt;
use super::waiting::Pacing;
use rtrb::{Consumer, Producer, RingBuffer};

/// Blocks the rings of a callback stream hold beyond the cushion.
pub const RING_BLOCKS: usize = 32;

/// Blocks the output ring of a callback stream holds beyond its metadata
/// ring (see `callback_rings`).
pub const OUTPUT_SPARE_BLOCKS: usize = 2;

/// The most memory the rings of one stream may take. Allocation failures
/// abort a Rust process, so sizes from JavaScript (block size, cushion,
/// latency × rate) are checked against this first.
pub const MAX_RING_BYTES: usize = 1 << 30;

/// Frames each ring of a stream holds: `RING_BLOCKS + cushion` blocks for
/// callback streams, `ring_frames` (at least a block) for blocking ones.
pub fn ring_frames(
    callback: bool,
    cushion: u32,
    block_frames: usize,
    ring_frames: usize,
) -> Option<usize> {
    if callback {
        (RING_BLOCKS + OUTPUT_SPARE_BLOCKS + cushion as usize).checked_mul(block_frames)
    } else {
        Some(ring_frames.max(block_frames))
    }
}

/// `Err(message)` when rings of `frames` frames of `in_frame` + `out_frame`
/// bytes would exceed [`MAX_RING_BYTES`] (or overflow).
pub fn check_ring_size(
    frames: Option<usize>,
    in_frame: usize,
    out_frame: usize,
) -> Result<(), String> {
    let bytes = frames.and_then(|f| f.checked_mul(in_frame + out_frame));
    match bytes {
        Some(b) if b <= MAX_RING_BYTES => Ok(()),
        _ => Err(format!(
            "the stream's buffers would need {} bytes (at most {MAX_RING_BYTES}): lower blockSize, cushion or latency",
            bytes.map_or_else(|| "more than 2^64".to_string(), |b| b.to_string())
        )),
    }
}

fn split(bytes: usize) -> (Option<Producer<u8>>, Option<Consumer<u8>>) {
    if bytes == 0 {
        return (None, None);
    }
    let (p, c) = RingBuffer::<u8>::new(bytes);
    (Some(p), Some(c))
}

/// Rings of a callback stream: `RING_BLOCKS + cushion` blocks of
/// `block_frames` frames, one metadata entry per block, woken every
/// `max(1, cushion / 2)` blocks.
pub fn callback_rings(
    in_frame: usize,
    out_frame: usize,
    cushion: u32,
    block_frames: usize,
    pacing: Pacing,
) -> (RingsRt, ClientSide) {
    let blocks = RING_BLOCKS + cushion as usize;
    let frames = blocks * block_frames;
    let (ip, ic) = split(in_frame * frames);
    // Room for an answer to every block the client can have been asked for
    // (the metadata ring) plus the one it is working on and the one being
    // played: in synchronous mode, answers to blocks given up on wait here
    // until the audio thread drops them, and none may be refused.
    let (op, oc) = split(out_frame * (blocks + OUTPUT_SPARE_BLOCKS) * block_frames);
    let (mp, mc) = RingBuffer::<BlockMeta>::new(blocks);
    let rt = RingsRt {
        input: ip,
        output: oc,
        meta: Some(mp),
        cushion,
        priming_left: if pacing.unpaced { 0 } else { cushion },
        batch: (cushion / 2).max(1),
        since_wake: 0,
        carried: 0,
        pacing,
        owed: 0,
        bursts: Default::default(),
    };
    let client = ClientSide {
        input: ic,
        output: op,
        meta: Some(mc),
        in_frame,
        out_frame,
    };
    (rt, client)
}

/// Rings of a blocking stream: `ring_frames` frames each way, no metadata.
pub fn blocking_rings(
    in_frame: usize,
    out_frame: usize,
    ring_frames: usize,
    pacing: Pacing,
) -> (RingsRt, ClientSide) {
    let (ip, ic) = split(in_frame * ring_frames);
    let (op, oc) = split(out_frame * ring_frames);
    let rt = RingsRt {
        input: ip,
        output: oc,
        meta: None,
        cushion: 0,
        priming_left: 0,
        batch: 1,
        since_wake: 0,
        carried: 0,
        pacing,
        owed: 0,
        bursts: Default::default(),
    };
    let client = ClientSide {
        input: ic,
        output: op,
        meta: None,
        in_frame,
        out_frame,
    };
    (rt, client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_sizes_from_javascript_are_checked_before_anything_is_allocated() {
        // Ordinary streams fit.
        assert!(check_ring_size(ring_frames(true, 2, 256, 0), 8, 8).is_ok());
        assert!(check_ring_size(ring_frames(false, 0, 256, 96_000), 4, 0).is_ok());
        // A huge block size, cushion or ring is refused (an allocation
        // failure would abort the process), also when the product overflows.
        let e = check_ring_size(ring_frames(true, 64, 1 << 24, 0), 8, 8).unwrap_err();
        assert!(e.contains("lower blockSize, cushion or latency"), "{e}");
        assert!(check_ring_size(ring_frames(true, u32::MAX, usize::MAX / 2, 0), 8, 8).is_err());
        assert!(check_ring_size(ring_frames(false, 0, 256, u32::MAX as usize), 16, 16).is_err());
        assert!(check_ring_size(None, 1, 1).is_err());
    }
}
