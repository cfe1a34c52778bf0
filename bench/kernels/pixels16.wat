;; i8x16 byte work on a 64 KiB RGBA image, 16 bytes at a time: fade (saturating add of a
;; per-frame amount), blur with the neighbouring pixel (a shuffle and a rounding average),
;; a threshold (compare and bitselect to white) and a brightness sum (pairwise widening
;; adds); `run(n)` does n frames and returns the brightness sum.
(module
  (memory 1)
  (func (export "run") (param $frames i32) (result i64)
    (local $at i32) (local $b v128) (local $sum v128) (local $k v128)
    (loop $init
      (i32.store (local.get $at) (i32.mul (local.get $at) (i32.const 0x9e3779b1)))
      (br_if $init
        (i32.ne (local.tee $at (i32.add (local.get $at) (i32.const 4))) (i32.const 65536))))
    (loop $frame
      (local.set $k (i8x16.splat (i32.and (local.get $frames) (i32.const 7))))
      (local.set $at (i32.const 0))
      (loop $chunk
        (local.set $b (v128.load (local.get $at)))
        (local.set $b
          (i8x16.avgr_u (i8x16.add_sat_u (local.get $b) (local.get $k))
            (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3
              (local.get $b) (local.get $b))))
        (local.set $b
          (v128.bitselect (v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1)
            (i8x16.sub_sat_u (local.get $b) (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3))
            (i8x16.gt_u (local.get $b)
              (v128.const i8x16 250 250 250 250 250 250 250 250 250 250 250 250 250 250 250 250))))
        (v128.store (local.get $at) (local.get $b))
        (local.set $sum
          (i32x4.add (local.get $sum)
            (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $b)))))
        (br_if $chunk
          (i32.ne (local.tee $at (i32.add (local.get $at) (i32.const 16))) (i32.const 65536))))
      (br_if $frame (local.tee $frames (i32.sub (local.get $frames) (i32.const 1)))))
    (i64.add
      (i64.add (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $sum)))
        (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $sum))))
      (i64.add (i64.extend_i32_u (i32x4.extract_lane 2 (local.get $sum)))
        (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $sum)))))))
