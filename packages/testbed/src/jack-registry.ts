import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { processState } from './proc.js';

/** JACK2's shared registry of servers (one per machine, in /dev/shm). */
export const JACK_REGISTRY = '/dev/shm/jack-shm-registry';

// Layout of JACK2's `jack_shm_header_t` (common/shm.h): magic, protocol,
// type, size, hdr_len, entry_len, then MAX_SERVERS (8) entries of
// { pid_t pid; char name[JACK_SERVER_NAME_SIZE + 1] } padded to 264 bytes.
const MAGIC = 0x4a41434b; // 'JACK'
const SERVERS_AT = 24;
const SERVER_BYTES = 264;
const MAX_SERVERS = 8;

/**
 * Frees the entries of JACK's server registry whose server process is gone.
 * JACK2 keeps 8 entries per machine and frees one only when a server of the
 * same name starts again, so servers killed with SIGKILL under names used
 * once (the testbed's private `sounddevice-test-<pid>` names) would use them
 * all up: every later jackd then fails with "Too many servers already
 * active". Entries of running servers are never touched. Returns the names
 * freed; a missing or unknown registry frees nothing.
 */
export function reclaimStaleJackServers(registry = JACK_REGISTRY): string[] {
  let fd: number;
  try {
    fd = openSync(registry, 'r+');
  } catch {
    return [];
  }
  try {
    const header = Buffer.alloc(SERVERS_AT + MAX_SERVERS * SERVER_BYTES);
    if (readSync(fd, header, 0, header.length, 0) !== header.length) return [];
    const hdrLen = header.readUInt32LE(16);
    if (header.readUInt32LE(0) !== MAGIC || hdrLen < header.length) return [];
    const freed: string[] = [];
    for (let i = 0; i < MAX_SERVERS; i++) {
      const at = SERVERS_AT + i * SERVER_BYTES;
      const pid = header.readInt32LE(at);
      if (pid <= 0 || processState(pid) !== 'gone') continue;
      const raw = header.subarray(at + 4, at + SERVER_BYTES);
      freed.push(raw.subarray(0, Math.max(0, raw.indexOf(0))).toString('utf8'));
      writeSync(fd, Buffer.alloc(SERVER_BYTES), 0, SERVER_BYTES, at);
    }
    return freed;
  } finally {
    closeSync(fd);
  }
}
