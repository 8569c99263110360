;; The root module's start function traps: the root process fails with a report.
(module
  (func $boom unreachable)
  (start $boom)
  (func (export "_start")))
