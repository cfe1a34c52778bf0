;; The heaviest rocket-contract frame we would call legitimate, to measure against the
;; display list's ceiling and the fuel budget: every frame clears the field and draws
;; 10,000 particles, 1,000 bullets, 500 enemies, the player and the score.
(module
  (import "env" "clear_screen" (func $clear))
  (import "env" "draw_particle" (func $particle (param f64 f64 f64)))
  (import "env" "draw_bullet" (func $bullet (param f64 f64)))
  (import "env" "draw_enemy" (func $enemy (param f64 f64)))
  (import "env" "draw_player" (func $player (param f64 f64 f64)))
  (import "env" "draw_score" (func $score (param f64)))
  (global $t (mut f64) (f64.const 0))
  (func (export "update") (param $dt f64)
    (global.set $t (f64.add (global.get $t) (local.get $dt))))
  ;; The i-th of many things: x from i, y from i and the time.
  (func $x (param $i i32) (result f64)
    (f64.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 7919)) (i32.const 1024))))
  (func $y (param $i i32) (result f64)
    (f64.add (f64.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 104729)) (i32.const 600)))
      (f64.mul (global.get $t) (f64.const 20))))
  (func (export "draw")
    (local $i i32)
    (call $clear)
    (loop $particles
      (call $particle (call $x (local.get $i)) (call $y (local.get $i)) (f64.const 2))
      (br_if $particles (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10000))))
    (local.set $i (i32.const 0))
    (loop $bullets
      (call $bullet (call $x (local.get $i)) (call $y (local.get $i)))
      (br_if $bullets (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))
    (local.set $i (i32.const 0))
    (loop $enemies
      (call $enemy (call $x (local.get $i)) (call $y (local.get $i)))
      (br_if $enemies (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 500))))
    (call $player (f64.const 512) (f64.const 300) (global.get $t))
    (call $score (f64.const 12340))))
