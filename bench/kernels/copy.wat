;; Memory-heavy copying: n rounds of memory.copy over 64 KiB blocks and a 64-bit
;; load/store copy loop, then a checksum of the result.
(module
  (memory 8)
  (func (export "run") (param $n i32) (result i64)
    (local $round i32) (local $i i32) (local $sum i64)
    (loop $seed
      (i64.store (local.get $i) (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 0x9e3779b97f4a7c15)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $seed (i32.lt_u (local.get $i) (i32.const 65536))))
    (loop $rounds
      (memory.copy (i32.const 65536) (i32.const 0) (i32.const 65536))
      (memory.copy (i32.const 131080) (i32.const 65536) (i32.const 65536))
      (local.set $i (i32.const 0))
      (loop $words
        (i64.store offset=0 (local.get $i)
          (i64.add (i64.load offset=131080 (local.get $i)) (i64.extend_i32_u (local.get $round))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br_if $words (i32.lt_u (local.get $i) (i32.const 65536))))
      (local.set $round (i32.add (local.get $round) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $round) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $check
      (local.set $sum (i64.add (i64.rotl (local.get $sum) (i64.const 1)) (i64.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $check (i32.lt_u (local.get $i) (i32.const 65536))))
    (local.get $sum)))
