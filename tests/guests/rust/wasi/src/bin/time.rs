//! std::time and std::thread::sleep: Instant never goes back, sleep lasts at least what it
//! is asked, SystemTime is a plausible date (2024 to 2100).
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let mut previous = Instant::now();
    let mut backwards = 0;
    for _ in 0..10000 {
        let now = Instant::now();
        if now < previous {
            backwards += 1;
        }
        previous = now;
    }
    println!("Instant went back {} times in 10000 reads", backwards);
    for ms in [1u64, 50, 200] {
        let start = Instant::now();
        thread::sleep(Duration::from_millis(ms));
        println!("sleep {} ms lasted at least that: {}", ms, start.elapsed() >= Duration::from_millis(ms));
    }
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970");
    println!("SystemTime between 2024 and 2100: {}",
             since_epoch > Duration::from_secs(1704067200) && since_epoch < Duration::from_secs(4102444800));
}
