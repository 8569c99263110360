// lunatic::registry imports, with the Wasm types Lunatic v0.13 registers them with.

@external("lunatic::registry", "put")
export declare function put(name_ptr: usize, name_len: usize, node_id: u64, process_id: u64): void;
@external("lunatic::registry", "get")
export declare function get(name_ptr: usize, name_len: usize, node_id_ptr: usize, process_id_ptr: usize): i32;
@external("lunatic::registry", "remove")
export declare function remove(name_ptr: usize, name_len: usize): void;
