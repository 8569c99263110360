// Date.now(), performance.now() and process.hrtime() through @assemblyscript/wasi-shim: a
// plausible date (2024 to 2100), monotonic clocks that never go back over 10,000 reads and
// advance while the program works for 20 ms.
const now = Date.now();
console.log(`Date.now() between 2024 and 2100: ${now > 1704067200000 && now < 4102444800000}`);
let previous = process.hrtime();
let backwards = 0;
for (let i = 0; i < 10000; i++) {
  const t = process.hrtime();
  if (t < previous) backwards++;
  previous = t;
}
console.log(`hrtime went back ${backwards} times in 10000 reads`);
const start = performance.now();
const startHr = process.hrtime();
let sink: u32 = 0;
while (performance.now() - start < 20) sink += 1;
console.log(`performance.now() advanced by 20 ms: ${performance.now() - start >= 20}`);
console.log(`hrtime advanced by at least 20 ms: ${process.hrtime() - startHr >= 20000000}`);
console.log(`the loop ran: ${sink > 0}`);
