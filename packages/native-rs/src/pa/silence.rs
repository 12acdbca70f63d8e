//! Runs a closure with the process's stderr pointed at /dev/null.
//!
//! ALSA and JACK print dozens of lines while PortAudio probes devices that do
//! not exist; they are noise for users, so initialization runs silenced (as
//! python-sounddevice does). Set `SOUNDDEVICE_DEBUG=1` to see them.

#[cfg(unix)]
pub fn silenced<T>(f: impl FnOnce() -> T) -> T {
    if std::env::var_os("SOUNDDEVICE_DEBUG").is_some_and(|v| v == "1") {
        return f();
    }
    // SAFETY: plain fd operations on descriptors we own or on fd 2; every
    // descriptor opened here is closed before returning, and fd 2 is restored.
    unsafe {
        let saved = libc::dup(2);
        let devnull = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
        if saved < 0 || devnull < 0 {
            if saved >= 0 {
                libc::close(saved);
            }
            if devnull >= 0 {
                libc::close(devnull);
            }
            return f();
        }
        libc::dup2(devnull, 2);
        libc::close(devnull);
        let result = f();
        libc::dup2(saved, 2);
        libc::close(saved);
        result
    }
}

#[cfg(not(unix))]
pub fn silenced<T>(f: impl FnOnce() -> T) -> T {
    f()
}
