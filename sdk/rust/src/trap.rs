//! Surviving a panic: `catch_panic` runs a closure through `lunatic::trap::catch`, which
//! calls this module's `_lunatic_catch_trap` export and returns 0 if the call trapped (a
//! panic ends in a trap, as panics abort on wasm32-wasi). Nothing is rolled back: what the
//! closure changed stays changed, and what it had allocated stays allocated.

use crate::host;

/// Runs `f`; `Err(())` when it panicked (or trapped otherwise). The panic message is printed
/// to stderr as usual. Every process survives at least one panic this way; the panic
/// runtime's count of panics in progress is not reset after the trap, so a later panic in
/// the same process prints "panicked while panicking" instead of its message.
#[allow(clippy::result_unit_err)]
pub fn catch_panic<F: FnOnce() -> R, R>(f: F) -> Result<R, ()> {
    let closure = Box::into_raw(Box::new(f)) as usize;
    let result = unsafe { host::trap::catch(reentry::<F, R> as usize, closure) };
    if result == 0 {
        return Err(());
    }
    Ok(*unsafe { Box::from_raw(result as *mut R) })
}

/// Runs the boxed closure at `closure`; returns its boxed result (never 0: a box's address,
/// also for a zero-sized result).
fn reentry<F: FnOnce() -> R, R>(closure: usize) -> usize {
    let f = unsafe { Box::from_raw(closure as *mut F) };
    Box::into_raw(Box::new(f())) as usize
}

#[export_name = "_lunatic_catch_trap"]
extern "C" fn lunatic_catch_trap(function: usize, pointer: usize) -> usize {
    let function: fn(usize) -> usize = unsafe { std::mem::transmute(function) };
    function(pointer)
}
