//! Process configurations: limits and permissions for the processes spawned with them.

use crate::host;

/// A configuration in this process's config table, dropped with the value.
pub struct ProcessConfig {
    id: u64,
}

impl ProcessConfig {
    /// A fresh configuration: 4 GiB - 1 of memory, unlimited fuel, no permissions. Panics
    /// when this process may not create configurations.
    #[allow(clippy::new_without_default)]
    pub fn new() -> ProcessConfig {
        let id = unsafe { host::process::create_config() };
        if id < 0 {
            panic!("this process may not create configurations");
        }
        ProcessConfig { id: id as u64 }
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn set_max_memory(&mut self, bytes: u64) {
        unsafe { host::process::config_set_max_memory(self.id, bytes) };
    }

    pub fn max_memory(&self) -> u64 {
        unsafe { host::process::config_get_max_memory(self.id) }
    }

    /// In units of 100,000 instructions; 0 is unlimited.
    pub fn set_max_fuel(&mut self, fuel: u64) {
        unsafe { host::process::config_set_max_fuel(self.id, fuel) };
    }

    pub fn set_can_spawn_processes(&mut self, can: bool) {
        unsafe { host::process::config_set_can_spawn_processes(self.id, can as u32) };
    }

    pub fn set_can_create_configs(&mut self, can: bool) {
        unsafe { host::process::config_set_can_create_configs(self.id, can as u32) };
    }

    pub fn set_can_compile_modules(&mut self, can: bool) {
        unsafe { host::process::config_set_can_compile_modules(self.id, can as u32) };
    }

    pub fn add_command_line_argument(&mut self, argument: &str) {
        unsafe { host::wasi::config_add_command_line_argument(self.id, argument.as_ptr(), argument.len()) };
    }

    pub fn add_environment_variable(&mut self, key: &str, value: &str) {
        unsafe {
            host::wasi::config_add_environment_variable(self.id, key.as_ptr(), key.len(), value.as_ptr(), value.len())
        };
    }
}

impl Drop for ProcessConfig {
    fn drop(&mut self) {
        unsafe { host::process::drop_config(self.id) };
    }
}
