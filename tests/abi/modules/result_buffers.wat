;; A guest whose lunatic_alloc misbehaves on request, for the result-buffer protocol
;; (lunatic-abi.md §9.1). entry(parent, mode) sets the mode, calls
;; lunatic::distributed::test_root_cert(len_ptr 8) and, if the process survives, sends the
;; parent a message tagged 600 + mode holding the pointer it got (u32) and the length the
;; host wrote (u64). Modes of lunatic_alloc(size):
;;   0: returns 1024 (fine)          1: traps (unreachable)
;;   2: returns 0xFFFFFF00 (wraps)   3: returns 65530 (the result crosses the end)
;;   4: grows the memory by a page and returns 65536 (fine)
;;   5: ends the process with proc_exit(0) (a deliberate end, no trap)
(module
  (import "lunatic::distributed" "test_root_cert" (func $test_root_cert (param i32) (result i32)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1 2)
  (global $mode (mut i32) (i32.const 0))
  (func (export "lunatic_alloc") (param $size i32) (result i32)
    (if (i32.eq (global.get $mode) (i32.const 1)) (then unreachable))
    (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.const 0xFFFFFF00))))
    (if (i32.eq (global.get $mode) (i32.const 3)) (then (return (i32.const 65530))))
    (if (i32.eq (global.get $mode) (i32.const 4))
      (then (drop (memory.grow (i32.const 1))) (return (i32.const 65536))))
    (if (i32.eq (global.get $mode) (i32.const 5)) (then (call $proc_exit (i32.const 0))))
    (i32.const 1024))
  (func (export "entry") (param $parent i64) (param $mode i32)
    (global.set $mode (local.get $mode))
    (i32.store (i32.const 0) (call $test_root_cert (i32.const 8)))
    (call $create_data (i64.add (i64.const 600) (i64.extend_i32_s (local.get $mode)))
                       (i64.const 0))
    (drop (call $write_data (i32.const 0) (i32.const 16)))
    (drop (call $send (local.get $parent)))))
