//! Tests run by `tycho` in `cargo test` mode. `lunatic_test!` turns each function into an
//! export named
//!
//! ```text
//! "#lunatic_test_" ["#ignore_"] ["#panic_" EXPECTED "#"] MODULE_PATH "::" NAME
//! ```
//!
//! as the `lunatic` crate's `#[lunatic::test]` attribute does. The runtime calls each such
//! export as the root process of its own environment, with its output captured.
//!
//! ```ignore
//! lunatic::lunatic_test! {
//!     fn adds() { assert_eq!(1 + 1, 2); }
//!
//!     #[ignore]
//!     fn slow() { /* runs only with --ignored */ }
//!
//!     #[should_panic(expected = "empty")]
//!     fn pops_empty() { Vec::<u8>::new().pop().expect("empty"); }
//!
//!     fn with_mailbox(mailbox: lunatic::Mailbox<u32>) -> Result<(), String> { Ok(()) }
//! }
//! ```
//!
//! A test may take a mailbox, and may return `()` or a `Result` (an `Err` fails it, as a
//! panic does). In `expected`, write each `#` as `\\#` (the export name ends the expected
//! text at the first bare `#`); the runtime reads `\#` back as `#`.

use std::fmt::Debug;

/// What a test function may return.
pub trait TestResult {
    fn finish(self);
}

impl TestResult for () {
    fn finish(self) {}
}

impl<E: Debug> TestResult for Result<(), E> {
    fn finish(self) {
        if let Err(error) = self {
            panic!("Error: {error:?}");
        }
    }
}

#[doc(hidden)]
pub fn finish<T: TestResult>(result: T) {
    result.finish();
}

/// Refuses (at compile time) an expected text with a bare `#`.
#[doc(hidden)]
pub const fn check_expected(expected: &str) {
    let bytes = expected.as_bytes();
    let mut i = 0;
    let mut escaped = false;
    while i < bytes.len() {
        if bytes[i] == b'#' && !escaped {
            panic!("write each '#' in should_panic's expected text as \\\\#");
        }
        escaped = bytes[i] == b'\\' && !escaped;
        i += 1;
    }
}

/// Defines test functions and their `#lunatic_test_...` exports (see the module's text).
#[macro_export]
macro_rules! lunatic_test {
    () => {};
    ($($item:tt)+) => {
        $crate::__lunatic_test_item! { () () $($item)+ }
    };
}

/// Collects a test's attributes into the two optional parts of its export name, in any
/// order, then defines the function and the export.
#[doc(hidden)]
#[macro_export]
macro_rules! __lunatic_test_item {
    (($($ignore:tt)*) ($($panic:tt)*) #[ignore] $($rest:tt)+) => {
        $crate::__lunatic_test_item! { ("#ignore_") ($($panic)*) $($rest)+ }
    };
    (($($ignore:tt)*) ($($panic:tt)*) #[should_panic] $($rest:tt)+) => {
        $crate::__lunatic_test_item! { ($($ignore)*) ("#panic_" "#") $($rest)+ }
    };
    (($($ignore:tt)*) ($($panic:tt)*) #[should_panic(expected = $expected:literal)] $($rest:tt)+) => {
        const _: () = $crate::test::check_expected($expected);
        $crate::__lunatic_test_item! { ($($ignore)*) ("#panic_" $expected "#") $($rest)+ }
    };
    (($($ignore:tt)*) ($($panic:tt)*)
        fn $name:ident () $(-> $result:ty)? $body:block $($rest:tt)*) => {
        fn $name() $(-> $result)? $body
        const _: () = {
            #[export_name = concat!("#lunatic_test_", $($ignore,)* $($panic,)*
                                    module_path!(), "::", stringify!($name))]
            extern "C" fn lunatic_test_export() {
                $crate::test::finish($name());
            }
        };
        $crate::lunatic_test! { $($rest)* }
    };
    (($($ignore:tt)*) ($($panic:tt)*)
        fn $name:ident ($mailbox:ident : $mailbox_type:ty) $(-> $result:ty)? $body:block
        $($rest:tt)*) => {
        fn $name($mailbox: $mailbox_type) $(-> $result)? $body
        const _: () = {
            #[export_name = concat!("#lunatic_test_", $($ignore,)* $($panic,)*
                                    module_path!(), "::", stringify!($name))]
            extern "C" fn lunatic_test_export() {
                $crate::test::finish($name(<$mailbox_type>::new()));
            }
        };
        $crate::lunatic_test! { $($rest)* }
    };
}
