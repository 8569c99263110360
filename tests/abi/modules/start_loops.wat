;; Its start function never ends: only preemption and a kill can deal with it.
(module
  (func $start (loop $forever (br $forever)))
  (start $start)
  (func (export "entry") (param i64)))
