;; memory.fill, memory.copy and memory.init at the end of memory, before and after growth
;; (memory_bounds_test.cpp). Each operation is called with its operands as parameters.
(module
  (memory (export "memory") 1 3)
  (data $segment "\01\02\03\04\05\06\07\08")

  (func (export "fill") (param $d i32) (param $value i32) (param $n i32)
    (memory.fill (local.get $d) (local.get $value) (local.get $n)))
  (func (export "copy") (param $d i32) (param $s i32) (param $n i32)
    (memory.copy (local.get $d) (local.get $s) (local.get $n)))
  (func (export "init") (param $d i32) (param $s i32) (param $n i32)
    (memory.init $segment (local.get $d) (local.get $s) (local.get $n)))
  (func (export "drop") (data.drop $segment))

  ;; The same after growing by one page in the same call.
  (func (export "grow_then_fill") (param $d i32) (param $value i32) (param $n i32)
    (drop (memory.grow (i32.const 1)))
    (memory.fill (local.get $d) (local.get $value) (local.get $n)))
  (func (export "grow_then_copy") (param $d i32) (param $s i32) (param $n i32)
    (drop (memory.grow (i32.const 1)))
    (memory.copy (local.get $d) (local.get $s) (local.get $n)))
  (func (export "grow_then_init") (param $d i32) (param $s i32) (param $n i32)
    (drop (memory.grow (i32.const 1)))
    (memory.init $segment (local.get $d) (local.get $s) (local.get $n))))
