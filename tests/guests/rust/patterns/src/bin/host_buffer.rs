//! The `lunatic_alloc` export: `lunatic::distributed::test_root_cert` asks the guest for a
//! buffer through it, fills it with bincode `(String, String)` and hands it over.

use lunatic::alloc::take_host_buffer;
use lunatic::host;

fn main() {
    let mut len = 0u64;
    let pointer = unsafe { host::distributed::test_root_cert(&mut len) };
    let bytes = unsafe { take_host_buffer(pointer, len as usize) };
    let (cert, key): (String, String) = bincode::deserialize(&bytes).expect("bincode (String, String)");
    println!(
        "buffer of {len} bytes: certificate {}, key {}",
        cert.starts_with("-----BEGIN CERTIFICATE-----"),
        key.contains("PRIVATE KEY")
    );
}
