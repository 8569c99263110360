//! A supervisor: a process that starts children linked to itself, registers each under its
//! name, and restarts any child that fails. It catches link failures, so a child's failure
//! reaches it as a message carrying the tag of that child's link; the tags come from the
//! process's counter (129 and up), as `spawn_link` hands them out.

use crate::mailbox::{Mailbox, MailboxResult};
use crate::message::this_node;
use crate::process::Process;
use crate::request::Request;
use crate::tag::Tag;
use crate::host;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// How to start one child: its registered name and entry function.
#[derive(Clone, Serialize, Deserialize)]
pub struct ChildSpec {
    name: String,
    // Function-table indices: `spawner` is spawn_child::<M> for the child's message type.
    spawner: usize,
    entry: usize,
}

impl ChildSpec {
    pub fn new<M: Serialize + DeserializeOwned>(name: &str, entry: fn((), Mailbox<M>)) -> ChildSpec {
        ChildSpec { name: name.to_string(), spawner: spawn_child::<M> as usize, entry: entry as usize }
    }
}

fn spawn_child<M: Serialize + DeserializeOwned>(entry: usize) -> (u64, Tag) {
    let entry: fn((), Mailbox<M>) = unsafe { std::mem::transmute(entry) };
    let (process, tag) = Process::<M>::spawn_link_tag((), entry);
    (process.id(), tag)
}

#[derive(Debug, Serialize, Deserialize)]
pub enum SupervisorRequest {
    /// The running children: name and process id.
    Children,
    /// How many restarts there have been.
    Restarts,
    /// Kill the children, unregister them and end.
    Shutdown,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub enum SupervisorResponse {
    Children(Vec<(String, u64)>),
    Restarts(u32),
    ShutDown,
}

pub type Supervisor = Process<Request<SupervisorRequest, SupervisorResponse>>;

/// Starts a supervisor for `children`.
pub fn start_supervisor(children: Vec<ChildSpec>) -> Supervisor {
    Process::spawn(children, supervise)
}

struct Running {
    spec: ChildSpec,
    id: u64,
    tag: Tag,
}

fn start(spec: ChildSpec) -> Running {
    let spawner: fn(usize) -> (u64, Tag) = unsafe { std::mem::transmute(spec.spawner) };
    let (id, tag) = spawner(spec.entry);
    unsafe { host::registry::put(spec.name.as_ptr(), spec.name.len(), this_node(), id) };
    Running { spec, id, tag }
}

fn supervise(specs: Vec<ChildSpec>, mailbox: Mailbox<Request<SupervisorRequest, SupervisorResponse>>) {
    let mailbox = mailbox.catch_link_failure();
    let mut children: Vec<Running> = specs.into_iter().map(start).collect();
    let mut restarts = 0u32;
    loop {
        match mailbox.try_receive(&[], None) {
            MailboxResult::LinkDied(tag) => {
                if let Some(child) = children.iter_mut().find(|child| child.tag == tag) {
                    *child = start(child.spec.clone());
                    restarts += 1;
                }
            }
            MailboxResult::Message(request) => match request.message() {
                SupervisorRequest::Children => {
                    let list = children.iter().map(|child| (child.spec.name.clone(), child.id)).collect();
                    request.reply(SupervisorResponse::Children(list));
                }
                SupervisorRequest::Restarts => request.reply(SupervisorResponse::Restarts(restarts)),
                SupervisorRequest::Shutdown => {
                    for child in &children {
                        unsafe {
                            host::process::unlink(child.id);
                            host::process::kill(child.id);
                            host::registry::remove(child.spec.name.as_ptr(), child.spec.name.len());
                        }
                    }
                    request.reply(SupervisorResponse::ShutDown);
                    return;
                }
            },
            _ => {}
        }
    }
}
