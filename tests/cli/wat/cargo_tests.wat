;; A hand-made "cargo test" binary for tycho's test mode: #lunatic_test_ exports that print
;; Rust panic reports in the format of Rust 1.73 and later (Debian's rustc prints the older
;; one), end in traps without a panic report, exit, never end, or are not tests at all.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  ;; iovec for the panic report at 64.
  (data (i32.const 0) "\40\00\00\00\91\00\00\00")
  (data (i32.const 64) "thread 'main' panicked at src/lib.rs:3:5:\nboom at last\nsecond line\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n")
  ;; iovec for a line to stdout at 256.
  (data (i32.const 8) "\00\01\00\00\0f\00\00\00")
  (data (i32.const 256) "said on stdout\n")

  (func $panic_report
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 32))))
  (func $say
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 32))))

  (func (export "#lunatic_test_#panic_boom at#hand::new_format_matches")
    call $say
    call $panic_report
    unreachable)
  (func (export "#lunatic_test_#panic_last\nsecond#hand::new_format_multiline")
    call $panic_report
    unreachable)
  (func (export "#lunatic_test_#panic_note#hand::new_format_ends_before_the_note")
    call $panic_report
    unreachable)
  (func (export "#lunatic_test_#panic_#hand::trap_without_report")
    unreachable)
  (func (export "#lunatic_test_#panic_expected#hand::trap_without_report_expected")
    unreachable)
  (func (export "#lunatic_test_hand::exits_zero")
    call $say
    (call $proc_exit (i32.const 0)))
  (func (export "#lunatic_test_hand::exits_three")
    (call $proc_exit (i32.const 3)))
  (func (export "#lunatic_test_hand::wrong_type") (param i32))
  (func (export "#lunatic_test_#ignore_hand::spins_forever")
    (loop $forever (br $forever)))

  ;; Not tests: a global, an unclosed expected text.
  (global (export "#lunatic_test_hand::a_global") i32 (i32.const 0))
  (func (export "#lunatic_test_#panic_unclosed"))
  (func (export "_start"))
)
