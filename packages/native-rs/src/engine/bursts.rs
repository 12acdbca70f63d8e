//! Hosts that ask for several blocks at once. JACK, ALSA and Core Audio call
//! the callback once per block, a block's duration apart; DirectSound and
//! WASAPI (seen under Wine: bursts of 2-4 blocks every 20-90 ms) fill their
//! buffer with several callbacks in a row, then wait. A cushion smaller than
//! such a burst runs dry inside every burst, however fast the program answers:
//! the output then alternates a cushion of sound with silence. So a block
//! that finds the queue empty *inside a burst* is not the program's fault:
//! the engine asks for it anyway, which puts one more block on its way from
//! then on (the cushion grows by one), up to [`MAX_GROWTH`]. It does so only
//! when the program had taken every block it was asked for when the burst
//! began: a block that starves because the program is late (a garbage-
//! collection pause, at the normal time or inside a JACK server's catch-up
//! burst) keeps the cushion as it is, so such a pause never raises the
//! latency. The first burst of a run, in which hosts fill their whole buffer
//! (DirectSound under Wine: some 12 blocks, 3-4 later), grows it too: its
//! starved blocks are silence at the start in any case, while growing only in
//! the second burst would put a gap after the program's first blocks.

/// Blocks the cushion may grow by (the rings hold `RING_BLOCKS` beyond it).
pub const MAX_GROWTH: u32 = 16;

/// Burst detection and the cushion's growth, owned by the audio thread.
#[derive(Debug, Default)]
pub struct Bursts {
    /// PortAudio's `currentTime` of the previous callback (0: none yet).
    last_time: f64,
    /// Blocks the cushion grew by in this run.
    pub grown: u32,
    /// When the current burst began, the program had taken every block it
    /// was asked for.
    kept_up: bool,
}

impl Bursts {
    /// Before a (re)start: the next run learns its host's bursts afresh.
    pub fn reset(&mut self) {
        self.last_time = 0.0;
        self.grown = 0;
        self.kept_up = false;
    }

    /// Called once per callback with its `currentTime` (seconds), the
    /// duration of its block and whether the program has taken every block
    /// it was asked for; true when it came less than half a block after the
    /// previous callback. Hosts that report no time (0) never burst.
    pub fn observe(&mut self, current_time: f64, block_seconds: f64, client_idle: bool) -> bool {
        let burst = current_time > 0.0
            && self.last_time > 0.0
            && current_time - self.last_time < 0.5 * block_seconds;
        self.last_time = current_time;
        if !burst {
            self.kept_up = client_idle;
        }
        burst
    }

    /// A starved block inside a burst: grow the cushion by one block if the
    /// program kept up and it may still grow. Returns whether it did.
    pub fn grow(&mut self) -> bool {
        if !self.kept_up || self.grown >= MAX_GROWTH {
            return false;
        }
        self.grown += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_a_callback_within_half_a_block_of_the_previous_one() {
        let mut b = Bursts::default();
        let block = 0.01;
        assert!(!b.observe(1.0, block, true), "nothing came before");
        assert!(b.observe(1.0, block, true), "same time: a burst");
        assert!(b.observe(1.004, block, true));
        assert!(!b.observe(1.014, block, true), "a block later: on time");
        assert!(!b.observe(1.030, block, true), "late: no burst either");
        b.reset();
        assert!(!b.observe(1.030, block, true), "nothing before a reset");
        let mut no_time = Bursts::default();
        assert!(!no_time.observe(0.0, block, true));
        assert!(!no_time.observe(0.0, block, true), "no time: no burst");
    }

    #[test]
    fn only_a_program_that_kept_up_grows_it() {
        let mut b = Bursts::default();
        // The burst began with blocks the program had not taken yet.
        b.observe(1.0, 0.01, false);
        assert!(b.observe(1.0, 0.01, true));
        assert!(!b.grow());
        // The next one began with the program idle; what it is asked for
        // inside the burst does not count.
        b.observe(1.02, 0.01, true);
        assert!(b.observe(1.02, 0.01, false));
        assert!(b.grow());
    }

    #[test]
    fn growth_stops_at_its_bound() {
        let mut b = Bursts::default();
        b.observe(1.0, 0.01, true);
        for _ in 0..MAX_GROWTH {
            assert!(b.grow());
        }
        assert!(!b.grow());
        assert_eq!(b.grown, MAX_GROWTH);
        b.reset();
        assert_eq!(b.grown, 0);
    }
}
