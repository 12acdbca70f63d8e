//! JavaScript bindings: the only module that imports napi. It validates
//! shapes, converts types and errors, and delegates to `pa` and `engine`.

mod config;
mod device_notifications;
mod environment;
mod errors;
mod event_loop;
mod library;
mod stream;
mod tasks;
