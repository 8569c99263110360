// lunatic::process imports, with the Wasm types Lunatic v0.13 registers them with.
// Pointers and lengths are i32 (usize on wasm32), ids and durations i64.

@external("lunatic::process", "compile_module")
export declare function compile_module(data_ptr: usize, data_len: usize, id_ptr: usize): i32;
@external("lunatic::process", "drop_module")
export declare function drop_module(module_id: u64): void;

@external("lunatic::process", "create_config")
export declare function create_config(): i64;
@external("lunatic::process", "drop_config")
export declare function drop_config(config_id: u64): void;
@external("lunatic::process", "config_set_max_memory")
export declare function config_set_max_memory(config_id: u64, max_memory: u64): void;
@external("lunatic::process", "config_get_max_memory")
export declare function config_get_max_memory(config_id: u64): u64;
@external("lunatic::process", "config_set_max_fuel")
export declare function config_set_max_fuel(config_id: u64, max_fuel: u64): void;
@external("lunatic::process", "config_get_max_fuel")
export declare function config_get_max_fuel(config_id: u64): u64;
@external("lunatic::process", "config_can_compile_modules")
export declare function config_can_compile_modules(config_id: u64): i32;
@external("lunatic::process", "config_set_can_compile_modules")
export declare function config_set_can_compile_modules(config_id: u64, can: i32): void;
@external("lunatic::process", "config_can_create_configs")
export declare function config_can_create_configs(config_id: u64): i32;
@external("lunatic::process", "config_set_can_create_configs")
export declare function config_set_can_create_configs(config_id: u64, can: i32): void;
@external("lunatic::process", "config_can_spawn_processes")
export declare function config_can_spawn_processes(config_id: u64): i32;
@external("lunatic::process", "config_set_can_spawn_processes")
export declare function config_set_can_spawn_processes(config_id: u64, can: i32): void;

@external("lunatic::process", "spawn")
export declare function spawn(
  link: i64, config_id: i64, module_id: i64,
  func_ptr: usize, func_len: usize,
  params_ptr: usize, params_len: usize,
  id_ptr: usize,
): i32;
@external("lunatic::process", "get_or_spawn")
export declare function get_or_spawn(
  name_ptr: usize, name_len: usize,
  link: i64, config_id: i64, module_id: i64,
  func_ptr: usize, func_len: usize,
  params_ptr: usize, params_len: usize,
  node_id_ptr: usize, id_ptr: usize,
): i32;

@external("lunatic::process", "sleep_ms")
export declare function sleep_ms(millis: u64): void;
@external("lunatic::process", "die_when_link_dies")
export declare function die_when_link_dies(trap: i32): void;
@external("lunatic::process", "process_id")
export declare function process_id(): u64;
@external("lunatic::process", "environment_id")
export declare function environment_id(): u64;
@external("lunatic::process", "link")
export declare function link(tag: i64, process_id: u64): void;
@external("lunatic::process", "unlink")
export declare function unlink(process_id: u64): void;
@external("lunatic::process", "monitor")
export declare function monitor(process_id: u64): void;
@external("lunatic::process", "stop_monitoring")
export declare function stop_monitoring(process_id: u64): void;
@external("lunatic::process", "kill")
export declare function kill(process_id: u64): void;
@external("lunatic::process", "exists")
export declare function exists(process_id: u64): i32;
