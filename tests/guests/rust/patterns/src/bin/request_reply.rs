//! Request and reply with `send_receive_skip_search`: the reply is found without searching
//! the messages already waiting in the requester's mailbox, which stay where they are; a
//! request nobody answers times out.

use lunatic::{Mailbox, MailboxResult, Process, Request};
use std::time::Duration;

type AddRequest = Request<(i64, i64), i64>;

fn adder(_: (), mailbox: Mailbox<AddRequest>) {
    loop {
        let request = mailbox.receive();
        let (a, b) = *request.message();
        request.reply(a + b);
    }
}

fn ignorer(_: (), mailbox: Mailbox<Request<(), ()>>) {
    loop {
        let _unanswered = mailbox.receive();
    }
}

fn main() {
    let me = Process::<u32>::this();
    for i in 0..1000 {
        me.send(i);
    }
    let server = Process::<AddRequest>::spawn((), adder);
    let total: i64 = (0..100).map(|i| server.request((i, i))).sum();
    println!("100 requests answered, total {total}");

    let mailbox = Mailbox::<u32>::new();
    let mut queued = 0;
    while let MailboxResult::Message(n) = mailbox.receive_timeout(Duration::ZERO) {
        assert_eq!(n, queued, "earlier messages out of order");
        queued += 1;
    }
    println!("{queued} earlier messages still queued, in order");

    let silent = Process::<Request<(), ()>>::spawn((), ignorer);
    match silent.request_timeout((), Some(Duration::from_millis(20))) {
        None => println!("unanswered request timed out"),
        Some(()) => println!("unanswered request answered: wrong"),
    }
}
