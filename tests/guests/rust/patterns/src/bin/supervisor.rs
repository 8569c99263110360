//! A supervisor restarts a child that fails: the child's death reaches it as a link-died
//! message with the child's link tag, it starts a new one and registers it under the old
//! name.

use lunatic::supervisor::{start_supervisor, ChildSpec, SupervisorRequest, SupervisorResponse};
use lunatic::{sleep, Mailbox, Process, Request};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Serialize, Deserialize)]
enum Job {
    Double(i64),
    Crash,
}

type Doubler = Process<Request<Job, i64>>;

fn doubler(_: (), mailbox: Mailbox<Request<Job, i64>>) {
    loop {
        let request = mailbox.receive();
        match request.message() {
            Job::Double(n) => {
                let n = *n;
                request.reply(2 * n)
            }
            Job::Crash => panic!("doubler told to crash"),
        }
    }
}

fn restarts(supervisor: &lunatic::supervisor::Supervisor) -> u32 {
    match supervisor.request(SupervisorRequest::Restarts) {
        SupervisorResponse::Restarts(n) => n,
        other => panic!("unexpected answer {other:?}"),
    }
}

fn main() {
    let supervisor = start_supervisor(vec![ChildSpec::new("doubler", doubler)]);
    // Once the supervisor answers, its children are started and registered.
    let children = match supervisor.request(SupervisorRequest::Children) {
        SupervisorResponse::Children(children) => children,
        other => panic!("expected the children, got {other:?}"),
    };
    let first = Doubler::lookup("doubler").expect("doubler registered");
    assert_eq!(children, vec![("doubler".to_string(), first.id())]);
    println!("doubler is process {}: 21 doubled is {}", first.id(), first.request(Job::Double(21)));

    let _ = first.request_timeout(Job::Crash, Some(Duration::ZERO));
    let mut waited = 0;
    while restarts(&supervisor) == 0 {
        assert!(waited < 10_000, "no restart after 10 s");
        sleep(Duration::from_millis(1));
        waited += 1;
    }
    let second = Doubler::lookup("doubler").expect("doubler registered again");
    println!(
        "after the crash: restarts {}, doubler is a new process: {}, 50 doubled is {}",
        restarts(&supervisor),
        second.id() != first.id() && !first.is_alive(),
        second.request(Job::Double(50))
    );
    assert_eq!(supervisor.request(SupervisorRequest::Shutdown), SupervisorResponse::ShutDown);
    println!("after shutdown: doubler registered: {}", Doubler::lookup("doubler").is_some());
}
