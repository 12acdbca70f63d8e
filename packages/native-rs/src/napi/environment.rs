//! Per-environment bookkeeping: the main thread and every worker that loads
//! the addon is one environment. Its cleanup hook closes the streams it
//! opened and, for the last one, terminates PortAudio, so a process exits
//! cleanly with streams still running.

use crate::pa::library;
use napi::Env;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// An environment lives on one thread, so its id can live there too.
    static ENV_ID: Cell<u64> = const { Cell::new(0) };
}

/// The calling environment's id, registering its cleanup hook on first use.
pub fn current(env: &Env) -> u64 {
    let id = ENV_ID.with(Cell::get);
    if id != 0 {
        return id;
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    ENV_ID.with(|c| c.set(id));
    library::environment_opened();
    let _ = env.add_env_cleanup_hook(id, |id| {
        library::environment_closed(id);
        ENV_ID.with(|c| c.set(0));
    });
    id
}
