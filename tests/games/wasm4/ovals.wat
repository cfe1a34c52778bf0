;; A WASM-4 test cart for tests/wasm4_oracle.rs: ovals of every small size, 0x0 to 13x13,
;; each in its 11x11 cell, then zero and negative sizes and ovals clipped at the edges,
;; in draw colours that change with the frame count (button 1 and the arrows change
;; them too): fill and outline, no fill, an outline nibble of 0 (which WASM-4 paints in
;; palette entry 3) and of 15 (which draws nothing).
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "oval" (func $oval (param i32 i32 i32 i32)))
  ;; The draw colour pairs the cells cycle through.
  (data (i32.const 0x2000) "\32\00\08\00\40\00\01\00\f2\00\24\00\30\00\43\00")
  (global $frame (mut i32) (i32.const 0))
  ;; Draw colours number `n` of the list.
  (func $colors (param $n i32)
    (i32.store16 (i32.const 0x14)
      (i32.load16_u (i32.add (i32.const 0x2000) (i32.shl (i32.and (local.get $n) (i32.const 7)) (i32.const 1))))))
  (func (export "update")
    (local $w i32) (local $h i32) (local $pick i32)
    (local.set $pick (i32.add (i32.div_u (global.get $frame) (i32.const 10))
                              (i32.load8_u (i32.const 0x16))))
    ;; Every size from 0x0 to 13x13.
    (local.set $h (i32.const 0))
    (loop $rows
      (local.set $w (i32.const 0))
      (loop $columns
        (call $colors (i32.add (local.get $pick) (i32.add (local.get $w) (local.get $h))))
        (call $oval (i32.add (i32.const 2) (i32.mul (local.get $w) (i32.const 11)))
                    (i32.add (i32.const 2) (i32.mul (local.get $h) (i32.const 11)))
                    (local.get $w) (local.get $h))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br_if $columns (i32.le_u (local.get $w) (i32.const 13))))
      (local.set $h (i32.add (local.get $h) (i32.const 1)))
      (br_if $rows (i32.le_u (local.get $h) (i32.const 13))))
    ;; Zero and negative sizes, along the bottom.
    (call $colors (local.get $pick))
    (call $oval (i32.const 4) (i32.const 156) (i32.const -1) (i32.const 3))
    (call $oval (i32.const 12) (i32.const 156) (i32.const 3) (i32.const -2))
    (call $oval (i32.const 20) (i32.const 156) (i32.const -3) (i32.const -3))
    (call $oval (i32.const 28) (i32.const 156) (i32.const 0) (i32.const 4))
    (call $oval (i32.const 36) (i32.const 156) (i32.const 5) (i32.const 0))
    (call $oval (i32.const 44) (i32.const 152) (i32.const -7) (i32.const 6))
    ;; Big ovals clipped at the edges; one the whole screen and more.
    (call $colors (i32.add (local.get $pick) (i32.const 5)))
    (call $oval (i32.const -20) (i32.const 120) (i32.const 45) (i32.const 31))
    (call $oval (i32.add (i32.const 140) (i32.rem_u (global.get $frame) (i32.const 9)))
                (i32.const -9) (i32.const 37) (i32.const 60))
    (i32.store16 (i32.const 0x14) (i32.const 0x40))
    (call $oval (i32.const -30) (i32.const -10) (i32.const 221) (i32.const 181))
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))))
