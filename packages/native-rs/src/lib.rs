//! Node.js addon over PortAudio: `pa` is the safe PortAudio layer, `engine`
//! the real-time core, `notify` the operating system's device-change
//! notifications, `napi` the JavaScript bindings (the only module that
//! imports napi).
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod engine;
#[cfg(not(test))]
mod napi;
pub mod notify;
pub mod pa;
