;; br_table dispatch: a little state machine whose next state comes from its accumulator,
;; run for n steps (the shape of a bytecode interpreter's loop).
(module
  (func (export "run") (param $n i32) (result i64)
    (local $state i32) (local $acc i32) (local $steps i32)
    (local.set $acc (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $steps) (local.get $n)))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (block $s7 (block $s6 (block $s5 (block $s4 (block $s3 (block $s2 (block $s1 (block $s0
          (br_table $s0 $s1 $s2 $s3 $s4 $s5 $s6 $s7 (local.get $state)))
          (local.set $acc (i32.add (local.get $acc) (i32.const 7))) (br $s7))
          (local.set $acc (i32.xor (local.get $acc) (i32.const 0x5bd1e995))) (br $s7))
          (local.set $acc (i32.mul (local.get $acc) (i32.const 3))) (br $s7))
          (local.set $acc (i32.rotl (local.get $acc) (i32.const 5))) (br $s7))
          (local.set $acc (i32.sub (local.get $acc) (local.get $steps))) (br $s7))
          (local.set $acc (i32.shr_u (local.get $acc) (i32.const 1))) (br $s7))
          (local.set $acc (i32.or (local.get $acc) (i32.const 0x10001))) (br $s7))
        (local.set $state (i32.and (i32.xor (i32.xor (local.get $acc) (i32.shr_u (local.get $acc) (i32.const 11))) (local.get $steps)) (i32.const 7)))
        (br $next)))
    (i64.extend_i32_u (local.get $acc))))
