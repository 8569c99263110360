// Printing, exiting and the clock, through WASI (Lunatic gives each process its own WASI
// context; stdout and stderr are the runtime's).

import { clock_time_get, fd_write, proc_exit } from "./bindings/wasi";

const STDOUT: u32 = 1;
const STDERR: u32 = 2;
const MONOTONIC_CLOCK: u32 = 1;

// One iovec (pointer, length) followed by the count fd_write writes back.
const iovec = memory.data(12);

function writeAll(fd: u32, bytes: ArrayBuffer): void {
  let ptr = changetype<usize>(bytes);
  let left = <usize>bytes.byteLength;
  while (left > 0) {
    store<u32>(iovec, <u32>ptr);
    store<u32>(iovec + 4, <u32>left);
    if (fd_write(fd, iovec, 1, iovec + 8) != 0) return;
    let written = <usize>load<u32>(iovec + 8);
    if (written == 0) return;
    ptr += written;
    left -= written;
  }
}

/** Writes `text` and a newline to standard output. */
export function print(text: string): void {
  writeAll(STDOUT, String.UTF8.encode(text + "\n"));
}

/** Writes `text` and a newline to standard error. */
export function printError(text: string): void {
  writeAll(STDERR, String.UTF8.encode(text + "\n"));
}

/** Ends the calling process: status 0 is a normal end, anything else a failure. */
export function exit(status: u32): void {
  proc_exit(status);
}

/** Milliseconds of a clock that never goes back, for measuring waits. */
export function monotonicMillis(): u64 {
  const time = memory.data(8);
  clock_time_get(MONOTONIC_CLOCK, 1000, time);
  return load<u64>(time) / 1_000_000;
}
