// crypto.getRandomValues and Math.random through @assemblyscript/wasi-shim (random_get): a
// 1 MiB buffer holds every byte value, a second one differs; Math.random (seeded with
// random_get) stays in [0, 1) and is not constant.
const first = new Uint8Array(1 << 20);
const second = new Uint8Array(1 << 20);
crypto.getRandomValues(first);
crypto.getRandomValues(second);
const seen = new StaticArray<bool>(256);
for (let i = 0; i < first.length; i++) seen[first[i]] = true;
let all = true;
for (let v = 0; v < 256; v++) all = all && seen[v];
console.log(`every byte value occurs: ${all}`);
let differ = false;
for (let i = 0; i < first.length && !differ; i++) differ = first[i] != second[i];
console.log(`a second fill differs: ${differ}`);
let inRange = true;
const a = Math.random();
let varies = false;
for (let i = 0; i < 1000; i++) {
  const r = Math.random();
  inRange = inRange && r >= 0 && r < 1;
  varies = varies || r != a;
}
console.log(`Math.random in [0, 1): ${inRange}, not constant: ${varies}`);
