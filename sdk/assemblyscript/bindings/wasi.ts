// The few wasi_snapshot_preview1 functions the library uses.

@external("wasi_snapshot_preview1", "fd_write")
export declare function fd_write(fd: u32, iovs_ptr: usize, iovs_len: usize, written_ptr: usize): u16;
@external("wasi_snapshot_preview1", "proc_exit")
export declare function proc_exit(code: u32): void;
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function clock_time_get(clock_id: u32, precision: u64, time_ptr: usize): u16;
