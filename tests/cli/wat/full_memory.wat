;; A memory of all 65,536 pages (4 GiB) from the start, as a process and for --invoke.
(module
  (memory 65536)
  (func $_start (export "_start")
    (if (i32.ne (memory.size) (i32.const 65536))
      (then (unreachable))))
  (func $pages (export "pages") (result i32)
    (memory.size)))
