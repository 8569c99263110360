// lunatic::message imports (the data-message part; no networking resources), with the Wasm
// types Lunatic v0.13 registers them with.

@external("lunatic::message", "create_data")
export declare function create_data(tag: i64, buffer_capacity: u64): void;
@external("lunatic::message", "write_data")
export declare function write_data(data_ptr: usize, data_len: usize): usize;
@external("lunatic::message", "read_data")
export declare function read_data(data_ptr: usize, data_len: usize): usize;
@external("lunatic::message", "seek_data")
export declare function seek_data(index: u64): void;
@external("lunatic::message", "get_tag")
export declare function get_tag(): i64;
@external("lunatic::message", "get_process_id")
export declare function get_process_id(): u64;
@external("lunatic::message", "data_size")
export declare function data_size(): u64;
@external("lunatic::message", "push_module")
export declare function push_module(module_id: u64): u64;
@external("lunatic::message", "take_module")
export declare function take_module(index: u64): u64;
@external("lunatic::message", "send")
export declare function send(process_id: u64): i32;
// Since v0.13 the reply tag is a parameter: as-lunatic 0.12 declares the older
// (process_id, timeout) form, which v0.13 hosts refuse to link.
@external("lunatic::message", "send_receive_skip_search")
export declare function send_receive_skip_search(process_id: u64, wait_on_tag: i64, timeout: u64): i32;
@external("lunatic::message", "receive")
export declare function receive(tag_ptr: usize, tag_len: usize, timeout: u64): i32;
