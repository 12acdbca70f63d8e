//! Blocking reads and writes that wait on libuv's thread pool, so
//! `await stream.read()` never blocks the main thread.

use super::errors::to_js;
use crate::engine::stream::Stream;
use napi::bindgen_prelude::{Task, Uint8Array};
use napi::Env;
use std::sync::Arc;

pub struct ReadTask {
    pub stream: Arc<Stream>,
    pub buffer: Uint8Array,
}

impl Task for ReadTask {
    type Output = bool;
    type JsValue = bool;

    fn compute(&mut self) -> napi::Result<bool> {
        // SAFETY: the typed array is referenced by this task until it
        // settles, and the JS caller does not touch it while awaiting
        // (documented on `read`/`readInto`).
        let dst = unsafe { self.buffer.as_mut() };
        self.stream.read_blocking(dst).map_err(to_js)
    }

    fn resolve(&mut self, _env: Env, overflowed: bool) -> napi::Result<bool> {
        Ok(overflowed)
    }
}

pub struct WriteTask {
    pub stream: Arc<Stream>,
    pub buffer: Uint8Array,
}

impl Task for WriteTask {
    type Output = bool;
    type JsValue = bool;

    fn compute(&mut self) -> napi::Result<bool> {
        self.stream.write_blocking(&self.buffer).map_err(to_js)
    }

    fn resolve(&mut self, _env: Env, underflowed: bool) -> napi::Result<bool> {
        Ok(underflowed)
    }
}
