// lunatic::distributed imports the library uses, with the Wasm types Lunatic v0.13 registers
// them with. On a single node node_id() is 0 and send/spawn are only for other nodes.

@external("lunatic::distributed", "node_id")
export declare function node_id(): u64;
@external("lunatic::distributed", "module_id")
export declare function module_id(): u64;
// v0.13 signature: as-lunatic 0.12 declares an extra leading i64 (a link tag), which v0.13
// hosts refuse to link.
@external("lunatic::distributed", "spawn")
export declare function spawn(
  node_id: u64, config_id: i64, module_id: u64,
  func_ptr: usize, func_len: usize,
  params_ptr: usize, params_len: usize,
  id_ptr: usize,
): i32;
@external("lunatic::distributed", "send")
export declare function send(node_id: u64, process_id: u64): i32;
// v0.13 signature, with the reply tag (as-lunatic 0.12 lacks it).
@external("lunatic::distributed", "send_receive_skip_search")
export declare function send_receive_skip_search(node_id: u64, process_id: u64, wait_on_tag: i64, timeout: u64): i32;
