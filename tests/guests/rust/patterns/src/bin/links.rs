//! `spawn_link`: links with fresh tags from 129 on. With link failures caught, a linked
//! child's panic arrives as a message carrying the link's tag; without, it takes the parent
//! down (run with the argument `die`).

use lunatic::{Mailbox, MailboxResult, Process, Tag};

fn crasher(_: (), mailbox: Mailbox<String>) {
    let why = mailbox.receive();
    panic!("{why}");
}

fn wait_for_link_death(mailbox: &Mailbox<String>, a: Tag, b: Tag) {
    match mailbox.try_receive(&[], None) {
        MailboxResult::LinkDied(tag) => {
            let which = if tag == a { "a" } else if tag == b { "b" } else { "unknown" };
            println!("link with tag {} died: child {which}", tag.id());
        }
        _ => panic!("expected a link death"),
    }
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("die") {
        let child = Process::<String>::spawn_link((), crasher);
        child.send("taking the parent down".to_string());
        let _: String = Mailbox::new().receive(); // ended by the link first
        println!("still alive: wrong");
        return;
    }
    let mailbox = Mailbox::<String>::new().catch_link_failure();
    let (a, tag_a) = Process::<String>::spawn_link_tag((), crasher);
    let (b, tag_b) = Process::<String>::spawn_link_tag((), crasher);
    println!("link tags {} and {}", tag_a.id(), tag_b.id());
    b.send("child b gives up".to_string());
    wait_for_link_death(&mailbox, tag_a, tag_b);
    a.send("child a gives up".to_string());
    wait_for_link_death(&mailbox, tag_a, tag_b);
    println!("parent still alive");
}
