//! `catch_panic` through `lunatic::trap::catch` and the `_lunatic_catch_trap` export: a
//! panic inside ends the closure, not the process, and nothing is rolled back.

use lunatic::{catch_panic, Mailbox, Process};

fn squarer(reply_to: Process<u64>, mailbox: Mailbox<u64>) {
    let n = mailbox.receive();
    reply_to.send(n * n);
}

fn main() {
    println!("without a panic: {:?}", catch_panic(|| 6 * 7));
    let mut counter = 0;
    let caught = catch_panic(|| {
        counter += 1;
        if counter > 0 {
            panic!("deliberate panic inside catch_panic");
        }
        counter
    });
    println!("with a panic: {caught:?}");
    println!("changes made before the panic stay: counter = {counter}");

    let numbers: Vec<u64> = (1..=100).collect();
    println!("the process goes on: sum {}", numbers.iter().sum::<u64>());
    let child = Process::<u64>::spawn(Process::<u64>::this(), squarer);
    child.send(12);
    println!("a child spawned after the panic answered {}", Mailbox::<u64>::new().receive());
}
