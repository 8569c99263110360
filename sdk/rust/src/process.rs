//! Processes running a Rust function, spawned the way the `lunatic` 0.14.1 crate spawns them:
//!
//! * every spawn enters the child through one export, `_lunatic_spawn_by_index_0.14.1`, with
//!   two i32 parameters: the table index of a wrapper function made for the capture and
//!   message types, and the table index of the user's entry function;
//! * the captured value, unless its type has size zero, travels as the child's first message
//!   (tag 0, bincode), sent by the parent right after the spawn and received first by the
//!   child's wrapper, which then calls the entry with it and a typed mailbox;
//! * processes are addressed by (node, process id); spawning on or sending to another node
//!   goes through `lunatic::distributed`, anything on this node through `lunatic::process`
//!   and `lunatic::message`.

use crate::config::ProcessConfig;
use crate::error::take_error_text;
use crate::host;
use crate::mailbox::Mailbox;
use crate::message::{send_scratch, this_node, write_message};
use crate::tag::Tag;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::marker::PhantomData;

/// The entry every spawned process starts at. The version suffix is the one of the
/// `lunatic` crate whose ABI this library follows (two copies of that crate in one program
/// would not clash).
pub const SPAWN_ENTRY: &str = "_lunatic_spawn_by_index_0.14.1";

/// A process that receives messages of type `M`, on some node.
pub struct Process<M> {
    node: u64,
    id: u64,
    _message: PhantomData<M>,
}

// Derived impls would require M: Clone etc.
impl<M> Clone for Process<M> {
    fn clone(&self) -> Self {
        Process::new(self.node, self.id)
    }
}
impl<M> Copy for Process<M> {}
impl<M> PartialEq for Process<M> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node && self.id == other.id
    }
}
impl<M> std::fmt::Debug for Process<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Process({}, {})", self.node, self.id)
    }
}

// A process travels in messages as its (node, id) pair.
impl<M> Serialize for Process<M> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.node, self.id).serialize(serializer)
    }
}
impl<'de, M> Deserialize<'de> for Process<M> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (node, id) = <(u64, u64)>::deserialize(deserializer)?;
        Ok(Process::new(node, id))
    }
}

/// One parameter record of a spawn: a type id and the value as a 128-bit little-endian
/// number, sign-extended as the `lunatic` crate does.
fn push_i32_param(params: &mut Vec<u8>, value: i32) {
    params.push(0x7F);
    params.extend_from_slice(&(value as i128).to_le_bytes());
}

/// What the spawn needs to know beyond the capture and the entry.
struct SpawnOptions {
    node: Option<u64>,
    link: Option<Tag>,
    config: Option<u64>,
}

impl<M> Process<M> {
    pub(crate) fn new(node: u64, id: u64) -> Process<M> {
        Process { node, id, _message: PhantomData }
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn node_id(&self) -> u64 {
        self.node
    }
}

impl<M: Serialize + DeserializeOwned> Process<M> {
    /// The calling process, typed as receiving `M`.
    pub fn this() -> Process<M> {
        Process::new(this_node(), unsafe { host::process::process_id() })
    }

    /// Spawns a process on this node that runs `entry(capture, mailbox)`.
    pub fn spawn<C: Serialize + DeserializeOwned>(capture: C, entry: fn(C, Mailbox<M>)) -> Process<M> {
        spawn_inner(SpawnOptions { node: None, link: None, config: None }, capture, entry)
    }

    /// As `spawn`, linked to the caller with a fresh tag: if either fails, the other dies
    /// too (unless it catches link failures, in which case it receives the tag).
    pub fn spawn_link<C: Serialize + DeserializeOwned>(capture: C, entry: fn(C, Mailbox<M>)) -> Process<M> {
        Self::spawn_link_tag(capture, entry).0
    }

    /// As `spawn_link`, also returning the link's tag.
    pub fn spawn_link_tag<C: Serialize + DeserializeOwned>(
        capture: C,
        entry: fn(C, Mailbox<M>),
    ) -> (Process<M>, Tag) {
        let tag = Tag::new();
        let process = spawn_inner(SpawnOptions { node: None, link: Some(tag), config: None }, capture, entry);
        (process, tag)
    }

    /// As `spawn`, with the limits and permissions of `config`.
    pub fn spawn_config<C: Serialize + DeserializeOwned>(
        config: &ProcessConfig,
        capture: C,
        entry: fn(C, Mailbox<M>),
    ) -> Process<M> {
        spawn_inner(SpawnOptions { node: None, link: None, config: Some(config.id()) }, capture, entry)
    }

    /// Spawns on node `node`; through `lunatic::distributed` only when it is not this node.
    pub fn spawn_node<C: Serialize + DeserializeOwned>(
        node: u64,
        capture: C,
        entry: fn(C, Mailbox<M>),
    ) -> Process<M> {
        spawn_inner(SpawnOptions { node: Some(node), link: None, config: None }, capture, entry)
    }

    /// Sends `message` (untagged).
    pub fn send(&self, message: M) {
        self.tag_send(Tag::none(), message);
    }

    /// Sends `message` with `tag`.
    pub fn tag_send(&self, tag: Tag, message: M) {
        write_message(tag.id(), &message);
        send_scratch(self.node, self.id);
    }

    /// Sends `message` after `delay`; returns the timer's id.
    pub fn send_after(&self, message: M, delay: std::time::Duration) -> u64 {
        write_message(0, &message);
        unsafe { host::timer::send_after(self.id, delay.as_millis() as u64) }
    }

    /// Links the caller to this process with a fresh tag, which it returns.
    pub fn link(&self) -> Tag {
        let tag = Tag::new();
        unsafe { host::process::link(tag.id(), self.id) };
        tag
    }

    pub fn unlink(&self) {
        unsafe { host::process::unlink(self.id) };
    }

    /// Asks to be told (a `ProcessDied` message) when this process ends.
    pub fn monitor(&self) {
        unsafe { host::process::monitor(self.id) };
    }

    pub fn kill(&self) {
        unsafe { host::process::kill(self.id) };
    }

    pub fn is_alive(&self) -> bool {
        unsafe { host::process::exists(self.id) != 0 }
    }

    /// Registers this process under `name` (lunatic's registry maps names to node and id).
    pub fn register(&self, name: &str) {
        unsafe { host::registry::put(name.as_ptr(), name.len(), self.node, self.id) };
    }

    /// The process registered under `name`, if any.
    pub fn lookup(name: &str) -> Option<Process<M>> {
        let (mut node, mut id) = (0u64, 0u64);
        let found = unsafe { host::registry::get(name.as_ptr(), name.len(), &mut node, &mut id) };
        (found == 0).then(|| Process::new(node, id))
    }

    /// Removes `name` from the registry.
    pub fn unregister(name: &str) {
        unsafe { host::registry::remove(name.as_ptr(), name.len()) };
    }
}

fn spawn_inner<C, M>(options: SpawnOptions, capture: C, entry: fn(C, Mailbox<M>)) -> Process<M>
where
    C: Serialize + DeserializeOwned,
    M: Serialize + DeserializeOwned,
{
    // Function pointers are indices into the module's function table, the same in every
    // instance of it, so they mean the same thing in the child.
    let mut params = Vec::with_capacity(34);
    push_i32_param(&mut params, type_helper_wrapper::<C, M> as usize as i32);
    push_i32_param(&mut params, entry as usize as i32);
    let config = options.config.map_or(-1, |id| id as i64);
    let link = options.link.map_or(0, Tag::id);
    let here = this_node();
    let node = options.node.unwrap_or(here);
    let mut id = 0u64;
    let status = unsafe {
        if node == here {
            host::process::spawn(
                link,
                config,
                -1,
                SPAWN_ENTRY.as_ptr(),
                SPAWN_ENTRY.len(),
                params.as_ptr(),
                params.len(),
                &mut id,
            )
        } else {
            host::distributed::spawn(
                node,
                config,
                host::distributed::module_id(),
                SPAWN_ENTRY.as_ptr(),
                SPAWN_ENTRY.len(),
                params.as_ptr(),
                params.len(),
                &mut id,
            )
        }
    };
    if status != 0 {
        panic!("spawning a process failed: {}", take_error_text(id));
    }
    if std::mem::size_of::<C>() != 0 {
        Process::<C>::new(node, id).send(capture);
    }
    Process::new(node, id)
}

/// Runs in the child: takes the captured value from the first message (unless its type has
/// size zero), then calls the entry.
fn type_helper_wrapper<C, M>(function: usize)
where
    C: Serialize + DeserializeOwned,
    M: Serialize + DeserializeOwned,
{
    let captured = if std::mem::size_of::<C>() == 0 {
        // A zero-sized value has no bytes to send; any bit pattern of none is it.
        unsafe { std::mem::MaybeUninit::<C>::zeroed().assume_init() }
    } else {
        Mailbox::<C>::new().receive()
    };
    let entry: fn(C, Mailbox<M>) = unsafe { std::mem::transmute(function) };
    entry(captured, Mailbox::new());
}

#[export_name = "_lunatic_spawn_by_index_0.14.1"]
extern "C" fn lunatic_spawn_by_index(type_helper: usize, function: usize) {
    let type_helper: fn(usize) = unsafe { std::mem::transmute(type_helper) };
    type_helper(function);
}

/// Sleeps at least `duration`.
pub fn sleep(duration: std::time::Duration) {
    unsafe { host::process::sleep_ms(duration.as_millis() as u64) };
}
