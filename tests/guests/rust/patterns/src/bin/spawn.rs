//! Spawning as the `lunatic` crate does: the captured value arrives as the child's first
//! message (tag 0, bincode), processes and messages are typed, and a zero-sized capture
//! sends nothing, so the child's first message is the parent's next one.

use lunatic::{host, Mailbox, Process};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Job {
    label: String,
    numbers: Vec<i64>,
    reply_to: Process<Report>,
}

#[derive(Serialize, Deserialize)]
enum Report {
    CaptureMessage { tag: i64, bytes: u64 },
    Sum { label: String, total: i64 },
    Echo(String),
}

fn summer(job: Job, _: Mailbox<()>) {
    // The scratch slot still holds the message the captured value came in.
    let (tag, bytes) = unsafe { (host::message::get_tag(), host::message::data_size()) };
    job.reply_to.send(Report::CaptureMessage { tag, bytes });
    job.reply_to.send(Report::Sum { label: job.label, total: job.numbers.iter().sum() });
}

fn echoer(_: (), mailbox: Mailbox<(Process<Report>, String)>) {
    let (reply_to, text) = mailbox.receive();
    reply_to.send(Report::Echo(text.to_uppercase()));
}

fn main() {
    let me = Process::<Report>::this();
    let mailbox = Mailbox::<Report>::new();
    let job = Job { label: "1..=10".to_string(), numbers: (1..=10).collect(), reply_to: me };
    let encoded = bincode::serialized_size(&job).unwrap();
    let child = Process::<()>::spawn(job, summer);
    println!("parent {} spawned {}", me.id(), child.id());
    match mailbox.receive() {
        Report::CaptureMessage { tag, bytes } => {
            println!("capture arrived first: tag {tag}, {bytes} bytes (bincode encodes {encoded})")
        }
        _ => panic!("the capture report did not come first"),
    }
    match mailbox.receive() {
        Report::Sum { label, total } => println!("sum of {label} = {total}"),
        _ => panic!("expected the sum"),
    }
    let echo = Process::<(Process<Report>, String)>::spawn((), echoer);
    echo.send((me, "typed message".to_string()));
    match mailbox.receive() {
        Report::Echo(text) => println!("zero-sized capture, first message: {text}"),
        _ => panic!("expected the echo"),
    }
}
