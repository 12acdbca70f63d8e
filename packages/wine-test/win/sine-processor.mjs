// `processor` module of the processor check: plays a stereo sine (int16) in
// the stream's own worker thread and stops the stream after `frames` frames.
import { CallbackStop } from '@sounddevice/core';

let st;

export function init(data) {
  st = { ...data, pos: 0 };
}

export default function process(outdata, frames) {
  const { rate, freqs, amp, total } = st;
  const out = new Int16Array(outdata.buffer, outdata.byteOffset, frames * 2);
  for (let i = 0; i < frames; i++) {
    const t = st.pos + i;
    for (let c = 0; c < 2; c++) out[2 * i + c] = t < total ? Math.round(32767 * amp * Math.sin((2 * Math.PI * freqs[c] * t) / rate)) : 0;
  }
  st.pos += frames;
  if (st.pos >= total) throw new CallbackStop();
}
