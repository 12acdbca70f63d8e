//! Building the rings of a stream: the audio thread's ends ([`RingsRt`]) and
//! the client's ends ([`ClientSide`]), sized once at open time so the audio
//! thread never allocates.

use super::block::BlockMeta;
use super::client::ClientSide;
use super::render::RingsRt;
use rtrb::{Consumer, Producer, RingBuffer};

/// Blocks the rings of a callback stream hold beyond the cushion.
pub const RING_BLOCKS: usize = 32;

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
) -> (RingsRt, ClientSide) {
    let blocks = RING_BLOCKS + cushion as usize;
    let frames = blocks * block_frames;
    let (ip, ic) = split(in_frame * frames);
    let (op, oc) = split(out_frame * frames);
    let (mp, mc) = RingBuffer::<BlockMeta>::new(blocks);
    let rt = RingsRt {
        input: ip,
        output: oc,
        meta: Some(mp),
        cushion,
        priming_left: cushion,
        batch: (cushion / 2).max(1),
        since_wake: 0,
        carried: 0,
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
