//! The real-time core. The PortAudio callback ([`trampoline`]) only moves
//! bytes between PortAudio's buffers and pre-allocated lock-free rings or
//! pinned buffers ([`render`]), updates atomics and wakes waiters
//! ([`signals`]). Everything that may allocate, lock or call JavaScript runs
//! elsewhere: the client side of the rings ([`client`]), the notification
//! pump ([`pump`]) and the stream owner ([`stream`]); the audio thread only
//! wakes JavaScript's event loop, lock-free ([`js_wake`]).

pub mod block;
pub mod buffers;
pub mod bursts;
pub mod client;
pub mod js_wake;
pub mod pump;
pub mod rates;
pub mod render;
pub mod resample;
pub mod rings;
pub mod samples;
pub mod signals;
pub mod stream;
mod trampoline;
pub mod waiting;

#[cfg(test)]
mod alloc_counter;
#[cfg(test)]
mod tests;
