#!/usr/bin/env -S node --no-warnings --single-threaded
// A stand-in for `tycho run` built on Node's WASI, the reference the programs' Wasm builds are
// checked against: node-wasi-run.mjs run [--dir HOST[::GUEST]]... [--env K=V]... FILE ARGS...
// As tycho does, it preopens only the --dir directories, passes only the --env variables and
// gives the guest FILE's base name as argv[0]; proc_exit(N) becomes the exit status.
// --single-threaded: with V8's background compiler threads, Node 20 now and then crashes
// (SIGSEGV) while exiting after a guest that grew a large memory (zstd -19).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { argv, exit, stderr } from 'node:process';
import { WASI } from 'node:wasi';

function usage(message) {
  stderr.write(`node-wasi-run: ${message}\n`);
  exit(2);
}

const args = argv.slice(2);
if (args.shift() !== 'run') usage('usage: node-wasi-run.mjs run [--dir DIR]... [--env K=V]... FILE ARGS...');
const preopens = {};
const env = {};
while (args.length > 0 && args[0].startsWith('--')) {
  const option = args.shift();
  const value = args.shift();
  if (value === undefined) usage(`${option} needs a value`);
  if (option === '--dir') {
    const [host, guest] = value.split('::');
    preopens[guest ?? host] = host;
  } else if (option === '--env') {
    const equals = value.indexOf('=');
    if (equals < 0) usage(`--env takes KEY=VALUE, not '${value}'`);
    env[value.slice(0, equals)] = value.slice(equals + 1);
  } else {
    usage(`unknown option '${option}'`);
  }
}
const file = args.shift();
if (file === undefined) usage('missing FILE.wasm');

const wasi = new WASI({ version: 'preview1', args: [basename(file), ...args], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance));
