/** Reading what a full-screen terminal program drew. */

/** The screens drawn: the text between cursor-home sequences, split into lines. */
export function screens(output: string): string[][] {
  return output
    .split('\x1b[H')
    .slice(1)
    .map((screen) => screen.split(/\r*\n/));
}

/** `text` without ANSI escape sequences. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
