//! Error texts behind the error ids host functions return.

use crate::host;

/// The text of error `id`, which is dropped from the process's error table.
pub fn take_error_text(id: u64) -> String {
    let size = unsafe { host::error::string_size(id) } as usize;
    let mut bytes = vec![0u8; size];
    unsafe {
        host::error::to_string(id, bytes.as_mut_ptr());
        host::error::drop(id);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
