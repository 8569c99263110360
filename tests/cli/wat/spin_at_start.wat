;; An endless loop in the start function: it runs while the module is instantiated.
(module
  (func $spin
    (loop $forever (br $forever)))
  (start $spin)
  (func $f (export "f") (result i32)
    (i32.const 1)))
