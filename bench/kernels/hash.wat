;; i32 bit-twiddling: fill n bytes with xorshift32, then hash them with FNV-1a and a
;; murmur3-style finaliser.
(module
  (memory 64)
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x i32) (local $h i32)
    (local.set $x (i32.const 2463534242))
    (loop $fill
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (i32.store8 (local.get $i) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $h (i32.const 2166136261))
    (local.set $i (i32.const 0))
    (loop $hash
      (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $i))) (i32.const 16777619)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $hash (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
    (local.set $h (i32.xor (local.get $h) (i32.rotl (local.get $h) (i32.const 7))))
    (i64.extend_i32_u (local.get $h))))
