//! A cheap proof that the JACK server PortAudio's client connected to at
//! initialization still serves: its listening socket is still there (one
//! read of `/proc/net/unix`, microseconds). It spares the probe stream of
//! `library::jack_client_alive` (a port registered and announced, tens of
//! milliseconds) at exit and before closing a stopped JACK stream.
//!
//! JACK2 on Linux listens on `/dev/shm/jack_<server>_<uid>_0` (the server
//! name from `JACK_DEFAULT_SERVER`, else `default`, as libjack chooses it).
//! A server that was killed leaves the file but no listening socket (the
//! kernel's `/proc/net/unix` no longer lists it); one that was restarted
//! listens on a new socket (another socket inode). Either way the client PortAudio holds is
//! dead and the probe decides. Where the file is not found (JACK1, macOS,
//! another layout) nothing is remembered and the probe is used as before.

use std::path::{Path, PathBuf};

/// The server's listening socket as it was when PortAudio initialized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerSocket {
    path: PathBuf,
    /// The socket's inode (sockfs numbers come from a counter, so a
    /// restarted server's socket has another one even at the same path).
    inode: u64,
}

/// Where the JACK server this process's clients connect to listens (JACK2
/// on Linux); None where that is not known.
#[cfg(target_os = "linux")]
pub fn default_socket_path() -> Option<PathBuf> {
    let name = std::env::var("JACK_DEFAULT_SERVER")
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".into());
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    Some(PathBuf::from(format!("/dev/shm/jack_{name}_{uid}_0")))
}

/// Where the JACK server listens: not known on this platform.
#[cfg(not(target_os = "linux"))]
pub fn default_socket_path() -> Option<PathBuf> {
    None
}

impl ServerSocket {
    /// The socket listening at `path` now, if any.
    pub fn find(path: &Path) -> Option<ServerSocket> {
        let table = std::fs::read_to_string("/proc/net/unix").ok()?;
        listening_inode(&table, path).map(|inode| ServerSocket {
            path: path.to_path_buf(),
            inode,
        })
    }

    /// Whether the same socket still listens.
    pub fn serving(&self) -> bool {
        ServerSocket::find(&self.path).as_ref() == Some(self)
    }
}

/// The inode of the listening socket bound to `path` in `/proc/net/unix`
/// (its text): flags with `__SO_ACCEPTCON` (0x10000) and state 01
/// (unconnected). Columns: `Num RefCount Protocol Flags Type St Inode Path`.
fn listening_inode(table: &str, path: &Path) -> Option<u64> {
    let path = path.to_str()?;
    table.lines().skip(1).find_map(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let listens = cols.len() >= 8
            && cols[7] == path
            && u32::from_str_radix(cols[3], 16).is_ok_and(|f| f & 0x10000 != 0)
            && cols[5] == "01";
        if listens {
            cols[6].parse().ok()
        } else {
            None
        }
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    const TABLE: &str = "Num       RefCount Protocol Flags    Type St Inode Path
00000000bd2fd9df: 00000002 00000000 00010000 0001 01 242342 /dev/shm/jack_tb_0_0
0000000011c6227a: 00000003 00000000 00000000 0001 03 243776 /dev/shm/jack_other_0_0
000000009ae6e0dc: 00000003 00000000 00000000 0001 03 241594 /dev/shm/jack_tb_0_0
";

    #[test]
    fn only_a_listening_socket_bound_to_the_path_counts() {
        let inode = |table, path| listening_inode(table, Path::new(path));
        assert_eq!(inode(TABLE, "/dev/shm/jack_tb_0_0"), Some(242342));
        // Connected sockets to a path are the clients' view, not a server.
        assert_eq!(inode(TABLE, "/dev/shm/jack_other_0_0"), None);
        assert_eq!(inode(TABLE, "/dev/shm/jack_none_0_0"), None);
        assert_eq!(inode("", "/dev/shm/jack_tb_0_0"), None);
    }

    #[test]
    fn a_closed_or_replaced_server_socket_is_not_serving() {
        let dir = std::env::temp_dir().join(format!("sd-jack-server-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("jack_test_0_0");
        let _ = std::fs::remove_file(&path);
        assert_eq!(ServerSocket::find(&path), None, "no socket yet");

        let first = UnixListener::bind(&path).unwrap();
        let socket = ServerSocket::find(&path).expect("a listening server");
        assert!(socket.serving());

        // Killed: the file stays, nothing listens.
        drop(first);
        assert!(path.exists());
        assert!(!socket.serving());

        // Restarted: a new file at the same path.
        std::fs::remove_file(&path).unwrap();
        let second = UnixListener::bind(&path).unwrap();
        assert!(!socket.serving(), "another server instance");
        assert!(ServerSocket::find(&path).is_some());
        drop(second);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_path_follows_jack_default_server() {
        let path = default_socket_path().unwrap();
        let text = path.to_string_lossy();
        assert!(text.starts_with("/dev/shm/jack_") && text.ends_with("_0"));
    }
}
