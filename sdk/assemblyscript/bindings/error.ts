// lunatic::error imports, with the Wasm types Lunatic v0.13 registers them with.

@external("lunatic::error", "string_size")
export declare function string_size(error_id: u64): usize;
@external("lunatic::error", "to_string")
export declare function to_string(error_id: u64, str_ptr: usize): void;
@external("lunatic::error", "drop")
export declare function drop(error_id: u64): void;
