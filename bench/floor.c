/*
 * The floor of the benchmark: the least any PortAudio program can spend.
 * Its callback only copies (or zero-fills) and counts; it prints one JSON
 * line. Built by bench/run.mjs with `gcc -O2 -pthread floor.c -lportaudio`.
 *
 *   floor duplex   <blockSize> <seconds> <warmupSeconds> [load]   copy input to output
 *   floor play     <seconds> [load]                        play a stereo float32 buffer
 *   floor rec      <seconds> [load]                        record into a stereo float32 buffer
 *   floor handoff  <blockSize> <seconds> <warmupSeconds> <batch>   duplex copy, plus a hand-off:
 *                  the callback wakes a waiting thread (futex) once per `batch` blocks and
 *                  that thread copies the blocks (what any worker design must pay at least)
 *   floor blocking <blockSize> <seconds> <warmupSeconds>   Pa_ReadStream/Pa_WriteStream loop
 *   floor latency  <blockSize>                             loopback: impulse out, find it in
 *   floor init                                             initialize and list the devices (start-up)
 *
 * duplex, play and rec take an optional last argument `load`: another thread
 * then allocates and frees without pause (the C counterpart of case 2's load),
 * to show what a busy core alone does to the audio threads.
 *
 * Device: the JACK host API's "system" device (the testbed's dummy server).
 * CPU is process CPU (getrusage RUSAGE_SELF, user + system).
 */
#include <portaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/futex.h>
#include <sys/syscall.h>

#define RATE 48000.0
#define CHANNELS 2

static volatile long g_callbacks;
static volatile long g_underflows;
static volatile long g_overflows;

static volatile int g_load_running;
static pthread_t g_load_thread;

static void *load_main(void *arg) {
  (void)arg;
  enum { KEEP = 200000 };
  void **keep = calloc(KEEP, sizeof(void *));
  unsigned long i = 0;
  while (__atomic_load_n(&g_load_running, __ATOMIC_RELAXED)) {
    i++;
    unsigned long slot = (i * 7919) % KEEP;
    free(keep[slot]);
    size_t size = 16 + (i * 2654435761u) % 512;
    keep[slot] = malloc(size);
    memset(keep[slot], (int)i, size);
  }
  for (unsigned long k = 0; k < KEEP; k++) free(keep[k]);
  free(keep);
  return NULL;
}

static void start_load(int on) {
  if (!on) return;
  g_load_running = 1;
  pthread_create(&g_load_thread, NULL, load_main, NULL);
}

static void stop_load(int on) {
  if (!on) return;
  __atomic_store_n(&g_load_running, 0, __ATOMIC_RELAXED);
  pthread_join(g_load_thread, NULL);
}

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long load_long(volatile long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

static void die(const char *what, PaError err) {
  printf("{\"error\":\"%s: %s\"}\n", what, Pa_GetErrorText(err));
  exit(1);
}

/* PortAudio prints ALSA/JACK noise on stderr while it initializes. */
static void quiet_initialize(void) {
  int saved = dup(2);
  int devnull = open("/dev/null", O_WRONLY);
  dup2(devnull, 2);
  PaError err = Pa_Initialize();
  dup2(saved, 2);
  close(devnull);
  close(saved);
  if (err != paNoError) die("Pa_Initialize", err);
}

static PaDeviceIndex jack_system(void) {
  for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
    const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
    const PaHostApiInfo *h = Pa_GetHostApiInfo(d->hostApi);
    if (h->type == paJACK && strcmp(d->name, "system") == 0) return i;
  }
  printf("{\"error\":\"no JACK 'system' device: is the JACK server running (JACK_DEFAULT_SERVER)?\"}\n");
  exit(1);
}

static PaStreamParameters params(PaDeviceIndex dev, int input) {
  PaStreamParameters p;
  const PaDeviceInfo *d = Pa_GetDeviceInfo(dev);
  p.device = dev;
  p.channelCount = CHANNELS;
  p.sampleFormat = paFloat32;
  p.suggestedLatency = input ? d->defaultHighInputLatency : d->defaultHighOutputLatency;
  p.hostApiSpecificStreamInfo = NULL;
  return p;
}

static void count_flags(PaStreamCallbackFlags flags) {
  if (flags & paOutputUnderflow) g_underflows++;
  if (flags & paInputOverflow) g_overflows++;
}

/* ---- duplex: copy input to output ------------------------------------ */

static int copy_cb(const void *in, void *out, unsigned long frames, const PaStreamCallbackTimeInfo *t,
                   PaStreamCallbackFlags flags, void *user) {
  (void)t;
  (void)user;
  if (in) memcpy(out, in, frames * CHANNELS * sizeof(float));
  else memset(out, 0, frames * CHANNELS * sizeof(float));
  count_flags(flags);
  __atomic_fetch_add(&g_callbacks, 1, __ATOMIC_RELEASE);
  return paContinue;
}

static int run_duplex(int bs, double seconds, double warmup, int load) {
  PaDeviceIndex dev = jack_system();
  PaStreamParameters ip = params(dev, 1), op = params(dev, 0);
  PaStream *s;
  PaError err = Pa_OpenStream(&s, &ip, &op, RATE, bs, paNoFlag, copy_cb, NULL);
  if (err) die("Pa_OpenStream", err);
  start_load(load);
  if ((err = Pa_StartStream(s))) die("Pa_StartStream", err);
  Pa_Sleep((long)(warmup * 1000));
  long c0 = load_long(&g_callbacks), u0 = load_long(&g_underflows), o0 = load_long(&g_overflows);
  double cpu0 = cpu_seconds(), w0 = wall_seconds();
  Pa_Sleep((long)(seconds * 1000));
  long c1 = load_long(&g_callbacks), u1 = load_long(&g_underflows), o1 = load_long(&g_overflows);
  double cpu1 = cpu_seconds(), w1 = wall_seconds();
  stop_load(load);
  Pa_StopStream(s);
  Pa_CloseStream(s);
  printf("{\"callbacks\":%ld,\"cpu\":%.6f,\"wall\":%.6f,\"underflows\":%ld,\"overflows\":%ld,"
         "\"totalUnderflows\":%ld,\"totalOverflows\":%ld}\n",
         c1 - c0, cpu1 - cpu0, w1 - w0, u1 - u0, o1 - o0, load_long(&g_underflows), load_long(&g_overflows));
  return 0;
}

/* ---- duplex copy plus a futex hand-off to another thread -------------- */

static unsigned int g_seq; /* futex word: bumped per block, woken per batch */
static volatile int g_handoff_running;
static long g_batch = 1, g_since_wake;
static float g_scratch[2][4096 * CHANNELS];

static void futex_wake_all(unsigned int *word) { syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0); }
static void futex_wait(unsigned int *word, unsigned int seen) {
  syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static int handoff_cb(const void *in, void *out, unsigned long frames, const PaStreamCallbackTimeInfo *t,
                      PaStreamCallbackFlags flags, void *user) {
  (void)user;
  copy_cb(in, out, frames, t, flags, NULL);
  if (in && frames <= 4096) memcpy(g_scratch[0], in, frames * CHANNELS * sizeof(float));
  __atomic_fetch_add(&g_seq, 1, __ATOMIC_RELEASE);
  if (++g_since_wake >= g_batch) {
    g_since_wake = 0;
    futex_wake_all(&g_seq);
  }
  return paContinue;
}

static void *handoff_main(void *arg) {
  unsigned long frames = (unsigned long)(size_t)arg;
  unsigned int seen = __atomic_load_n(&g_seq, __ATOMIC_ACQUIRE);
  while (__atomic_load_n(&g_handoff_running, __ATOMIC_RELAXED)) {
    futex_wait(&g_seq, seen);
    unsigned int now = __atomic_load_n(&g_seq, __ATOMIC_ACQUIRE);
    for (unsigned int k = seen; k != now; k++) memcpy(g_scratch[1], g_scratch[0], frames * CHANNELS * sizeof(float));
    seen = now;
  }
  return NULL;
}

static int run_handoff(int bs, double seconds, double warmup, int batch) {
  PaDeviceIndex dev = jack_system();
  PaStreamParameters ip = params(dev, 1), op = params(dev, 0);
  PaStream *s;
  pthread_t th;
  g_batch = batch > 0 ? batch : 1;
  g_handoff_running = 1;
  pthread_create(&th, NULL, handoff_main, (void *)(size_t)bs);
  PaError err = Pa_OpenStream(&s, &ip, &op, RATE, bs, paNoFlag, handoff_cb, NULL);
  if (err) die("Pa_OpenStream", err);
  if ((err = Pa_StartStream(s))) die("Pa_StartStream", err);
  Pa_Sleep((long)(warmup * 1000));
  long c0 = load_long(&g_callbacks), u0 = load_long(&g_underflows), o0 = load_long(&g_overflows);
  double cpu0 = cpu_seconds(), w0 = wall_seconds();
  Pa_Sleep((long)(seconds * 1000));
  long c1 = load_long(&g_callbacks), u1 = load_long(&g_underflows), o1 = load_long(&g_overflows);
  double cpu1 = cpu_seconds(), w1 = wall_seconds();
  Pa_StopStream(s);
  Pa_CloseStream(s);
  __atomic_store_n(&g_handoff_running, 0, __ATOMIC_RELAXED);
  __atomic_fetch_add(&g_seq, 1, __ATOMIC_RELEASE);
  futex_wake_all(&g_seq);
  pthread_join(th, NULL);
  printf("{\"callbacks\":%ld,\"cpu\":%.6f,\"wall\":%.6f,\"underflows\":%ld,\"overflows\":%ld}\n", c1 - c0,
         cpu1 - cpu0, w1 - w0, u1 - u0, o1 - o0);
  return 0;
}

/* ---- play / rec of a whole buffer ------------------------------------ */

struct buffer {
  float *data;
  long frames;
  long pos;
};

static int play_cb(const void *in, void *out, unsigned long frames, const PaStreamCallbackTimeInfo *t,
                   PaStreamCallbackFlags flags, void *user) {
  (void)in;
  (void)t;
  struct buffer *b = user;
  long n = b->frames - b->pos;
  if (n > (long)frames) n = (long)frames;
  memcpy(out, b->data + b->pos * CHANNELS, n * CHANNELS * sizeof(float));
  if (n < (long)frames) memset((float *)out + n * CHANNELS, 0, (frames - n) * CHANNELS * sizeof(float));
  b->pos += n;
  count_flags(flags);
  g_callbacks++;
  return b->pos >= b->frames ? paComplete : paContinue;
}

static int rec_cb(const void *in, void *out, unsigned long frames, const PaStreamCallbackTimeInfo *t,
                  PaStreamCallbackFlags flags, void *user) {
  (void)out;
  (void)t;
  struct buffer *b = user;
  long n = b->frames - b->pos;
  if (n > (long)frames) n = (long)frames;
  if (in) memcpy(b->data + b->pos * CHANNELS, in, n * CHANNELS * sizeof(float));
  else memset(b->data + b->pos * CHANNELS, 0, n * CHANNELS * sizeof(float));
  b->pos += n;
  count_flags(flags);
  g_callbacks++;
  return b->pos >= b->frames ? paComplete : paContinue;
}

static int run_buffer(int record, double seconds, int load) {
  PaDeviceIndex dev = jack_system();
  struct buffer b;
  b.frames = (long)(seconds * RATE);
  b.pos = 0;
  PaStreamParameters p = params(dev, record);
  start_load(load);
  double cpu0 = 0, w0 = 0;
  if (record) {
    /* rec() has to provide the array it records into: allocating it (and the
       page faults of filling it) is part of the call, as for numpy/ndarray. */
    cpu0 = cpu_seconds(), w0 = wall_seconds();
    b.data = malloc(b.frames * CHANNELS * sizeof(float));
  } else {
    /* play() gets its data from the caller: made before measuring. */
    b.data = malloc(b.frames * CHANNELS * sizeof(float));
    for (long i = 0; i < b.frames * CHANNELS; i++) b.data[i] = (float)((i % 200) - 100) / 1000.0f;
    cpu0 = cpu_seconds(), w0 = wall_seconds();
  }
  PaStream *s;
  PaError err = Pa_OpenStream(&s, record ? &p : NULL, record ? NULL : &p, RATE, paFramesPerBufferUnspecified,
                              paNoFlag, record ? rec_cb : play_cb, &b);
  if (err) die("Pa_OpenStream", err);
  if ((err = Pa_StartStream(s))) die("Pa_StartStream", err);
  while (Pa_IsStreamActive(s) == 1) Pa_Sleep(20);
  Pa_StopStream(s);
  Pa_CloseStream(s);
  double cpu1 = cpu_seconds(), w1 = wall_seconds();
  stop_load(load);
  printf("{\"callbacks\":%ld,\"cpu\":%.6f,\"wall\":%.6f,\"audioSeconds\":%.3f,\"underflows\":%ld,\"overflows\":%ld}\n",
         g_callbacks, cpu1 - cpu0, w1 - w0, seconds, g_underflows, g_overflows);
  free(b.data);
  return 0;
}

/* ---- blocking read/write ---------------------------------------------- */

static int run_blocking(int bs, double seconds, double warmup) {
  PaDeviceIndex dev = jack_system();
  PaStreamParameters ip = params(dev, 1), op = params(dev, 0);
  PaStream *s;
  PaError err = Pa_OpenStream(&s, &ip, &op, RATE, bs, paNoFlag, NULL, NULL);
  if (err) die("Pa_OpenStream", err);
  float *buf = calloc((size_t)bs * CHANNELS, sizeof(float));
  if ((err = Pa_StartStream(s))) die("Pa_StartStream", err);
  long blocks = 0, under = 0, over = 0, b0 = 0, u0 = 0, o0 = 0;
  double cpu0 = 0, w0 = 0, start = wall_seconds();
  int measuring = 0;
  for (;;) {
    double now = wall_seconds();
    if (!measuring && now - start >= warmup) {
      measuring = 1;
      b0 = blocks, u0 = under, o0 = over;
      cpu0 = cpu_seconds(), w0 = now;
    }
    if (measuring && now - w0 >= seconds) break;
    if (Pa_ReadStream(s, buf, bs) == paInputOverflowed) over++;
    if (Pa_WriteStream(s, buf, bs) == paOutputUnderflowed) under++;
    blocks++;
  }
  double cpu1 = cpu_seconds(), w1 = wall_seconds();
  Pa_StopStream(s);
  Pa_CloseStream(s);
  printf("{\"callbacks\":%ld,\"cpu\":%.6f,\"wall\":%.6f,\"underflows\":%ld,\"overflows\":%ld}\n", blocks - b0,
         cpu1 - cpu0, w1 - w0, under - u0, over - o0);
  free(buf);
  return 0;
}

/* ---- loopback latency --------------------------------------------------- */

struct probe {
  long frame;       /* frames seen so far */
  long emit_at;     /* frame index of the impulse in the output */
  long found_at;    /* frame index where it came back, -1 until then */
};

static int probe_cb(const void *in, void *out, unsigned long frames, const PaStreamCallbackTimeInfo *t,
                    PaStreamCallbackFlags flags, void *user) {
  (void)t;
  (void)flags;
  struct probe *p = user;
  float *o = out;
  const float *i = in;
  memset(o, 0, frames * CHANNELS * sizeof(float));
  for (unsigned long k = 0; k < frames; k++) {
    long f = p->frame + (long)k;
    if (f == p->emit_at) o[k * CHANNELS] = 1.0f;
    if (i && p->found_at < 0 && f >= p->emit_at && i[k * CHANNELS] > 0.5f) p->found_at = f;
  }
  p->frame += (long)frames;
  g_callbacks++;
  return paContinue;
}

static int run_latency(int bs) {
  PaDeviceIndex dev = jack_system();
  PaStreamParameters ip = params(dev, 1), op = params(dev, 0);
  struct probe p = {0, (long)(0.25 * RATE), -1};
  PaStream *s;
  PaError err = Pa_OpenStream(&s, &ip, &op, RATE, bs, paNoFlag, probe_cb, &p);
  if (err) die("Pa_OpenStream", err);
  /* The client's ports exist from open: loop output 1 back into input 1. */
  if (system("jack_connect PortAudio:out_0 PortAudio:in_0") != 0) {
    printf("{\"error\":\"jack_connect failed\"}\n");
    return 1;
  }
  if ((err = Pa_StartStream(s))) die("Pa_StartStream", err);
  /* Drop the automatic connection from the dummy capture port (silence anyway). */
  if (system("jack_disconnect system:capture_1 PortAudio:in_0 2>/dev/null") != 0) {
    /* not connected: nothing to do */
  }
  Pa_Sleep(1000);
  Pa_StopStream(s);
  Pa_CloseStream(s);
  printf("{\"latency\":%ld,\"callbacks\":%ld}\n", p.found_at < 0 ? -1 : p.found_at - p.emit_at, g_callbacks);
  return 0;
}

static int run_init(void) {
  for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
    const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
    printf("%d %s, %s (%d in, %d out)\n", i, d->name, Pa_GetHostApiInfo(d->hostApi)->name, d->maxInputChannels,
           d->maxOutputChannels);
  }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    fprintf(stderr, "usage: floor duplex|handoff|play|rec|blocking|latency|init ...\n");
    return 2;
  }
  quiet_initialize();
  int rc;
  const char *mode = argv[1];
  int load = strcmp(argv[argc - 1], "load") == 0;
  if (strcmp(mode, "duplex") == 0 && argc == 5 + load) rc = run_duplex(atoi(argv[2]), atof(argv[3]), atof(argv[4]), load);
  else if (strcmp(mode, "play") == 0 && argc == 3 + load) rc = run_buffer(0, atof(argv[2]), load);
  else if (strcmp(mode, "rec") == 0 && argc == 3 + load) rc = run_buffer(1, atof(argv[2]), load);
  else if (strcmp(mode, "handoff") == 0 && argc == 6)
    rc = run_handoff(atoi(argv[2]), atof(argv[3]), atof(argv[4]), atoi(argv[5]));
  else if (strcmp(mode, "blocking") == 0 && argc == 5) rc = run_blocking(atoi(argv[2]), atof(argv[3]), atof(argv[4]));
  else if (strcmp(mode, "latency") == 0 && argc == 3) rc = run_latency(atoi(argv[2]));
  else if (strcmp(mode, "init") == 0) rc = run_init();
  else {
    fprintf(stderr, "floor: bad arguments\n");
    rc = 2;
  }
  Pa_Terminate();
  return rc;
}
