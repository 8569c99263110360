;; Functions that stress the compiler's virtual operands and peephole fusions: each returns
;; a value that is wrong if a local reference, a folded address, the accumulator or a fused
;; instruction is used after the value it stands for has changed.
(module
  (memory 1)
  (data (i32.const 16) "\01\00\00\00\02\00\00\00\03\00\00\00")

  ;; local.get pushed, then the local is overwritten before the value is used.
  (func (export "stale_local") (param i32) (result i32)
    (local.get 0)
    (local.set 0 (i32.const 100))
    (local.get 0)
    (i32.sub))                                  ;; p - 100

  ;; The same, with the overwrite inside a block that may not run.
  (func (export "stale_local_in_branch") (param i32 i32) (result i32)
    (local.get 0)
    (if (local.get 1) (then (local.set 0 (i32.const 7))))
    (local.get 0)
    (i32.mul))                                  ;; p0 * (p1 ? 7 : p0)

  ;; local + constant kept virtual while the local changes.
  (func (export "stale_local_add") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 4))
    (local.set 0 (i32.const 0))
    (i32.load))                                 ;; load(p + 4)

  ;; local.tee of an expression that reads the same local.
  (func (export "tee_self") (param i32) (result i32)
    (i32.add (local.tee 0 (i32.mul (local.get 0) (i32.const 3))) (local.get 0)))  ;; 6p

  ;; A result redirected into a local that an earlier stack entry still refers to.
  (func (export "redirect_hazard") (param i32) (result i32)
    (local.get 0)
    (local.set 0 (i32.add (local.get 0) (i32.const 1)))
    (local.get 0)
    (i32.sub))                                  ;; -1

  ;; A compare that feeds a select (no branch fusion), then a branch on a loaded value.
  (func (export "compare_select") (param i32 i32) (result i32)
    (select (i32.const 10) (i32.const 20) (i32.lt_s (local.get 0) (local.get 1))))

  ;; br_if carrying a value to a block whose result slot holds something else.
  (func (export "br_if_value") (param i32) (result i32)
    (i32.add
      (i32.const 1000)
      (block (result i32)
        (drop (br_if 0 (i32.const 5) (local.get 0)))
        (i32.const 6))))                        ;; 1005 when p != 0, else 1006

  ;; A loop whose back edge carries values through loop parameters.
  (func (export "loop_params") (param i32) (result i32)
    (i32.const 0) (local.get 0)
    (loop (param i32 i32) (result i32 i32)     ;; [sum, counter]
      (local.set 0)
      (i32.add (local.get 0))
      (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if 0 (local.get 0)))
    (drop))                                     ;; sum 1..p

  ;; The accumulator must not leak across a call.
  (func $seven (result i32) (i32.const 7))
  (func (export "acc_across_call") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 3))
    (call $seven)
    (i32.add))                                  ;; 3p + 7

  ;; A load fused into an operation, with the address computed just before.
  (func (export "load_operand") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 2))
             (i32.load (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 16)))))
  ;; p*2 + mem32[16 + 4p]

  ;; Constant stored through an address folded from local + constant.
  (func (export "store_const") (param i32) (result i32)
    (i64.store (i32.add (local.get 0) (i32.const 8)) (i64.const 0x0102030405060708))
    (i32.load8_u (i32.add (local.get 0) (i32.const 8))))  ;; 8

  ;; Copies merged in pairs while rotating three locals.
  (func (export "rotate") (param i32 i32 i32) (result i32)
    (local i32)
    (local.set 3 (local.get 0))
    (local.set 0 (local.get 1))
    (local.set 1 (local.get 2))
    (local.set 2 (local.get 3))
    (i32.add (i32.mul (local.get 0) (i32.const 100))
             (i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2))))
)
