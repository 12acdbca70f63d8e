//! Keeps PortAudio from removing JACK ports while libjack may be reading
//! the list of them.
//!
//! JACK2's client library (1.9.21, still so upstream: jack2 issue #216)
//! keeps a client's ports in a plain list. Its notification thread walks
//! that list whenever the server announces new latencies, which the server
//! does about one process cycle after every change to the graph (a port
//! registered, connected, disconnected or unregistered), while
//! `jack_port_unregister` removes an entry from the same list on the
//! caller's thread, without a lock. When the two meet, libjack follows a
//! freed list node and aborts the process (`JackGraphManager::AssertPort:
//! port_index < fPortMax`) or crashes. PortAudio unregisters a stream's ports
//! in `Pa_CloseStream`, typically one cycle after `Pa_StopStream`
//! disconnected them: exactly when the announcement of that disconnection
//! arrives. Open/start/stop/close churn on JACK hit it three times in about
//! 9,000 cycles (a core dump showed libjack's notification thread asserting
//! while the main thread was inside `Pa_CloseStream`'s unregister).
//!
//! So every PortAudio call that changes the graph through the JACK host API
//! records when the announcements it causes will have passed ([`changed`]),
//! and every call that unregisters ports first waits for that moment
//! ([`wait_settled`]). Both run inside `serialized`, so no other PortAudio
//! call slips in between. Changes made by other JACK clients are announced
//! too and cannot be waited for: a JACK2 client that closes streams while
//! other programs rewire the graph keeps a (much smaller) risk.
//!
//! Proofs that a JACK client is alive are kept per PortAudio instance
//! (`pa::instance`, which uses [`fresh`] and [`latest_settle`]): closing a JACK stream that is not running, or terminating
//! PortAudio, aborts the process if the server has died, so `pa::library`
//! probes the client first, unless it proved alive within the settle time
//! (the wait before the unregister is that long anyway, so the server dying
//! in between is no likelier than right after a probe).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

struct State {
    /// When the announcements of the latest graph change will have passed.
    settled_at: Option<Instant>,
    /// The settle time of that change.
    settle: Duration,
}

static STATE: Mutex<State> = Mutex::new(State {
    settled_at: None,
    settle: Duration::ZERO,
});
/// `Pa_OpenStream` calls on the JACK host API so far (streams and probes).
static OPENS: AtomicU32 = AtomicU32::new(0);

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// How long the announcements of a change take to arrive and be handled,
/// for a stream of the given latency (seconds, which is at least one JACK
/// period): the change takes effect at the next cycle boundary, then the
/// server notifies every client in turn. Two periods leave room for a
/// busy machine; the fixed part covers the notifications themselves.
pub fn settle_time(latency_seconds: f64) -> Duration {
    let latency = if latency_seconds.is_finite() && latency_seconds > 0.0 {
        latency_seconds.min(10.0)
    } else {
        0.0
    };
    Duration::from_secs_f64(2.0 * latency) + Duration::from_millis(10)
}

/// Records a `Pa_OpenStream` call on the JACK host API, made just now
/// (whether it succeeded or not, it registered ports or tried to).
pub fn opened(settle: Duration) {
    OPENS.fetch_add(1, Ordering::Relaxed);
    changed(settle);
}

/// `Pa_OpenStream` calls on the JACK host API so far. PortAudio 19.6 keeps
/// about 450 bytes of each until `Pa_Terminate` (`pa_jack.c` takes the
/// buffers for the port names it matches from the host API's device-list
/// memory, which only termination frees): leak tests allow for that.
pub fn opens() -> u32 {
    OPENS.load(Ordering::Relaxed)
}

/// Records a change of the graph made just now (a JACK port registered,
/// connected, disconnected or unregistered by PortAudio).
pub fn changed(settle: Duration) {
    let at = Instant::now() + settle;
    let mut st = state();
    if st.settled_at.is_none_or(|t| t < at) {
        st.settled_at = Some(at);
        st.settle = settle;
    }
}

/// Sleeps until the announcements of the latest recorded change have
/// passed (returns at once if they have). Call it, inside `serialized`,
/// right before a PortAudio call that unregisters JACK ports.
pub fn wait_settled() {
    let at = state().settled_at;
    if let Some(at) = at {
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
    }
}

/// Runs `close`, a PortAudio call that unregisters JACK ports and returns
/// whether it succeeded, once the latest change has settled, and records
/// the change it makes. Returns what `close` returned: a successful close is
/// a proof of life of the instance's client (with a dead server PortAudio
/// aborts the process inside it). Call it inside `serialized`.
pub fn unregister(settle: Duration, close: impl FnOnce() -> bool) -> bool {
    wait_settled();
    let closed = close();
    changed(settle);
    closed
}

/// The settle time of the latest graph change (how fresh a proof of life
/// must be for `Pa_Terminate`, which has no stream to take a latency from).
pub fn latest_settle() -> Duration {
    state().settle
}

/// True when `proof` (when a JACK client proved alive) lies within `window`.
pub fn fresh(proof: Option<Instant>, window: Duration) -> bool {
    proof.is_some_and(|t| t.elapsed() <= window)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settle_time_is_two_latencies_plus_a_margin() {
        assert_eq!(settle_time(0.005), Duration::from_millis(20));
        assert_eq!(settle_time(f64::NAN), Duration::from_millis(10));
        assert_eq!(settle_time(-1.0), Duration::from_millis(10));
    }

    #[test]
    fn wait_settled_sleeps_until_the_latest_change_has_settled() {
        changed(Duration::from_millis(40));
        changed(Duration::from_millis(5)); // an earlier deadline does not shorten it
        let t = Instant::now();
        wait_settled();
        assert!(
            t.elapsed() >= Duration::from_millis(30),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn a_proof_of_life_is_fresh_for_its_window_only() {
        let proof = Some(Instant::now() - Duration::from_millis(50));
        assert!(fresh(proof, Duration::from_millis(200)));
        assert!(!fresh(proof, Duration::from_millis(20)));
        assert!(!fresh(None, Duration::from_secs(1)));
    }
}
