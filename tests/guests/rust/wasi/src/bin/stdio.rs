//! std::io's standard streams: all of stdin read (its byte and line counts, the last
//! line), lines written to stdout through a locked handle, and a line to stderr.
use std::io::{self, BufRead, Read, Write};

fn main() -> io::Result<()> {
    let mut input = Vec::new();
    io::stdin().lock().read_to_end(&mut input)?;
    let lines: Vec<&[u8]> = input.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    println!("stdin: {} bytes, {} lines", input.len(), lines.len());
    println!("last line: {:?}", String::from_utf8_lossy(lines.last().copied().unwrap_or(b"")));
    let mut again = String::new();
    println!("read_line at the end: {} bytes", io::stdin().lock().read_line(&mut again)?);
    let mut out = io::stdout().lock();
    for i in 1..=3 {
        writeln!(out, "locked stdout line {}", i)?;
    }
    out.flush()?;
    eprintln!("a line on stderr from Rust");
    Ok(())
}
