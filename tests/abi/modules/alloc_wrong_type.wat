;; A guest whose lunatic_alloc has the wrong type ((i64) -> i32): a result-buffer call
;; (lunatic-abi.md §9.1) traps. Sends the parent tag 611 if it survives.
(module
  (import "lunatic::distributed" "test_root_cert" (func $test_root_cert (param i32) (result i32)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (memory (export "memory") 1)
  (func (export "lunatic_alloc") (param i64) (result i32) (i32.const 1024))
  (func (export "entry") (param $parent i64) (param $unused i32)
    (drop (call $test_root_cert (i32.const 8)))
    (call $create_data (i64.const 611) (i64.const 0))
    (drop (call $send (local.get $parent)))))
