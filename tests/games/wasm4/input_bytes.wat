;; A WASM-4 test cart for tests/wasm4_oracle.rs: what the host writes before every update.
;; The cart draws the bytes of gamepads 1-4, the mouse (x, y, buttons: (0, 0), none,
;; when nothing moved it) and the netplay byte as bars, and those `start` saw (the mouse
;; still nowhere, 0x7fff), then overwrites them all, as lime-volleyball zeroes gamepad 1
;; to swallow a press: before the next update the host writes them again. A player
;; that button 1 makes jump, as lime-volleyball's, shows whether it did, and a bar
;; counts the updates that saw button 1 held.
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "rect" (func $rect (param i32 i32 i32 i32)))
  (global $start_mouse (mut i32) (i32.const 0))
  (global $height (mut i32) (i32.const 0))
  (global $speed (mut i32) (i32.const 0))
  (global $held (mut i32) (i32.const 0))
  (func (export "start")
    (global.set $start_mouse (i32.load (i32.const 0x1a))))
  ;; A bar on row `y` as long as `value` (clipped at the screen's width), and a mark
  ;; at the value's low 7 bits.
  (func $bar (param $y i32) (param $value i32)
    (call $rect (i32.const 0) (local.get $y) (local.get $value) (i32.const 3))
    (call $rect (i32.and (local.get $value) (i32.const 127)) (i32.add (local.get $y) (i32.const 4)) (i32.const 2) (i32.const 2)))
  (func (export "update")
    (local $i i32)
    (i32.store16 (i32.const 0x14) (i32.const 0x3))
    (loop $bytes
      (call $bar (i32.mul (local.get $i) (i32.const 8))
                 (i32.load8_u (i32.add (i32.const 0x16) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $bytes (i32.lt_u (local.get $i) (i32.const 11))))
    (i32.store16 (i32.const 0x14) (i32.const 0x4))
    (call $bar (i32.const 100) (i32.and (global.get $start_mouse) (i32.const 0xffff)))
    (call $bar (i32.const 108) (i32.shr_u (global.get $start_mouse) (i32.const 16)))
    (global.set $held (i32.add (global.get $held) (i32.and (i32.load8_u (i32.const 0x16)) (i32.const 1))))
    (call $bar (i32.const 116) (global.get $held))
    ;; Button 1 pressed on the ground jumps; gravity brings the player down.
    (if (i32.and (i32.eqz (global.get $height)) (i32.and (i32.load8_u (i32.const 0x16)) (i32.const 1)))
      (then (global.set $speed (i32.const 6))))
    (global.set $height (i32.add (global.get $height) (global.get $speed)))
    (global.set $speed (i32.sub (global.get $speed) (i32.const 1)))
    (if (i32.le_s (global.get $height) (i32.const 0))
      (then (global.set $height (i32.const 0)) (global.set $speed (i32.const 0))))
    (i32.store16 (i32.const 0x14) (i32.const 0x2))
    (call $rect (i32.const 140) (i32.sub (i32.const 150) (global.get $height)) (i32.const 8) (i32.const 8))
    ;; Everything the host writes, overwritten.
    (i32.store (i32.const 0x16) (i32.const 0x5a5a5a00))
    (i32.store (i32.const 0x1a) (i32.const 0x00420033))
    (i32.store16 (i32.const 0x1e) (i32.const 0x0007))
    (i32.store8 (i32.const 0x20) (i32.const 0))))
