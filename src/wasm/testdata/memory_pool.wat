;; Module used by memory_pool_test.cpp: a one-page memory with a data segment.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "pooled")
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "store") (param i32 i32)
    (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32)
    (i32.load (local.get 0))))
