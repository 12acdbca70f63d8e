//! What the audio thread tells the client about each block it handed over.

/// One block of a callback stream: its size, PortAudio's timestamps and the
/// status flags that apply to it. `Copy` and fixed-size so it travels through
/// an `rtrb` ring without allocation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BlockMeta {
    pub frames: u32,
    pub status: u32,
    pub input_adc_time: f64,
    pub current_time: f64,
    pub output_dac_time: f64,
    /// The audio thread found no output queued for this block's slot and
    /// played silence (an underflow). The client's output for this block
    /// arrives after its time and is not queued: queuing it would delay
    /// everything after it by one block for the rest of the stream.
    pub output_late: bool,
}
