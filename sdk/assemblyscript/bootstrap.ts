// The entry points of spawned processes. A program re-exports them from its main file
// (`export * from "tycho-lunatic/bootstrap"`); Process.spawn* names them with the index of
// the function to run in the module's function table as the first parameter.

import "./abort";

export function __lunatic_process_bootstrap(index: u32): void {
  call_indirect<void>(index);
}

export function __lunatic_process_bootstrap_parameter(index: u32, value: i64): void {
  call_indirect<void>(index, value);
}

export function __lunatic_process_bootstrap_two_parameters(index: u32, first: i64, second: i64): void {
  call_indirect<void>(index, first, second);
}
