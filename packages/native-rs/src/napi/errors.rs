//! `pa::Error` → JavaScript. The message carries the JS error class as a
//! prefix (`PortAudioError:{json}`, `TypeError:`, `RangeError:`) which the
//! TypeScript layer turns into the right error object.

use crate::pa::Error;

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn to_js(e: Error) -> napi::Error {
    let message = match e {
        Error::PortAudio { text, code, host } => {
            let host = match host {
                Some(h) => format!(
                    ",\"hostApi\":{},\"hostErrorCode\":{},\"hostErrorText\":{}",
                    h.host_api,
                    h.code,
                    json_string(&h.text)
                ),
                None => String::new(),
            };
            format!(
                "PortAudioError:{{\"message\":{},\"code\":{code}{host}}}",
                json_string(&text)
            )
        }
        Error::Unavailable(text) => {
            format!("PortAudioError:{{\"message\":{}}}", json_string(&text))
        }
        Error::Type(text) => format!("TypeError:{text}"),
        Error::Range(text) => format!("RangeError:{text}"),
    };
    napi::Error::from_reason(message)
}

pub trait IntoJs<T> {
    fn js(self) -> napi::Result<T>;
}

impl<T> IntoJs<T> for crate::pa::Result<T> {
    fn js(self) -> napi::Result<T> {
        self.map_err(to_js)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portaudio_errors_become_json() {
        let e = to_js(Error::PortAudio {
            text: "Error \"x\"\n".into(),
            code: -9997,
            host: None,
        });
        assert_eq!(
            e.reason,
            "PortAudioError:{\"message\":\"Error \\\"x\\\"\\n\",\"code\":-9997}"
        );
    }
}
