;; f64 arithmetic: multiply two n×n matrices (A[i][j] = (i+j)/2, B[i][j] = (i-j)/4) and
;; return the truncated sum of the product.
(module
  (memory 16)
  (func $at (param $m i32) (param $n i32) (param $i i32) (param $j i32) (result i32)
    (i32.add (local.get $m)
      (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))))
  (func (export "run") (param $n i32) (result i64)
    (local $a i32) (local $b i32) (local $c i32)
    (local $i i32) (local $j i32) (local $k i32) (local $sum f64) (local $total f64)
    (local.set $a (i32.const 0))
    (local.set $b (i32.shl (i32.mul (local.get $n) (local.get $n)) (i32.const 3)))
    (local.set $c (i32.shl (local.get $b) (i32.const 1)))
    (loop $fill_i
      (local.set $j (i32.const 0))
      (loop $fill_j
        (f64.store (call $at (local.get $a) (local.get $n) (local.get $i) (local.get $j))
          (f64.mul (f64.convert_i32_s (i32.add (local.get $i) (local.get $j))) (f64.const 0.5)))
        (f64.store (call $at (local.get $b) (local.get $n) (local.get $i) (local.get $j))
          (f64.mul (f64.convert_i32_s (i32.sub (local.get $i) (local.get $j))) (f64.const 0.25)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $fill_j (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill_i (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $row
      (local.set $j (i32.const 0))
      (loop $col
        (local.set $sum (f64.const 0))
        (local.set $k (i32.const 0))
        (loop $dot
          (local.set $sum (f64.add (local.get $sum)
            (f64.mul (f64.load (call $at (local.get $a) (local.get $n) (local.get $i) (local.get $k)))
                     (f64.load (call $at (local.get $b) (local.get $n) (local.get $k) (local.get $j))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $dot (i32.lt_u (local.get $k) (local.get $n))))
        (f64.store (call $at (local.get $c) (local.get $n) (local.get $i) (local.get $j)) (local.get $sum))
        (local.set $total (f64.add (local.get $total) (local.get $sum)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $col (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $i) (local.get $n))))
    (i64.trunc_f64_s (local.get $total))))
