//! The audio thread waiting for its client (`engine::waiting`): unpaced
//! devices (blocking and callback streams are exact) and synchronous
//! callbacks (`cushion: 0`). The callback runs on a thread of its own, as
//! PortAudio's would, while the test thread is the client.

use super::*;
use crate::engine::waiting::{Pacing, SYNC_DEADLINE_SHARE};

/// A rig moved to the "audio thread". Sound: the rig's raw pointer is to
/// the `CallbackData` it owns, used by one thread at a time (moved, then
/// used only there).
struct AudioThread(Rig);
// SAFETY: see the struct docs: ownership moves with the rig, nothing else
// holds the pointer.
unsafe impl Send for AudioThread {}

impl AudioThread {
    /// (A method, so that closures capture the whole wrapper.)
    fn into_rig(self) -> Rig {
        self.0
    }
}

/// Runs `calls` output callbacks of `frames` frames on a new thread and
/// returns everything they played plus the rig.
fn play_on_thread(
    rig: Rig,
    frames: usize,
    calls: usize,
) -> thread::JoinHandle<(Vec<u8>, AudioThread)> {
    play_paced_on_thread(rig, frames, calls, false)
}

/// [`play_on_thread`], with the calls `paced` at the sample rate (as a
/// device with a clock makes them) or back to back.
fn play_paced_on_thread(
    rig: Rig,
    frames: usize,
    calls: usize,
    paced: bool,
) -> thread::JoinHandle<(Vec<u8>, AudioThread)> {
    let moved = AudioThread(rig);
    let period = Duration::from_secs_f64(frames as f64 / RATE);
    thread::spawn(move || {
        let mut rig = moved.into_rig();
        let out_frame = rig.frame_bytes.1;
        let mut played = Vec::new();
        let mut out = vec![0u8; frames * out_frame];
        let t0 = Instant::now();
        for k in 0..calls {
            if paced {
                let due = t0 + period * k as u32;
                while Instant::now() < due {
                    thread::sleep(Duration::from_micros(200));
                }
            }
            rig.call(None, Some(&mut out), frames);
            played.extend_from_slice(&out);
        }
        (played, AudioThread(rig))
    })
}

fn join<T>(h: thread::JoinHandle<T>) -> T {
    let start = Instant::now();
    while !h.is_finished() {
        assert!(start.elapsed() < TIMEOUT, "the audio thread hangs");
        thread::sleep(Duration::from_millis(1));
    }
    h.join().unwrap()
}

#[test]
fn unpaced_blocking_output_waits_for_late_writes_and_plays_them_back_to_back() {
    let frames = 16;
    // Mono int16; a ring of 4 blocks, written in uneven pieces with pauses.
    let (rig, mut client) = blocking_rig_paced(0, 2, 0, frames * 4, true);
    let signals = rig.signals.clone();
    signals.output_started.store(true, Ordering::Release);
    let data = pattern(frames * 2 * 40, 9);
    let audio = play_on_thread(rig, frames, 40);
    let mut done = 0;
    for piece in [10usize, 70, 3, 200, 1000].iter().cycle() {
        if done == data.len() {
            break;
        }
        let end = (done + piece * 2).min(data.len());
        while done < end {
            let n = client.write_from(&data[done..end]);
            done += n;
            signals.client_progress();
            thread::sleep(Duration::from_micros(300));
        }
        thread::sleep(Duration::from_millis(2));
    }
    let (played, _rig) = join(audio);
    assert_eq!(played, data, "the output is the written data, back to back");
    assert_eq!(signals.take_flags(OUT_UNDERFLOW), 0);
}

#[test]
fn unpaced_blocking_input_waits_for_the_reader_and_drops_nothing() {
    let frames = 16;
    let (rig, mut client) = blocking_rig_paced(2, 0, 0, frames * 3, true);
    let signals = rig.signals.clone();
    let blocks: Vec<Vec<u8>> = (0..30).map(|k| pattern(frames * 2, k as u8)).collect();
    let expected: Vec<u8> = blocks.concat();
    let moved = AudioThread(rig);
    let audio = thread::spawn(move || {
        let mut rig = moved.into_rig();
        for b in &blocks {
            rig.call(Some(b), None, frames);
        }
    });
    let mut got = vec![0u8; expected.len()];
    let mut done = 0;
    while done < got.len() {
        thread::sleep(Duration::from_micros(500));
        let n = client.read_into(&mut got[done..]);
        done += n;
        signals.client_progress();
        assert!(Instant::now() < Instant::now() + TIMEOUT);
    }
    join(audio);
    assert_eq!(got, expected);
    assert_eq!(signals.take_flags(IN_OVERFLOW), 0, "nothing was dropped");
}

#[test]
fn unpaced_duplex_blocking_never_waits_for_input_room_while_a_write_waits() {
    let frames = 8;
    let (mut rig, _client) = blocking_rig_paced(2, 2, 0, frames * 2, true);
    rig.signals.input_started.store(true, Ordering::Release);
    let input = pattern(frames * 2, 1);
    let mut out = vec![0u8; frames * 2];
    // Fill the input ring (nobody reads).
    for _ in 0..2 {
        rig.call(Some(&input), Some(&mut out), frames);
    }
    // A write is waiting for room: the input that does not fit is dropped
    // (and reported), the audio thread does not wait for a reader.
    rig.signals.writers_waiting.store(1, Ordering::Release);
    let t0 = Instant::now();
    rig.call(Some(&input), Some(&mut out), frames);
    assert!(t0.elapsed() < Duration::from_secs(1));
    assert_ne!(rig.signals.take_flags(IN_OVERFLOW), 0);
}

#[test]
fn unpaced_blocking_duplex_that_only_reads_is_not_held_up_for_output() {
    let frames = 8;
    let (mut rig, mut client) = blocking_rig_paced(2, 2, 0, frames * 4, true);
    let input = pattern(frames * 2, 1);
    let mut out = vec![7u8; frames * 2];
    // Nothing was ever written: silence, no wait, no underflow.
    let t0 = Instant::now();
    rig.call(Some(&input), Some(&mut out), frames);
    assert!(t0.elapsed() < Duration::from_secs(1));
    assert_silent(&out, 0);
    let mut got = vec![0u8; input.len()];
    assert_eq!(client.read_into(&mut got), input.len());
    assert_eq!(got, input);
}

#[test]
fn every_unbounded_wait_ends_when_the_stream_is_halted_aborted_or_stopped() {
    type Release = fn(&Signals);
    let releases: [(&str, Release); 4] = [
        ("halt (stop/abort/close)", |s| s.halt_waits()),
        ("CallbackAbort", |s| {
            s.abort_requested.store(true, Ordering::Release);
            s.client_progress();
        }),
        ("CallbackStop", |s| {
            s.stop_requested.store(true, Ordering::Release);
            s.client_progress();
        }),
        ("shutdown", |s| {
            s.shutdown.store(true, Ordering::Release);
            s.client_progress();
        }),
    ];
    for (what, release) in releases {
        // An unpaced callback stream whose client never answers.
        let (rig, _client) = callback_rig_paced(0, 2, 0, 2, 16, true);
        let signals = rig.signals.clone();
        let audio = play_on_thread(rig, 16, 1);
        thread::sleep(Duration::from_millis(50));
        assert!(!audio.is_finished(), "{what}: the audio thread waits");
        release(&signals);
        let (played, _) = join(audio);
        assert_silent(&played, 0);
    }
}

#[test]
fn unpaced_callback_output_is_the_callbacks_blocks_back_to_back_without_a_cushion() {
    let frames = 16;
    // Default cushion 2, but the device is unpaced: no silence first.
    let (rig, mut client) = callback_rig_paced(0, 2, 0, 2, frames, true);
    let blocks: Vec<Vec<u8>> = (0..20).map(|k| pattern(frames * 2, 40 + k as u8)).collect();
    let signals = rig.signals.clone();
    let audio = play_on_thread(rig, frames, 20);
    for b in &blocks {
        // A slow client: each block comes a while after it was asked for.
        let start = Instant::now();
        while client.next_block(&mut []).is_none() {
            assert!(start.elapsed() < TIMEOUT);
            thread::sleep(Duration::from_micros(200));
        }
        thread::sleep(Duration::from_millis(1));
        assert_eq!(client.write_from(b), b.len());
        signals.client_progress();
    }
    let (played, _) = join(audio);
    assert_eq!(played, blocks.concat());
}

#[test]
fn a_synchronous_callback_answers_its_own_block_within_the_deadline() {
    let frames = 256; // 5.3 ms at 48 kHz
    let (rig, mut client) = callback_rig(2, 2, 0, 0, frames);
    let signals = rig.signals.clone();
    let moved = AudioThread(rig);
    let audio = thread::spawn(move || {
        let mut rig = moved.into_rig();
        let input = pattern(frames * 2, 5);
        let mut out = vec![0u8; frames * 2];
        rig.call(Some(&input), Some(&mut out), frames);
        out
    });
    let mut indata = vec![0u8; frames * 2];
    let start = Instant::now();
    while client.next_block(&mut indata).is_none() {
        assert!(start.elapsed() < TIMEOUT);
        thread::yield_now();
    }
    // The output is made from this very block's input (no cushion).
    assert_eq!(indata, pattern(frames * 2, 5));
    assert_eq!(client.write_from(&indata), indata.len());
    signals.client_progress();
    assert_eq!(join(audio), pattern(frames * 2, 5));
}

#[test]
fn a_late_synchronous_block_is_silence_dropped_when_it_comes_and_reported_next() {
    let frames = 960; // 20 ms at 48 kHz: the deadline is 16 ms
    let deadline = Duration::from_secs_f64(frames as f64 / RATE * SYNC_DEADLINE_SHARE);
    let (rig, mut client) = callback_rig(0, 2, 0, 0, frames);
    let signals = rig.signals.clone();
    let late = pattern(frames * 2, 1);
    let on_time = pattern(frames * 2, 2);
    let (tx, rx) = mpsc::channel::<()>();
    let moved = AudioThread(rig);
    let audio = thread::spawn(move || {
        let mut rig = moved.into_rig();
        let mut out1 = vec![0u8; frames * 2];
        let t0 = Instant::now();
        rig.call(None, Some(&mut out1), frames);
        let waited = t0.elapsed();
        rx.recv().unwrap(); // the late answer is in the ring now
        let mut out2 = vec![0u8; frames * 2];
        rig.call(None, Some(&mut out2), frames);
        (out1, waited, out2)
    });
    let start = Instant::now();
    while client.next_block(&mut []).is_none() {
        assert!(start.elapsed() < TIMEOUT);
        thread::yield_now();
    }
    // Answer block 1 long after its deadline.
    thread::sleep(deadline * 4 + Duration::from_millis(20));
    client.write_from(&late);
    signals.client_progress();
    tx.send(()).unwrap();
    // Block 2 is asked for and answered in time.
    let start = Instant::now();
    let m = loop {
        if let Some(m) = client.next_block(&mut []) {
            break m;
        }
        assert!(start.elapsed() < TIMEOUT);
        thread::yield_now();
    };
    client.write_from(&on_time);
    signals.client_progress();
    let (out1, waited, out2) = join(audio);
    assert_silent(&out1, 0);
    assert!(
        waited >= deadline.mul_f64(0.9),
        "waited {waited:?} of {deadline:?}"
    );
    assert_eq!(
        out2, on_time,
        "the late block was dropped, not played a block late"
    );
    assert_eq!(
        m.status & OUT_UNDERFLOW,
        OUT_UNDERFLOW,
        "reported in the next block"
    );
}

#[test]
fn pacing_is_found_at_run_time_from_blocks_faster_than_the_clock() {
    let signals = Signals::default();
    let mut pacing = Pacing::new(false, RATE, 256);
    pacing.set_latency(0.01, 256);
    let mut blocks = 0;
    while !pacing.observe(256, &signals) {
        blocks += 1;
        assert!(blocks < 1000, "never found unpaced");
    }
    // Slack: 2 × 480 + 8 × 256 + 4800 frames, i.e. about 31 blocks.
    assert!((25..40).contains(&blocks), "{blocks}");
    assert!(signals.unpaced.load(Ordering::Acquire));
    // A restart forgets it (the device may have changed, e.g. JACK freewheel).
    pacing.reset();
    assert!(!pacing.unpaced);
    // Blocks at the clock's pace are never taken for unpaced.
    let mut paced = Pacing::new(false, RATE, 48);
    paced.set_latency(0.0, 48);
    let t0 = Instant::now();
    for k in 0..200u32 {
        // 48 frames = 1 ms
        let due = t0 + Duration::from_millis(u64::from(k));
        while Instant::now() < due {
            thread::sleep(Duration::from_micros(100));
        }
        assert!(!paced.observe(48, &signals), "block {k}");
    }
}

#[test]
fn waiting_paths_do_not_allocate() {
    let frames = 32;
    let mut allocs = 0;
    // Unpaced blocking output with data ready, and a released wait.
    let (mut rig, mut client) = blocking_rig_paced(0, 4, 0, frames * 8, true);
    rig.signals.output_started.store(true, Ordering::Release);
    let block = pattern(frames * 4, 3);
    let mut out = vec![0u8; frames * 4];
    client.write_from(&block);
    rig.call(None, Some(&mut out), frames); // warm-up
    for _ in 0..N {
        client.write_from(&block);
        allocs += allocations_during(|| {
            rig.call(None, Some(&mut out), frames);
        });
    }
    rig.signals.halt_waits();
    allocs += allocations_during(|| {
        rig.call(None, Some(&mut out), frames);
    });
    // Synchronous callbacks that miss their deadline (and owe output).
    let (mut rig, mut client) = callback_rig(0, 4, 0, 0, frames);
    rig.call(None, Some(&mut out), frames); // warm-up
    for _ in 0..20 {
        allocs += allocations_during(|| {
            rig.call(None, Some(&mut out), frames);
        });
        client.next_block(&mut []);
        client.write_from(&block);
    }
    assert_eq!(allocs, 0, "the audio callback allocated while waiting");
}

#[test]
fn a_synchronous_client_far_behind_catches_up_without_lasting_silence() {
    let frames = 96; // 2 ms at 48 kHz: the deadline is 1.6 ms
    let (rig, mut client) = callback_rig(0, 2, 0, 0, frames);
    let signals = rig.signals.clone();
    let calls = RING_BLOCKS * 4;
    let audio = play_paced_on_thread(rig, frames, calls, true);
    // Away for longer than the queue of blocks (RING_BLOCKS × 2 ms) lasts,
    // and back well before the end.
    thread::sleep(Duration::from_millis(100));
    let mut answered = 0u32;
    while !audio.is_finished() {
        if client.next_block(&mut []).is_some() {
            answered += 1;
            client.write_from(&pattern(frames * 2, answered as u8));
            signals.client_progress();
        } else {
            thread::yield_now();
        }
    }
    let (played, _) = join(audio);
    let block = frames * 2;
    let map: String = played
        .chunks(block)
        .map(|b| if b.iter().any(|&x| x != 0) { '#' } else { '.' })
        .collect();
    assert!(answered > RING_BLOCKS as u32, "{map}");
    // Back in time: the last blocks are the client's answers. (A block
    // answered late on a loaded machine may still be silence; what must not
    // happen is silence that lasts, from answers shifted against blocks.)
    let tail = played.chunks(block).skip(calls - RING_BLOCKS);
    let sounding = tail.filter(|b| b.iter().any(|&x| x != 0)).count();
    assert!(
        sounding >= RING_BLOCKS * 3 / 4,
        "{map}: {sounding} of the last {RING_BLOCKS} blocks sound"
    );
}

#[test]
fn priming_blocks_never_wait_for_the_program() {
    // Unpaced and synchronous: priming is asked for inside Pa_StartStream,
    // which the program waits on, so these blocks must not wait for it.
    for (cushion, unpaced) in [(2, true), (0, false)] {
        let (rig, _client) = callback_rig_paced(0, 2, 0, cushion, 16, unpaced);
        let moved = AudioThread(rig);
        let audio = thread::spawn(move || {
            let mut rig = moved.into_rig();
            let mut out = vec![9u8; 32];
            for _ in 0..4 {
                rig.call_with_status(None, Some(&mut out), 16, sys::paPrimingOutput);
            }
            out
        });
        let t0 = Instant::now();
        assert_silent(&join(audio), 0);
        assert!(t0.elapsed() < Duration::from_secs(1), "cushion {cushion}");
    }
}
