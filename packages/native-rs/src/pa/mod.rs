//! Safe layer over `portaudio-sys`: library lifetime, device queries, stream
//! parameters and an RAII stream handle. Nothing here knows about JavaScript.

pub mod devices;
pub mod error;
pub mod instance;
pub mod jack_graph;
pub mod jack_server;
pub mod library;
pub mod pacing;
pub mod params;
mod silence;
pub mod stream;

pub use error::{Error, Result};
