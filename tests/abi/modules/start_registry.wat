;; Its start function looks up the name "start-probe" in the registry and registers
;; itself as "start-put". The entry reports the lookup's result as a message tag:
;; 600 + result (0: found, 1: absent).
(module
  (import "lunatic::registry" "get" (func $get (param i32 i32 i32 i32) (result i32)))
  (import "lunatic::registry" "put" (func $put (param i32 i32 i64 i64)))
  (import "lunatic::process" "process_id" (func $process_id (result i64)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "start-probe")
  (data (i32.const 16) "start-put")
  (global $found (mut i32) (i32.const -1))
  (func $start
    (global.set $found (call $get (i32.const 0) (i32.const 11) (i32.const 32) (i32.const 40)))
    (call $put (i32.const 16) (i32.const 9) (i64.const 0) (call $process_id)))
  (start $start)
  (func (export "entry") (param $parent i64)
    (call $create_data (i64.add (i64.const 600) (i64.extend_i32_s (global.get $found)))
                       (i64.const 0))
    (drop (call $send (local.get $parent)))))
