/** Ctrl+C (SIGINT) and SIGTERM while a command runs. */

/**
 * Calls `handler` on SIGINT or SIGTERM (instead of Node's default of dying
 * at once) until the returned function is called. A second signal while the
 * first is being handled is ignored, so cleanup (finalizing a file) runs to
 * its end.
 *
 * @param handler - Receives the signal's name.
 * @returns Removes the handlers.
 */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  let fired = false;
  const listener = (signal: NodeJS.Signals): void => {
    if (fired) return;
    fired = true;
    handler(signal);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.removeListener('SIGINT', listener);
    process.removeListener('SIGTERM', listener);
  };
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A timer as a promise that can be cancelled, so a finished command does not
 * keep the process alive until it fires.
 */
export function timeout(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}
