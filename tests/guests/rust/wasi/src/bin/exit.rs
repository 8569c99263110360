//! std::process::exit: the status given as the only argument becomes tycho's exit status,
//! after what was printed before it.
use std::io::Write;

fn main() {
    let status: i32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    println!("exiting with {}", status);
    std::io::stdout().flush().unwrap();
    std::process::exit(status);
}
