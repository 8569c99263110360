#!/usr/bin/env node
// Runs the WASI tests that ctest knows under Node's WASI instead of tycho, to check the
// expected outputs against a second implementation:
//   node tests/wasi/check_with_node.mjs BUILD_DIR [CTEST_REGEX]
// Each test runs exactly as ctest would run it (its fixture first, same runner, options,
// environment and working directory), with `tycho run` replaced by node_run.mjs. README.md
// lists where Node is known to differ from the expected outputs, and why.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const [buildDir, regex = '^wasi\\.'] = process.argv.slice(2);
if (!buildDir) {
  process.stderr.write('usage: check_with_node.mjs BUILD_DIR [CTEST_REGEX]\n');
  process.exit(2);
}
const nodeRun = join(dirname(fileURLToPath(import.meta.url)), 'node_run.mjs');
const listing = spawnSync('ctest', ['--show-only=json-v1', '-R', regex], { cwd: buildDir, encoding: 'utf8' });
if (listing.status !== 0) {
  process.stderr.write(listing.stderr);
  process.exit(2);
}

const property = (test, name) => test.properties?.find((p) => p.name === name)?.value;
const byName = new Map(JSON.parse(listing.stdout).tests.map((test) => [test.name, test]));

// Runs one test's command (tycho replaced), returning whether it passed.
function run(test, quiet) {
  let command = test.command;
  const at = command.findIndex((arg, i) => i > 0 && command[i - 1] === '--');
  if (at > 0 && command[at + 1] === 'run') {
    command = [...command.slice(0, at), process.execPath, nodeRun, ...command.slice(at + 2)];
  }
  const env = { ...process.env };
  for (const assignment of property(test, 'ENVIRONMENT') ?? []) {
    const equals = assignment.indexOf('=');
    env[assignment.slice(0, equals)] = assignment.slice(equals + 1);
  }
  const result = spawnSync(command[0], command.slice(1), {
    cwd: property(test, 'WORKING_DIRECTORY'),
    env,
    encoding: 'utf8',
    timeout: (property(test, 'TIMEOUT') ?? 60) * 1000,
  });
  const passed = result.status === 0;
  if (!passed && !quiet) process.stdout.write(result.stdout + result.stderr);
  return passed;
}

let passed = 0;
let failed = 0;
for (const test of byName.values()) {
  if (test.name.endsWith('.prepare')) continue;
  for (const fixture of property(test, 'FIXTURES_REQUIRED') ?? []) {
    const setup = byName.get(`${fixture.replace(/\.scratch$/, '')}.prepare`);
    if (setup) run(setup, false);
  }
  const ok = run(test, false);
  process.stdout.write(`${ok ? 'passed' : 'FAILED'} ${test.name}\n`);
  ok ? passed++ : failed++;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
