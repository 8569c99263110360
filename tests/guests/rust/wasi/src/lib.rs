//! What the WASI test programs share: naming the outcome of an I/O call by the WASI errno
//! behind it, so that the expected output does not depend on how Rust 1.63 groups errors
//! into `ErrorKind`s.

use std::io;

/// "ok", "refused" (ENOTCAPABLE, or EPERM as some runtimes say), or the errno's name.
pub fn outcome<T>(result: &io::Result<T>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(e) => match e.raw_os_error() {
            Some(76) | Some(63) => "refused".to_string(),
            Some(code) => errno_name(code).to_string(),
            None => format!("{:?}", e.kind()),
        },
    }
}

/// The name of a WASI errno (wasi_snapshot_preview1 numbering).
pub fn errno_name(code: i32) -> String {
    let name = match code {
        8 => "EBADF",
        20 => "EEXIST",
        28 => "EINVAL",
        31 => "EISDIR",
        44 => "ENOENT",
        54 => "ENOTDIR",
        55 => "ENOTEMPTY",
        63 => "EPERM",
        76 => "ENOTCAPABLE",
        _ => return format!("errno {}", code),
    };
    name.to_string()
}
