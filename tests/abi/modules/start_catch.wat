;; Its start function calls lunatic::trap::catch on a handler that traps, so the start
;; function runs with the process fully set up (catch needs the instance). The entry
;; reports what catch returned as the tag of a message: 500 + result (0: trapped).
(module
  (import "lunatic::trap" "catch" (func $catch (param i32 i32) (result i32)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (memory (export "memory") 1)
  (global $caught (mut i32) (i32.const -1))
  (func $start (global.set $caught (call $catch (i32.const 0) (i32.const 0))))
  (start $start)
  (func (export "_lunatic_catch_trap") (param i32 i32) (result i32) unreachable)
  (func (export "entry") (param $parent i64)
    (call $create_data (i64.add (i64.const 500) (i64.extend_i32_s (global.get $caught)))
                       (i64.const 0))
    (drop (call $send (local.get $parent)))))
