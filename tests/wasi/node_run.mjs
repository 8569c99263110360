#!/usr/bin/env node
// Runs a wasm32-wasi program under Node's WASI with tycho's command line, to check what a
// guest prints against a second implementation:
//   node node_run.mjs [--dir HOST_DIR[::GUEST_DIR]]... [--env K=V]... [--inherit-env] app.wasm ARGS...
// As with `tycho run`: nothing is preopened unless given, the environment is empty unless
// given, argv[0] is the file's base name, and proc_exit(N) becomes the exit status.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import process from 'node:process';

function usage(message) {
  process.stderr.write(`node_run: ${message}\n`);
  process.exit(2);
}

const preopens = {};
const env = {};
let inheritEnv = false;
const argv = process.argv.slice(2);
while (argv.length > 0 && argv[0].startsWith('--')) {
  const flag = argv.shift();
  if (flag === '--inherit-env') {
    inheritEnv = true;
    continue;
  }
  const value = argv.shift();
  if (value === undefined) usage(`${flag} needs a value`);
  if (flag === '--dir') {
    const [host, guest] = value.split('::');
    preopens[guest ?? host] = host;
  } else if (flag === '--env') {
    const equals = value.indexOf('=');
    if (equals <= 0) usage(`--env needs KEY=VALUE, got '${value}'`);
    env[value.slice(0, equals)] = value.slice(equals + 1);
  } else {
    usage(`unknown option ${flag}`);
  }
}
if (argv.length === 0) usage('no module given');
const [file, ...args] = argv;

// Node warns that WASI is experimental: that line would only clutter standard error.
process.removeAllListeners('warning');
const { WASI } = await import('node:wasi');
const wasi = new WASI({
  version: 'preview1',
  args: [basename(file), ...args],
  // --env wins over an inherited variable of the same name.
  env: inheritEnv ? { ...process.env, ...env } : env,
  preopens,
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
