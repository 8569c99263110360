;; A start function that counts its runs in a global, and traps on its second run.
(module
  (global $runs (export "runs") (mut i32) (i32.const 0))
  (func $start
    (global.set $runs (i32.add (global.get $runs) (i32.const 1)))
    (if (i32.gt_s (global.get $runs) (i32.const 1)) (then unreachable)))
  (start $start))
