//! A crate tested with `cargo test --target wasm32-wasi`, tycho being the runner. The test
//! names say what each is expected to do: `passes_*` and `panics_*` pass, `fails_*` fail,
//! `ignored_*` are ignored unless asked for.

pub fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[cfg(test)]
mod tests {
    use super::add;
    use lunatic::{host, lunatic_test, Mailbox, Process};

    fn greeter(parent: Process<()>, _: Mailbox<()>) {
        println!("the spawned process says hello");
        parent.send(());
    }

    lunatic_test! {
        fn passes_adds() {
            assert_eq!(add(2, 2), 4);
        }

        // Each test is process 1 of an environment of its own (environment id 0).
        fn passes_in_own_environment() {
            assert_eq!(unsafe { host::process::process_id() }, 1);
            assert_eq!(unsafe { host::process::environment_id() }, 0);
        }

        // Each test has a registry of its own: neither sees the name the other registers.
        fn passes_registry_is_own_a() {
            assert!(Process::<()>::lookup("claimed").is_none());
            Process::<()>::this().register("claimed");
        }

        fn passes_registry_is_own_b() {
            assert!(Process::<()>::lookup("claimed").is_none());
            Process::<()>::this().register("claimed");
        }

        fn passes_with_mailbox(mailbox: Mailbox<u64>) {
            Process::<u64>::this().send(7);
            assert_eq!(mailbox.receive(), 7);
        }

        #[should_panic]
        fn panics_any_way() {
            panic!("any panic will do");
        }

        #[should_panic(expected = "out of range")]
        fn panics_as_expected() {
            panic!("index 3 out of range for a list of 2");
        }

        #[should_panic(expected = "issue \\#12")]
        fn panics_with_hash_in_message() {
            panic!("issue #12 again");
        }

        fn fails_assertion() {
            println!("output of a failing test");
            assert_eq!(add(2, 2), 5, "two and two");
        }

        fn fails_after_child_spoke(mailbox: Mailbox<()>) {
            println!("the test process says hello");
            Process::<()>::spawn(Process::this(), greeter);
            mailbox.receive();
            panic!("failing after the spawned process spoke");
        }

        fn fails_with_err() -> Result<(), String> {
            Err("a returned error".to_string())
        }

        #[should_panic(expected = "the right words")]
        fn fails_wrong_panic() {
            panic!("the wrong words");
        }

        #[should_panic]
        fn fails_no_panic() {}

        #[ignore]
        fn ignored_would_fail() {
            panic!("ran although ignored");
        }

        #[ignore]
        fn ignored_hangs(mailbox: Mailbox<u8>) {
            mailbox.receive();
        }
    }
}
