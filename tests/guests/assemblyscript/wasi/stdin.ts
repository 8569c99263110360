// process.stdin.read through @assemblyscript/wasi-shim: all of standard input in 4 KiB
// reads, its byte and line counts, and end of file reading as 0.
const buffer = new ArrayBuffer(4096);
const bytes = Uint8Array.wrap(buffer);
let total = 0;
let lines = 0;
let reads = 0;
for (;;) {
  const n = process.stdin.read(buffer);
  if (n == 0) break;
  reads++;
  total += n;
  for (let i = 0; i < n; i++) if (bytes[i] == 10) lines++;
}
console.log(`stdin: ${total} bytes, ${lines} lines, in more than one read: ${reads > 1}`);
console.log(`read at the end: ${process.stdin.read(buffer)}`);
