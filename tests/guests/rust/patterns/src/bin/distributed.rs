//! `lunatic::distributed` as the `lunatic` crate uses it: handles carry a node id, and only a
//! node other than `node_id()` makes the library spawn or send through
//! `lunatic::distributed` (which, without a distributed setup, traps). Arguments: none, or
//! `remote-spawn` / `remote-send`.

use lunatic::{host, this_node, Mailbox, Process};

fn echoer(reply_to: Process<String>, mailbox: Mailbox<String>) {
    reply_to.send(format!("echo from node {}: {}", this_node(), mailbox.receive()));
}

fn main() {
    println!("node {}, module {}", this_node(), unsafe { host::distributed::module_id() });
    let me = Process::<String>::this();
    let child = Process::<String>::spawn_node(this_node(), me, echoer);
    child.send("hello".to_string());
    println!("{}", Mailbox::<String>::new().receive());
    match std::env::args().nth(1).as_deref() {
        Some("remote-spawn") => {
            Process::<String>::spawn_node(this_node() + 1, me, echoer);
        }
        Some("remote-send") => {
            // A handle to a process on another node, as one would arrive in a message.
            let remote: Process<String> = bincode::deserialize(&bincode::serialize(&(7u64, 1u64)).unwrap()).unwrap();
            remote.send("hello".to_string());
        }
        _ => return,
    }
    println!("the remote call returned: wrong");
}
