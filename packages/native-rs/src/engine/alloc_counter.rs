//! Test-only global allocator that counts heap allocations per thread, so
//! tests can prove that the audio callback allocates nothing.
//!
//! The counter is a const-initialised `thread_local!` `Cell<u64>` without a
//! destructor: reading or bumping it never allocates (and never recurses into
//! the allocator), and it stays usable while a thread is being torn down.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// [`System`], plus a per-thread count of `alloc`, `alloc_zeroed` and
/// `realloc` calls.
pub struct CountingAllocator;

#[inline]
fn count_one() {
    // `try_with`: never panic inside the allocator, even during TLS teardown.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees carry over; the only extra work is a
// non-allocating thread-local counter update.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded with the caller's (valid) layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded with the caller's (valid) layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: `ptr` was allocated by `System` (every allocation goes
        // through this type) with `layout`, as the caller guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Allocations made so far by the calling thread.
pub fn allocations() -> u64 {
    ALLOCATIONS.try_with(Cell::get).unwrap_or(0)
}

/// Runs `f` and returns how many allocations it made on the calling thread.
pub fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = allocations();
    f();
    allocations() - before
}

#[test]
fn counts_allocations_of_the_calling_thread_only() {
    let n = allocations_during(|| {
        let v: Vec<u8> = Vec::with_capacity(16);
        std::hint::black_box(&v);
    });
    assert_eq!(n, 1);
    let n = allocations_during(|| {
        let mut v: Vec<u8> = Vec::with_capacity(1);
        v.extend_from_slice(&[0; 64]);
        std::hint::black_box(&v);
        let z = vec![0u8; 32];
        std::hint::black_box(&z);
    });
    assert_eq!(n, 3, "alloc + realloc + alloc_zeroed");
    assert_eq!(allocations_during(|| {}), 0);
    // Another thread's allocations are not counted here: spawning a thread
    // that allocates costs this thread as much as spawning one that does not.
    let spawn = |big: bool| {
        allocations_during(|| {
            std::thread::scope(|s| {
                s.spawn(move || {
                    if big {
                        std::hint::black_box(vec![1u8; 100]);
                    }
                })
                .join()
                .ok();
            })
        })
    };
    spawn(false); // one-time lazy initialisation inside std
    let alone = spawn(false);
    assert_eq!(spawn(true), alone);
}
