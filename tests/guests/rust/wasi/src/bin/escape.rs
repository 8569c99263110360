//! The sandbox seen through std::fs: reading, writing and listing outside the preopen
//! through "..", through a symlink the host made pointing out (out-relative), and by
//! renaming out, are all refused; the outside directory is left unchanged (the runner
//! checks). Run with {scratch}/sandbox preopened as /sandbox.
use std::fs;
use wasi_guests::outcome;

fn main() {
    println!("read ../outside/secret.txt: {}", outcome(&fs::read("/sandbox/../outside/secret.txt")));
    println!("write ../outside/secret.txt: {}", outcome(&fs::write("/sandbox/../outside/secret.txt", "escaped")));
    println!("create ../outside/new.txt: {}", outcome(&fs::write("/sandbox/../outside/new.txt", "escaped")));
    println!("list ..: {}", outcome(&fs::read_dir("/sandbox/..")));
    println!("metadata of ../outside: {}", outcome(&fs::metadata("/sandbox/../outside")));
    println!("read through out-relative: {}", outcome(&fs::read("/sandbox/out-relative")));
    println!("write through out-relative: {}", outcome(&fs::write("/sandbox/out-relative", "escaped")));
    println!("rename inside.txt out: {}", outcome(&fs::rename("/sandbox/inside.txt", "/sandbox/../outside/moved.txt")));
    println!("copy the secret in: {}", outcome(&fs::copy("/sandbox/../outside/secret.txt", "/sandbox/copy.txt")));
    println!("read inside.txt: {:?}", fs::read_to_string("/sandbox/inside.txt").map_err(|e| e.to_string()));
    println!("symlink_metadata of out-relative: {}",
             fs::symlink_metadata("/sandbox/out-relative").map(|m| m.file_type().is_symlink()).unwrap_or(false));
}
