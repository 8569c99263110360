//! A small Rust guest library for Tycho that does what the `lunatic` 0.14.1 crate does at the
//! level of the host ABI: the same imports with the same types, the same exports
//! (`_lunatic_spawn_by_index_0.14.1`, `lunatic_alloc`, `_lunatic_catch_trap`, `#lunatic_test_…`),
//! the same encodings (parameter records, bincode messages, tags from 129) and the same
//! sequences of host calls for spawning, messaging, linking, request/reply and supervision.
//! Its Rust API is a smaller one of its own.

pub mod alloc;
pub mod config;
pub mod error;
pub mod host;
pub mod mailbox;
mod message;
pub mod process;
pub mod request;
pub mod supervisor;
pub mod tag;
pub mod test;
pub mod trap;

pub use config::ProcessConfig;
pub use mailbox::{Mailbox, MailboxResult};
pub use message::this_node;
pub use process::{sleep, Process};
pub use request::Request;
pub use tag::Tag;
pub use trap::catch_panic;
