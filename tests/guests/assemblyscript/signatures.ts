// Every lunatic::* and WASI import the library declares, in one module: Tycho checks each
// import's type against its own when it loads a module (lunatic-abi.md §2.1, §28), so this
// program runs only if every declaration has the exact v0.13 type. allImports is exported so
// that the compiler keeps the imports; it never runs.
import * as distributed from "tycho-lunatic/bindings/distributed";
import * as error from "tycho-lunatic/bindings/error";
import * as message from "tycho-lunatic/bindings/message";
import * as process from "tycho-lunatic/bindings/process";
import * as registry from "tycho-lunatic/bindings/registry";
import * as wasi from "tycho-lunatic/bindings/wasi";
import { print } from "tycho-lunatic";

export function allImports(): void {
  process.compile_module(0, 0, 0);
  process.drop_module(0);
  process.create_config();
  process.drop_config(0);
  process.config_set_max_memory(0, 0);
  process.config_get_max_memory(0);
  process.config_set_max_fuel(0, 0);
  process.config_get_max_fuel(0);
  process.config_can_compile_modules(0);
  process.config_set_can_compile_modules(0, 0);
  process.config_can_create_configs(0);
  process.config_set_can_create_configs(0, 0);
  process.config_can_spawn_processes(0);
  process.config_set_can_spawn_processes(0, 0);
  process.spawn(0, 0, 0, 0, 0, 0, 0, 0);
  process.get_or_spawn(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  process.sleep_ms(0);
  process.die_when_link_dies(0);
  process.process_id();
  process.environment_id();
  process.link(0, 0);
  process.unlink(0);
  process.monitor(0);
  process.stop_monitoring(0);
  process.kill(0);
  process.exists(0);

  message.create_data(0, 0);
  message.write_data(0, 0);
  message.read_data(0, 0);
  message.seek_data(0);
  message.get_tag();
  message.get_process_id();
  message.data_size();
  message.push_module(0);
  message.take_module(0);
  message.send(0);
  message.send_receive_skip_search(0, 0, 0);
  message.receive(0, 0, 0);

  registry.put(0, 0, 0, 0);
  registry.get(0, 0, 0, 0);
  registry.remove(0, 0);

  distributed.node_id();
  distributed.module_id();
  distributed.spawn(0, 0, 0, 0, 0, 0, 0, 0);
  distributed.send(0, 0);
  distributed.send_receive_skip_search(0, 0, 0, 0);

  error.string_size(0);
  error.to_string(0, 0);
  error.drop(0);

  wasi.fd_write(0, 0, 0, 0);
  wasi.proc_exit(0);
  wasi.clock_time_get(0, 0, 0);
}

export function _start(): void {
  print("loaded with every declared import");
  print("ok");
}
