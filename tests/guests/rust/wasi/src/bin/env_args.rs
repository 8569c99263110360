//! std::env: the arguments after the program's name, and every environment variable,
//! sorted (only what --env gave: the host's environment is not passed on).
use std::env;

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    println!("{} arguments: {:?}", args.len(), args);
    let mut vars: Vec<(String, String)> = env::vars().collect();
    vars.sort();
    println!("{} environment variables", vars.len());
    for (key, value) in vars {
        println!("{}={:?}", key, value);
    }
    println!("TYCHO_WASI_INHERITED: {:?}", env::var("TYCHO_WASI_INHERITED").ok());
}
