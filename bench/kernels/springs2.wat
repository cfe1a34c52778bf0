;; f64x2 loops: 2,048 damped springs in two dimensions (position and velocity, an f64x2
;; each): acceleration toward the origin, velocity and position steps, positions clamped to
;; a box (min, max), and the kinetic energy summed; `run(n)` does n steps and returns the
;; energy's bits (both lanes).
(module
  (memory 1)
  (func (export "run") (param $steps i32) (result i64)
    (local $i i32) (local $at i32) (local $p v128) (local $v v128) (local $energy v128)
    (loop $init
      (local.set $at (i32.shl (local.get $i) (i32.const 5)))
      (v128.store (local.get $at)
        (f64x2.replace_lane 1
          (f64x2.splat (f64.convert_i32_s (i32.sub (i32.rem_u (local.get $i) (i32.const 19)) (i32.const 9))))
          (f64.convert_i32_s (i32.sub (i32.rem_u (local.get $i) (i32.const 13)) (i32.const 6)))))
      (v128.store offset=16 (local.get $at)
        (f64x2.mul (v128.const f64x2 0.5 -0.25)
          (f64x2.splat (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 5))))))
      (br_if $init
        (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 2048))))
    (loop $step
      (local.set $i (i32.const 0))
      (loop $spring
        (local.set $at (i32.shl (local.get $i) (i32.const 5)))
        (local.set $p (v128.load (local.get $at)))
        (local.set $v
          (f64x2.mul (v128.const f64x2 0.999 0.999)
            (f64x2.add (v128.load offset=16 (local.get $at))
              (f64x2.mul (local.get $p) (v128.const f64x2 -0.0166 -0.0332)))))
        (local.set $p
          (f64x2.max (v128.const f64x2 -8 -8)
            (f64x2.min (v128.const f64x2 8 8)
              (f64x2.add (local.get $p)
                (f64x2.mul (local.get $v) (v128.const f64x2 0.0166 0.0166))))))
        (v128.store (local.get $at) (local.get $p))
        (v128.store offset=16 (local.get $at) (local.get $v))
        (local.set $energy
          (f64x2.add (local.get $energy) (f64x2.mul (local.get $v) (local.get $v))))
        (br_if $spring
          (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 2048))))
      (br_if $step (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
    (i64.xor (i64x2.extract_lane 0 (local.get $energy))
      (i64x2.extract_lane 1 (local.get $energy)))))
