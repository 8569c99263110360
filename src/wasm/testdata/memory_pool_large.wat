;; Module used by memory_pool_test.cpp: an initial memory larger than a 1 MiB reservation.
(module
  (memory (export "memory") 20)
  (func (export "load") (param i32) (result i32)
    (i32.load (local.get 0))))
