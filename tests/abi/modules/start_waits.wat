;; Its start function sleeps, then waits for any message; the entry replies to the
;; parent with tag 700 + the tag of the message the start function received.
(module
  (import "lunatic::process" "sleep_ms" (func $sleep_ms (param i64)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (memory (export "memory") 1)
  (global $tag (mut i64) (i64.const -1))
  (func $start
    (call $sleep_ms (i64.const 5))
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
    (global.set $tag (call $get_tag)))
  (start $start)
  (func (export "entry") (param $parent i64)
    (call $create_data (i64.add (i64.const 700) (global.get $tag)) (i64.const 0))
    (drop (call $send (local.get $parent)))))
