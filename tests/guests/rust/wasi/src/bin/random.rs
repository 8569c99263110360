//! random_get through a direct import (std has no public random API): a 1 MiB buffer
//! holds every byte value, a second one differs; HashMap's RandomState keys differ between
//! two runs of the same hashing (std seeds them with random_get).
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn random_get(buf: *mut u8, len: usize) -> u16;
}

fn fill(buf: &mut [u8]) -> u16 {
    // SAFETY: the pointer and length describe `buf`, which the call only writes.
    unsafe { random_get(buf.as_mut_ptr(), buf.len()) }
}

fn main() {
    let mut first = vec![0u8; 1 << 20];
    let mut second = vec![0u8; 1 << 20];
    println!("random_get of 1 MiB: errno {}", fill(&mut first));
    fill(&mut second);
    let mut seen = [false; 256];
    for &b in &first {
        seen[b as usize] = true;
    }
    println!("every byte value occurs: {}", seen.iter().all(|&s| s));
    println!("a second fill differs: {}", first != second);
    let hash = |state: &RandomState| {
        let mut h = state.build_hasher();
        h.write(b"the same input");
        h.finish()
    };
    println!("two RandomStates hash differently: {}", hash(&RandomState::new()) != hash(&RandomState::new()));
}
