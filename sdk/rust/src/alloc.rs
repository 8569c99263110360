//! `lunatic_alloc`: host functions that return a buffer of bytes (SQLite rows, certificates)
//! call this export for the memory, copy the bytes there and hand the buffer to the guest,
//! which takes ownership of it as a `Vec<u8>`.

/// A buffer of `len` bytes, leaked until the caller rebuilds it with `take_host_buffer`.
#[export_name = "lunatic_alloc"]
extern "C" fn lunatic_alloc(len: u32) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len as usize);
    let pointer = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    pointer
}

/// The buffer a host function returned at `pointer`, holding `len` bytes.
///
/// # Safety
/// `pointer` and `len` must come from a host function that filled a `lunatic_alloc` buffer.
pub unsafe fn take_host_buffer(pointer: *mut u8, len: usize) -> Vec<u8> {
    Vec::from_raw_parts(pointer, len, len)
}
