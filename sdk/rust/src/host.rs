//! The host functions, declared with exactly the Wasm types Lunatic v0.13 registers them
//! with (pointers and lengths are `i32` in wasm32, ids `i64`). Only the functions a program
//! calls end up among its imports.
//!
//! Status codes: 0 success, 1 failure (an error id is written to the out-pointer), 9027 a
//! timeout.

/// `lunatic::process`: modules, configs, spawning, links, monitors.
pub mod process {
    #[link(wasm_import_module = "lunatic::process")]
    extern "C" {
        pub fn compile_module(module_data_ptr: *const u8, module_data_len: usize, id_ptr: *mut u64) -> i32;
        pub fn drop_module(module_id: u64);
        pub fn create_config() -> i64;
        pub fn drop_config(config_id: u64);
        pub fn config_set_max_memory(config_id: u64, max_memory: u64);
        pub fn config_get_max_memory(config_id: u64) -> u64;
        pub fn config_set_max_fuel(config_id: u64, max_fuel: u64);
        pub fn config_get_max_fuel(config_id: u64) -> u64;
        pub fn config_can_compile_modules(config_id: u64) -> u32;
        pub fn config_set_can_compile_modules(config_id: u64, can: u32);
        pub fn config_can_create_configs(config_id: u64) -> u32;
        pub fn config_set_can_create_configs(config_id: u64, can: u32);
        pub fn config_can_spawn_processes(config_id: u64) -> u32;
        pub fn config_set_can_spawn_processes(config_id: u64, can: u32);
        pub fn spawn(
            link: i64,
            config_id: i64,
            module_id: i64,
            func_str_ptr: *const u8,
            func_str_len: usize,
            params_ptr: *const u8,
            params_len: usize,
            id_ptr: *mut u64,
        ) -> u32;
        pub fn get_or_spawn(
            name_str_ptr: *const u8,
            name_str_len: usize,
            link: i64,
            config_id: i64,
            module_id: i64,
            func_str_ptr: *const u8,
            func_str_len: usize,
            params_ptr: *const u8,
            params_len: usize,
            node_id_ptr: *mut u64,
            id_ptr: *mut u64,
        ) -> u32;
        pub fn sleep_ms(millis: u64);
        pub fn die_when_link_dies(trap: u32);
        pub fn process_id() -> u64;
        pub fn environment_id() -> u64;
        pub fn link(tag: i64, process_id: u64);
        pub fn unlink(process_id: u64);
        pub fn monitor(process_id: u64);
        pub fn stop_monitoring(process_id: u64);
        pub fn kill(process_id: u64);
        pub fn exists(process_id: u64) -> i32;
    }
}

/// `lunatic::message`: the scratch message, sending and receiving.
pub mod message {
    #[link(wasm_import_module = "lunatic::message")]
    extern "C" {
        pub fn create_data(tag: i64, buffer_capacity: u64);
        pub fn write_data(data_ptr: *const u8, data_len: usize) -> usize;
        pub fn read_data(data_ptr: *mut u8, data_len: usize) -> usize;
        pub fn seek_data(index: u64);
        pub fn get_tag() -> i64;
        pub fn get_process_id() -> u64;
        pub fn data_size() -> u64;
        pub fn push_module(module_id: u64) -> u64;
        pub fn take_module(index: u64) -> u64;
        pub fn send(process_id: u64) -> u32;
        pub fn send_receive_skip_search(process_id: u64, wait_on_tag: i64, timeout_duration: u64) -> u32;
        pub fn receive(tag_ptr: *const i64, tag_len: usize, timeout_duration: u64) -> u32;
    }
}

/// `lunatic::timer`: delayed messages.
pub mod timer {
    #[link(wasm_import_module = "lunatic::timer")]
    extern "C" {
        pub fn send_after(process_id: u64, delay: u64) -> u64;
        pub fn cancel_timer(timer_id: u64) -> u32;
    }
}

/// `lunatic::registry`: names for processes.
pub mod registry {
    #[link(wasm_import_module = "lunatic::registry")]
    extern "C" {
        pub fn put(name_str_ptr: *const u8, name_str_len: usize, node_id: u64, process_id: u64);
        pub fn get(
            name_str_ptr: *const u8,
            name_str_len: usize,
            node_id_ptr: *mut u64,
            process_id_ptr: *mut u64,
        ) -> u32;
        pub fn remove(name_str_ptr: *const u8, name_str_len: usize);
    }
}

/// `lunatic::error`: texts behind error ids.
pub mod error {
    #[link(wasm_import_module = "lunatic::error")]
    extern "C" {
        pub fn string_size(error_id: u64) -> u32;
        pub fn to_string(error_id: u64, error_str_ptr: *mut u8);
        pub fn drop(error_id: u64);
    }
}

/// `lunatic::version`: the host's version.
pub mod version {
    #[link(wasm_import_module = "lunatic::version")]
    extern "C" {
        pub fn major() -> u32;
        pub fn minor() -> u32;
        pub fn patch() -> u32;
    }
}

/// `lunatic::wasi`: the WASI lists of a config.
pub mod wasi {
    #[link(wasm_import_module = "lunatic::wasi")]
    extern "C" {
        pub fn config_add_environment_variable(
            config_id: u64,
            key_ptr: *const u8,
            key_len: usize,
            value_ptr: *const u8,
            value_len: usize,
        );
        pub fn config_add_command_line_argument(config_id: u64, argument_ptr: *const u8, argument_len: usize);
        pub fn config_preopen_dir(config_id: u64, dir_ptr: *const u8, dir_len: usize);
    }
}

/// `lunatic::trap`: running code that may trap without dying.
pub mod trap {
    #[link(wasm_import_module = "lunatic::trap")]
    extern "C" {
        /// Calls the export `_lunatic_catch_trap(function, pointer)`; its result, or 0 if it trapped.
        pub fn catch(function: usize, pointer: usize) -> usize;
    }
}

/// `lunatic::distributed`: other nodes. Without a distributed setup `node_id` and
/// `module_id` are 0 and the functions that reach other nodes trap, so the library calls
/// them only for a node other than `node_id()`.
pub mod distributed {
    #[link(wasm_import_module = "lunatic::distributed")]
    extern "C" {
        pub fn nodes_count() -> u32;
        pub fn get_nodes(nodes_ptr: *mut u64, nodes_len: u32) -> u32;
        pub fn node_id() -> u64;
        pub fn module_id() -> u64;
        pub fn spawn(
            node_id: u64,
            config_id: i64,
            module_id: u64,
            func_str_ptr: *const u8,
            func_str_len: usize,
            params_ptr: *const u8,
            params_len: usize,
            id_ptr: *mut u64,
        ) -> u32;
        pub fn send(node_id: u64, process_id: u64) -> u32;
        pub fn send_receive_skip_search(
            node_id: u64,
            process_id: u64,
            wait_on_tag: i64,
            timeout_duration: u64,
        ) -> u32;
        pub fn exec_lookup_nodes(
            query_ptr: *const u8,
            query_len: u32,
            query_id_ptr: *mut u64,
            nodes_len_ptr: *mut u64,
            error_ptr: *mut u64,
        ) -> u32;
        pub fn copy_lookup_nodes_results(
            query_id: u64,
            nodes_ptr: *mut u64,
            nodes_len: u32,
            error_ptr: *mut u64,
        ) -> i32;
        /// Returns a buffer made with the `lunatic_alloc` export; its length goes to `len_ptr`
        /// as 8 bytes (the real crate reserves only 4 there, and reads only those).
        pub fn test_root_cert(len_ptr: *mut u64) -> *mut u8;
        pub fn default_server_certificates(
            cert_pem_ptr: *const u8,
            cert_pem_len: u32,
            pk_pem_ptr: *const u8,
            pk_pem_len: u32,
            len_ptr: *mut u64,
        ) -> *mut u8;
        pub fn sign_node(
            cert_pem_ptr: *const u8,
            cert_pem_len: u32,
            pk_pem_ptr: *const u8,
            pk_pem_len: u32,
            csr_pem_ptr: *const u8,
            csr_pem_len: u32,
            len_ptr: *mut u64,
        ) -> *mut u8;
    }
}
