;; A guest that never stops on its own, and one that does a bounded amount of work.
(module
  ;; Counts its iterations in $spins, so that a test can see how far it got.
  (global $spins (export "spins") (mut i64) (i64.const 0))
  (func (export "spin")
    (loop $forever
      (global.set $spins (i64.add (global.get $spins) (i64.const 1)))
      (br $forever)))
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i)))
