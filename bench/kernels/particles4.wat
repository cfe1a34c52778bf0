;; f32x4 game math: 1,024 particles (position and velocity, a v128 each) fall under
;; gravity and bounce off the planes x, y, z = 0 (compare and bitselect), then each is
;; moved through a 4x4 matrix (lane splats by shuffle and by extract, multiplies, adds)
;; and summed; `run(n)` does n frames and returns the sum's bits.
(module
  (memory 1)
  (func (export "run") (param $frames i32) (result i64)
    (local $i i32) (local $at i32) (local $p v128) (local $v v128) (local $below v128)
    (local $sum v128)
    (loop $init
      (local.set $at (i32.shl (local.get $i) (i32.const 5)))
      (v128.store (local.get $at)
        (f32x4.convert_i32x4_u
          (i32x4.replace_lane 2
            (i32x4.replace_lane 1
              (i32x4.splat (i32.rem_u (local.get $i) (i32.const 37)))
              (i32.add (i32.rem_u (local.get $i) (i32.const 11)) (i32.const 1)))
            (i32.rem_u (local.get $i) (i32.const 5)))))
      (v128.store offset=16 (local.get $at)
        (f32x4.mul (v128.const f32x4 1 2 -1 0)
          (f32x4.splat
            (f32.div (f32.convert_i32_u (i32.rem_u (local.get $i) (i32.const 7)))
              (f32.const 7)))))
      (br_if $init
        (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1024))))
    (loop $frame
      (local.set $i (i32.const 0))
      (loop $particle
        (local.set $at (i32.shl (local.get $i) (i32.const 5)))
        (local.set $v
          (f32x4.add (v128.load offset=16 (local.get $at))
            (v128.const f32x4 0 -0.1635 0 0)))
        (local.set $p
          (f32x4.add (v128.load (local.get $at))
            (f32x4.mul (local.get $v) (v128.const f32x4 0.0166 0.0166 0.0166 0.0166))))
        (local.set $below
          (f32x4.lt (local.get $p) (v128.const f32x4 0 0 0 -1)))
        (local.set $p
          (v128.bitselect (f32x4.neg (local.get $p)) (local.get $p) (local.get $below)))
        (local.set $v
          (v128.bitselect
            (f32x4.mul (f32x4.neg (local.get $v)) (v128.const f32x4 0.8 0.8 0.8 0.8))
            (local.get $v) (local.get $below)))
        (v128.store (local.get $at) (local.get $p))
        (v128.store offset=16 (local.get $at) (local.get $v))
        (local.set $sum
          (f32x4.add (local.get $sum)
            (f32x4.add
              (f32x4.add
                (f32x4.mul (v128.const f32x4 0.8 0.6 0 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $p) (local.get $p)))
                (f32x4.mul (v128.const f32x4 -0.6 0.8 0 0) (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $p) (local.get $p))))
              (f32x4.add
                (f32x4.mul (v128.const f32x4 0 0 1 0) (f32x4.splat (f32x4.extract_lane 2 (local.get $p))))
                (f32x4.mul (v128.const f32x4 3 -1 0.5 1) (f32x4.splat (f32x4.extract_lane 3 (local.get $p))))))))
        (br_if $particle
          (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1024))))
      (br_if $frame (local.tee $frames (i32.sub (local.get $frames) (i32.const 1)))))
    (i64.xor (i64x2.extract_lane 0 (local.get $sum)) (i64x2.extract_lane 1 (local.get $sum)))))
