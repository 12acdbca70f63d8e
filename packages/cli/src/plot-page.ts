/** The page `sounddevice plot --web` serves: a canvas fed by Server-Sent Events. */

/**
 * HTML of the live waveform page. It connects to `/events`, whose messages
 * are JSON `{ channels: number[], rate: number, data: number[][] }` (one
 * array of samples per plotted channel, oldest first), and draws each
 * channel as a line across a full-window canvas, channels offset like
 * Python's plot_input.py.
 */
export const PLOT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sounddevice plot</title>
<style>
  html, body { margin: 0; height: 100%; background: #fff; font: 13px system-ui, sans-serif; }
  #info { position: absolute; left: 8px; top: 6px; color: #555; }
  canvas { display: block; width: 100vw; height: 100vh; }
</style>
</head>
<body>
<div id="info">connecting…</div>
<canvas id="plot"></canvas>
<script>
const canvas = document.getElementById('plot');
const info = document.getElementById('info');
const ctx = canvas.getContext('2d');
const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
let last = null;
function resize() {
  canvas.width = Math.round(canvas.clientWidth * devicePixelRatio);
  canvas.height = Math.round(canvas.clientHeight * devicePixelRatio);
  if (last) draw(last);
}
function draw(msg) {
  last = msg;
  const w = canvas.width, h = canvas.height;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = '#ddd';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, h / 2);
  ctx.lineTo(w, h / 2);
  ctx.stroke();
  ctx.lineWidth = Math.max(1.5, 2 * devicePixelRatio);
  msg.data.forEach((samples, c) => {
    if (samples.length < 2) return;
    ctx.strokeStyle = colors[c % colors.length];
    ctx.beginPath();
    for (let i = 0; i < samples.length; i++) {
      const x = (i / (samples.length - 1)) * w;
      const y = (0.5 - samples[i] / 2) * h;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    ctx.stroke();
  });
}
window.addEventListener('resize', resize);
resize();
const events = new EventSource('/events');
events.onopen = () => { info.textContent = 'live'; };
events.onerror = () => { info.textContent = 'disconnected (is sounddevice plot --web still running?)'; };
events.onmessage = (e) => {
  const msg = JSON.parse(e.data);
  info.textContent = 'channel' + (msg.channels.length > 1 ? 's ' : ' ') + msg.channels.join(', ') + ' · ' + msg.rate + ' Hz · ' + msg.window + ' ms';
  draw(msg);
};
</script>
</body>
</html>
`;
