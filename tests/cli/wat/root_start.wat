;; The root module's start function uses the registry, lunatic::trap::catch and sleep:
;; it runs in the root process, so all of them work there. _start then checks that the
;; start function registered the root process itself, and traps otherwise.
(module
  (import "lunatic::registry" "put" (func $put (param i32 i32 i64 i64)))
  (import "lunatic::registry" "get" (func $get (param i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "process_id" (func $process_id (result i64)))
  (import "lunatic::process" "sleep_ms" (func $sleep_ms (param i64)))
  (import "lunatic::trap" "catch" (func $catch (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "root-start")
  (func $start
    (call $put (i32.const 0) (i32.const 10) (i64.const 0) (call $process_id))
    (call $sleep_ms (i64.const 1))
    (if (i32.ne (call $catch (i32.const 0) (i32.const 0)) (i32.const 0)) (then unreachable)))
  (start $start)
  (func (export "_lunatic_catch_trap") (param i32 i32) (result i32) unreachable)
  (func (export "_start")
    (if (i32.ne (call $get (i32.const 0) (i32.const 10) (i32.const 16) (i32.const 24))
                (i32.const 0))
      (then unreachable))
    (if (i64.ne (i64.load (i32.const 24)) (call $process_id)) (then unreachable))))
