//! Does a device run on a clock? A sound card, a JACK or PulseAudio server
//! asks for blocks at the sample rate; ALSA's `null` PCM (and a `file` PCM
//! in front of it, the testbed's `vfile_out`/`vfile_in`) asks for them as fast
//! as they are given. On such an *unpaced* device there is no deadline to
//! miss, so the engine waits for the program instead of playing silence or
//! dropping input (see `engine::waiting`).
//!
//! Known before the first block: an ALSA device is unpaced when its PCM
//! definition, followed through its slaves (`plug`, `file`, `rate`, `route`,
//! …), ends in `null` and nothing else. This reads alsa-lib's configuration
//! (the library PortAudio already loaded, through `dlopen`). Anything
//! unknown counts as paced: taking a paced device for unpaced would stall its
//! audio thread; the other way round costs only the engine's real-time rule.
//! Devices this cannot see (other offline sinks, a JACK server in freewheel
//! mode) are found at run time by the engine, from blocks arriving faster
//! than the clock.

use super::library::serialized;
use portaudio_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};
use std::sync::OnceLock;

/// Which way the stream uses the device (`asym` PCMs differ per direction).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    Capture,
    Playback,
}

/// PCM types that only pass data on to their slave.
const PASS_THROUGH: &[&str] = &[
    "plug",
    "file",
    "rate",
    "route",
    "linear",
    "lfloat",
    "mulaw",
    "alaw",
    "adpcm",
    "copy",
    "softvol",
    "iec958",
    "hooks",
    "mmap_emul",
    "empty",
    "remap",
    "plughw_emul",
    "asym",
];

/// Followed slaves before giving up (a definition may refer to itself).
const MAX_DEPTH: u32 = 16;

const SND_CONFIG_TYPE_STRING: c_int = 3;
const SND_CONFIG_TYPE_COMPOUND: c_int = 1024;

type Config = c_void;
type UpdateFn = unsafe extern "C" fn() -> c_int;
type SearchDefinitionFn =
    unsafe extern "C" fn(*mut Config, *const c_char, *const c_char, *mut *mut Config) -> c_int;
type SearchFn = unsafe extern "C" fn(*mut Config, *const c_char, *mut *mut Config) -> c_int;
type GetTypeFn = unsafe extern "C" fn(*const Config) -> c_int;
type GetStringFn = unsafe extern "C" fn(*const Config, *mut *const c_char) -> c_int;
type DeleteFn = unsafe extern "C" fn(*mut Config) -> c_int;

/// The few alsa-lib entry points needed to read PCM definitions.
struct Alsa {
    update: UpdateFn,
    top: *mut *mut Config,
    search_definition: SearchDefinitionFn,
    search: SearchFn,
    get_type: GetTypeFn,
    get_string: GetStringFn,
    delete: DeleteFn,
}

// SAFETY: the pointers are addresses of functions and of alsa-lib's global
// `snd_config` variable, valid for the life of the process (the library is
// never unloaded: `dlopen` without a matching `dlclose`); every use is
// serialized with PortAudio's own calls.
unsafe impl Send for Alsa {}
// SAFETY: see `Send`; the struct itself is immutable.
unsafe impl Sync for Alsa {}

fn alsa() -> Option<&'static Alsa> {
    static ALSA: OnceLock<Option<Alsa>> = OnceLock::new();
    ALSA.get_or_init(load_alsa).as_ref()
}

/// alsa-lib exists only on Linux (and other unixes): elsewhere no device is
/// an ALSA PCM, so nothing is known to be unpaced this way.
#[cfg(not(unix))]
fn load_alsa() -> Option<Alsa> {
    None
}

#[cfg(unix)]
fn load_alsa() -> Option<Alsa> {
    let name = CString::new("libasound.so.2").ok()?;
    // SAFETY: dlopen with a valid C string; RTLD_NOLOAD only returns the
    // library if PortAudio (or anyone) loaded it already: then it is the very
    // instance PortAudio reads its configuration from.
    let handle = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD) };
    if handle.is_null() {
        return None;
    }
    let sym = |s: &str| -> Option<*mut c_void> {
        let c = CString::new(s).ok()?;
        // SAFETY: valid handle and C string; a missing symbol gives null.
        let p = unsafe { libc::dlsym(handle, c.as_ptr()) };
        (!p.is_null()).then_some(p)
    };
    // SAFETY: each symbol is the alsa-lib function (or, for `snd_config`,
    // the global variable) of that name, whose C signature the field types
    // repeat (alsa-lib's conf.h).
    unsafe {
        Some(Alsa {
            update: std::mem::transmute::<*mut c_void, UpdateFn>(sym("snd_config_update")?),
            top: sym("snd_config")?.cast(),
            search_definition: std::mem::transmute::<*mut c_void, SearchDefinitionFn>(sym(
                "snd_config_search_definition",
            )?),
            search: std::mem::transmute::<*mut c_void, SearchFn>(sym("snd_config_search")?),
            get_type: std::mem::transmute::<*mut c_void, GetTypeFn>(sym("snd_config_get_type")?),
            get_string: std::mem::transmute::<*mut c_void, GetStringFn>(sym(
                "snd_config_get_string",
            )?),
            delete: std::mem::transmute::<*mut c_void, DeleteFn>(sym("snd_config_delete")?),
        })
    }
}

/// True when `device` of `pa` (initialized) is an ALSA PCM that does not
/// run on a clock (module docs). Never true for other host APIs.
pub fn device_is_unpaced(pa: &'static sys::PortAudio, device: i32, dir: Direction) -> bool {
    // SAFETY: PortAudio is initialized (the caller opened a stream on
    // `device`); both queries accept any index and return null when invalid.
    let name = unsafe {
        let info = (pa.Pa_GetDeviceInfo)(device);
        if info.is_null() {
            return false;
        }
        let api = (pa.Pa_GetHostApiInfo)((*info).hostApi);
        if api.is_null() || (*api).type_ != sys::paALSA || (*info).name.is_null() {
            return false;
        }
        CStr::from_ptr((*info).name).to_string_lossy().into_owned()
    };
    // Sound cards are listed as "card: device (hw:N,M)": paced.
    if name.contains("(hw:") {
        return false;
    }
    let Some(alsa) = alsa() else { return false };
    serialized(|| pcm_is_unpaced(alsa, &name, dir))
}

/// Reads the definition `pcm.<name>` and follows it (module docs).
fn pcm_is_unpaced(alsa: &Alsa, name: &str, dir: Direction) -> bool {
    let Ok(key) = CString::new(name) else {
        return false;
    };
    // SAFETY: alsa-lib calls with valid C strings and out-pointers; the
    // definition returned by `snd_config_search_definition` is a copy that
    // this function owns and deletes; `*alsa.top` is read after
    // `snd_config_update` made it valid.
    unsafe {
        if (alsa.update)() < 0 || (*alsa.top).is_null() {
            return false;
        }
        let mut def: *mut Config = std::ptr::null_mut();
        if (alsa.search_definition)(*alsa.top, c"pcm".as_ptr(), key.as_ptr(), &mut def) < 0
            || def.is_null()
        {
            return false;
        }
        let unpaced = node_is_unpaced(alsa, def, dir, 0);
        (alsa.delete)(def);
        unpaced
    }
}

/// # Safety
/// `node` is a valid configuration node owned by the caller.
unsafe fn node_is_unpaced(alsa: &Alsa, node: *mut Config, dir: Direction, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    // SAFETY: `node` is valid (contract); children found by search live as
    // long as it does.
    unsafe {
        let Some(kind) = child_string(alsa, node, c"type") else {
            return false;
        };
        if kind == "null" {
            return true;
        }
        if !PASS_THROUGH.contains(&kind.as_str()) {
            return false;
        }
        let slave_key = match (kind.as_str(), dir) {
            ("asym", Direction::Playback) => c"playback.pcm",
            ("asym", Direction::Capture) => c"capture.pcm",
            _ => c"slave.pcm",
        };
        let mut slave: *mut Config = std::ptr::null_mut();
        if (alsa.search)(node, slave_key.as_ptr(), &mut slave) < 0 {
            // `slave "NAME"`: a `pcm_slave.NAME` definition holding the pcm.
            return match child_string(alsa, node, c"slave") {
                Some(s) => named_is_unpaced(alsa, c"pcm_slave", &s, c"pcm", dir, depth),
                None => false,
            };
        }
        match (alsa.get_type)(slave) {
            SND_CONFIG_TYPE_COMPOUND => node_is_unpaced(alsa, slave, dir, depth + 1),
            SND_CONFIG_TYPE_STRING => {
                let mut s: *const c_char = std::ptr::null();
                if (alsa.get_string)(slave, &mut s) < 0 || s.is_null() {
                    return false;
                }
                let s = CStr::from_ptr(s).to_string_lossy().into_owned();
                named_is_unpaced(alsa, c"pcm", &s, c"", dir, depth)
            }
            _ => false,
        }
    }
}

/// Follows a named definition `<base>.<name>` (and its `inner` node when
/// given, e.g. the `pcm` of a `pcm_slave`).
///
/// # Safety
/// Same as [`node_is_unpaced`].
unsafe fn named_is_unpaced(
    alsa: &Alsa,
    base: &CStr,
    name: &str,
    inner: &CStr,
    dir: Direction,
    depth: u32,
) -> bool {
    let Ok(key) = CString::new(name) else {
        return false;
    };
    // SAFETY: as in `pcm_is_unpaced`: the copy returned is deleted here.
    unsafe {
        let mut def: *mut Config = std::ptr::null_mut();
        if (alsa.search_definition)(*alsa.top, base.as_ptr(), key.as_ptr(), &mut def) < 0
            || def.is_null()
        {
            return false;
        }
        let unpaced = if inner.is_empty() {
            node_is_unpaced(alsa, def, dir, depth + 1)
        } else {
            let mut pcm: *mut Config = std::ptr::null_mut();
            if (alsa.search)(def, inner.as_ptr(), &mut pcm) < 0 {
                false
            } else if (alsa.get_type)(pcm) == SND_CONFIG_TYPE_STRING {
                match node_string(alsa, pcm) {
                    Some(s) => named_is_unpaced(alsa, c"pcm", &s, c"", dir, depth + 1),
                    None => false,
                }
            } else {
                node_is_unpaced(alsa, pcm, dir, depth + 1)
            }
        };
        (alsa.delete)(def);
        unpaced
    }
}

/// # Safety
/// `node` is a valid configuration node.
unsafe fn child_string(alsa: &Alsa, node: *mut Config, key: &CStr) -> Option<String> {
    let mut child: *mut Config = std::ptr::null_mut();
    // SAFETY: valid node (contract), C string and out-pointer.
    unsafe {
        if (alsa.search)(node, key.as_ptr(), &mut child) < 0 {
            return None;
        }
        node_string(alsa, child)
    }
}

/// # Safety
/// `node` is a valid configuration node.
unsafe fn node_string(alsa: &Alsa, node: *mut Config) -> Option<String> {
    let mut s: *const c_char = std::ptr::null();
    // SAFETY: valid node (contract); the string belongs to the node and is
    // copied at once.
    unsafe {
        if (alsa.get_type)(node) != SND_CONFIG_TYPE_STRING
            || (alsa.get_string)(node, &mut s) < 0
            || s.is_null()
        {
            return None;
        }
        Some(CStr::from_ptr(s).to_string_lossy().into_owned())
    }
}
