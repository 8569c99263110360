;; Exercises what the native tier must do exactly as the interpreter does
;; (native_tier_test.cpp): preemption, traps with backtraces, stack overflow, calls through
;; the engine in both directions, memory that moves, and tables.
(module
  (import "host" "call_back" (func $call_back (param i32) (result i32)))
  (import "host" "fail" (func $fail))
  (memory (export "memory") 1)
  (table $t 4 funcref)
  (elem (i32.const 0) $square $trap_inner $call_host)
  (type $unary (func (param i32) (result i32)))

  ;; Counts down from n: one reduction per iteration.
  (func (export "spin") (param $n i64) (result i64)
    (loop $again
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br_if $again (i64.gt_s (local.get $n) (i64.const 0))))
    (local.get $n))

  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $trap_inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $trap_middle (export "trap_middle") (param i32) (result i32)
    (call $trap_inner (local.get 0)))
  (func (export "trap_outer") (param i32) (result i32)
    (i32.add (call $trap_middle (local.get 0)) (i32.const 1)))

  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))

  ;; Calls the host, which calls "twice" back: guest -> host -> guest.
  (func $call_host (export "call_host") (param i32) (result i32)
    (call $call_back (local.get 0)))
  (func (export "twice") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
  (func (export "host_fails") (call $fail))

  (func (export "indirect") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $unary) (local.get $x) (local.get $i)))

  ;; Grows the memory page by page, writing the page number at the start of each new page
  ;; and summing what it reads back from all of them: the memory moves as it grows.
  (func (export "grow_and_sum") (param $pages i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $pages)))
        (drop (memory.grow (i32.const 1)))
        (i32.store (i32.mul (i32.add (local.get $i) (i32.const 1)) (i32.const 65536))
                   (i32.add (local.get $i) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $pages)))
        (local.set $sum (i32.add (local.get $sum)
          (i32.load (i32.mul (i32.add (local.get $i) (i32.const 1)) (i32.const 65536)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))

  ;; A counted loop over memory from $start, the shape whose budget test and bounds checks
  ;; native code can drop when the entry shows they cannot fail (jit/loop_versioning.h).
  (func (export "fill") (param $start i32) (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $again
        (i32.store (i32.add (local.get $start) (i32.shl (local.get $i) (i32.const 2)))
                   (i32.add (local.get $i) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $i)))
