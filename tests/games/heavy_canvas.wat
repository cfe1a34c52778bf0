;; The heaviest canvas-contract frame we would call legitimate, to measure against the
;; display list's ceiling and the fuel budget: every frame clears the field and draws a
;; 64×40 tile map (2,560 rectangles), 10,000 moving particles (circles), 50 outlined
;; polygons of 200 points each, and 100 lines of 64-byte text.
(module
  (import "env" "clear" (func $clear (param i32)))
  (import "env" "set_color" (func $set_color (param i32)))
  (import "env" "fill_rect" (func $fill_rect (param f32 f32 f32 f32)))
  (import "env" "fill_circle" (func $fill_circle (param f32 f32 f32)))
  (import "env" "stroke_polygon" (func $stroke_polygon (param i32 i32 f32)))
  (import "env" "text" (func $text (param i32 i32 f32 f32 f32)))
  (memory (export "memory") 1)
  ;; 64 bytes of text at 0; the polygon's 200 points (1,600 bytes) from 64 on.
  (data (i32.const 0) "Score 000000  Lives 3  Level 12  Time 01:23  Enemies 1234  FPS60")
  (global $t (mut f32) (f32.const 0))
  (func (export "init") (param f32 f32)
    (local $i i32)
    ;; The polygon: 200 points scattered over a 40×40 box.
    (loop $points
      (f32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 3)))
        (f32.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 7)) (i32.const 40))))
      (f32.store (i32.add (i32.const 68) (i32.shl (local.get $i) (i32.const 3)))
        (f32.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 13)) (i32.const 40))))
      (br_if $points (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 200)))))
  (func (export "update") (param $dt f32)
    (global.set $t (f32.add (global.get $t) (local.get $dt))))
  (func (export "draw")
    (local $i i32) (local $x f32) (local $y f32)
    (call $clear (i32.const 0x000000ff))
    ;; Tiles.
    (call $set_color (i32.const 0x204020ff))
    (loop $tiles
      (call $fill_rect
        (f32.mul (f32.convert_i32_u (i32.rem_u (local.get $i) (i32.const 64))) (f32.const 16))
        (f32.mul (f32.convert_i32_u (i32.div_u (local.get $i) (i32.const 64))) (f32.const 15))
        (f32.const 15) (f32.const 14))
      (br_if $tiles (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 2560))))
    ;; Particles.
    (call $set_color (i32.const 0xffcc00ff))
    (local.set $i (i32.const 0))
    (loop $particles
      (local.set $x (f32.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 7919)) (i32.const 1024))))
      (local.set $y (f32.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 104729)) (i32.const 600))))
      (call $fill_circle
        (f32.add (local.get $x) (f32.mul (global.get $t) (f32.const 30)))
        (local.get $y) (f32.const 2))
      (br_if $particles (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10000))))
    ;; Polygons.
    (call $set_color (i32.const 0x00ffffff))
    (local.set $i (i32.const 0))
    (loop $polygons
      (call $stroke_polygon (i32.const 64) (i32.const 200) (f32.const 1))
      (br_if $polygons (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 50))))
    ;; Text.
    (call $set_color (i32.const 0xffffffff))
    (local.set $i (i32.const 0))
    (loop $lines
      (call $text (i32.const 0) (i32.const 64)
        (f32.const 10) (f32.mul (f32.convert_i32_u (local.get $i)) (f32.const 6)) (f32.const 6))
      (br_if $lines (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))))
