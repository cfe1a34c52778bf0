;; call_indirect: n calls through a table of four functions, chosen by the accumulator.
(module
  (type $step (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $add $mix $double $xor)
  (func $add (type $step) (i32.add (local.get 0) (i32.const 12345)))
  (func $mix (type $step) (i32.mul (local.get 0) (i32.const 0x9e3779b1)))
  (func $double (type $step) (i32.shl (local.get 0) (i32.const 1)))
  (func $xor (type $step) (i32.xor (local.get 0) (i32.shr_u (local.get 0) (i32.const 15))))
  (func (export "run") (param $n i32) (result i64)
    (local $acc i32) (local $i i32)
    (local.set $acc (i32.const 7))
    (loop $next
      (local.set $acc (call_indirect (type $step) (local.get $acc)
        (i32.and (i32.add (local.get $acc) (local.get $i)) (i32.const 3))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (i64.extend_i32_u (local.get $acc))))
