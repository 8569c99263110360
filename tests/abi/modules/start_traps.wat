;; Its start function traps: the process fails before its entry runs.
(module
  (func $fails unreachable)
  (start $fails)
  (func (export "entry") (param i64)))
