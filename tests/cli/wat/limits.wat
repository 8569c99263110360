;; Exports for `tycho run --invoke` under limits: an endless loop, memory growth and size,
;; endless recursion.
(module
  (memory 1)
  (func $spin (export "spin")
    (loop $forever (br $forever)))
  ;; memory.grow by `delta` pages: the old page count, or -1 when refused.
  (func $grow (export "grow") (param $delta i32) (result i32)
    (memory.grow (local.get $delta)))
  (func $pages (export "pages") (result i32)
    (memory.size))
  ;; Recursion without end: runs out of call stack.
  (func $recurse (export "recurse")
    (call $recurse)))
