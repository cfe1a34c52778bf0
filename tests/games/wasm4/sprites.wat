;; A WASM-4 test cart for tests/wasm4_oracle.rs: `blit` and `blitSub` of 1- and 2-bit
;; sprites of odd sizes with every combination of the flip and rotate flags, windows of
;; a sheet (with negative source coordinates, which WASM-4 reads as bits far past the
;; sheet: zeros), a sprite whose bytes run past the end of memory (zeros too), sprites
;; clipped at every edge, and transparent draw colours. The sprites move with the frame
;; count; button 2 changes the colours.
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "blit" (func $blit (param i32 i32 i32 i32 i32 i32)))
  (import "env" "blitSub" (func $blitSub (param i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  ;; A 5x3 1-bit sprite, a 3x7 2-bit one, and a 16x8 2-bit sheet.
  (data (i32.const 0x2000) "\b3\72\80")
  (data (i32.const 0x2010) "\1b\e4\6c\93\c6\39\d8\27")
  (data (i32.const 0x2020) "\00\55\aa\ff\1b\e4\00\55\aa\ff\1b\e4\36\c9\0f\f0\1b\e4\00\55\aa\ff\1b\e4\36\c9\0f\f0\1b\e4\00\55")
  ;; The last bytes of memory: a sprite that runs past the end.
  (data (i32.const 0xfffc) "\ff\0f\f0\ff")
  (global $frame (mut i32) (i32.const 0))
  (func $colors (param i32) (i32.store16 (i32.const 0x14) (local.get 0)))
  (func (export "update")
    (local $flags i32) (local $move i32)
    (local.set $move (i32.rem_u (global.get $frame) (i32.const 13)))
    (call $colors (select (i32.const 0x1342) (i32.const 0x4321)
                          (i32.and (i32.load8_u (i32.const 0x16)) (i32.const 2))))
    ;; Every flag combination, 1 and 2 bits per pixel.
    (loop $each
      (call $blit (i32.const 0x2000)
        (i32.add (i32.const 2) (i32.mul (local.get $flags) (i32.const 9))) (i32.const 2)
        (i32.const 5) (i32.const 3) (i32.and (local.get $flags) (i32.const 14)))
      (call $blit (i32.const 0x2010)
        (i32.add (i32.const 2) (i32.mul (local.get $flags) (i32.const 9))) (i32.const 12)
        (i32.const 3) (i32.const 7) (i32.or (local.get $flags) (i32.const 1)))
      (local.set $flags (i32.add (local.get $flags) (i32.const 2)))
      (br_if $each (i32.lt_u (local.get $flags) (i32.const 16))))
    ;; Windows of the sheet, flipped and rotated, one starting left of and above it.
    (call $blitSub (i32.const 0x2020) (i32.const 4) (i32.const 30) (i32.const 6) (i32.const 5)
      (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 1))
    (call $blitSub (i32.const 0x2020) (i32.const 14) (i32.const 30) (i32.const 6) (i32.const 5)
      (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 15))
    (call $blitSub (i32.const 0x2020) (i32.const 24) (i32.const 30) (i32.const 9) (i32.const 4)
      (i32.const -3) (i32.const -1) (i32.const 16) (i32.const 1))
    (call $blitSub (i32.const 0x2020) (i32.const 38) (i32.const 30) (i32.const 8) (i32.const 8)
      (i32.const 8) (i32.const 0) (i32.const 12) (i32.const 0))
    ;; Bytes past the end of memory read as zeros.
    (call $blit (i32.const 0xfffc) (i32.const 50) (i32.const 30) (i32.const 16) (i32.const 4) (i32.const 0))
    (call $blit (i32.const 0xfffe) (i32.const 70) (i32.const 30) (i32.const 8) (i32.const 8) (i32.const 1))
    ;; Clipped at every edge, moving.
    (call $blit (i32.const 0x2010) (i32.sub (i32.const -2) (local.get $move)) (i32.const 60) (i32.const 3) (i32.const 7) (i32.const 9))
    (call $blit (i32.const 0x2010) (i32.add (i32.const 150) (local.get $move)) (i32.const 60) (i32.const 3) (i32.const 7) (i32.const 1))
    (call $blitSub (i32.const 0x2020) (i32.const 80) (i32.sub (i32.const -3) (local.get $move)) (i32.const 16) (i32.const 8)
      (i32.const 0) (i32.const 0) (i32.const 16) (i32.const 1))
    (call $blitSub (i32.const 0x2020) (i32.const 80) (i32.add (i32.const 155) (local.get $move)) (i32.const 16) (i32.const 8)
      (i32.const 0) (i32.const 0) (i32.const 16) (i32.const 9))
    ;; Transparent colours over a background, and a sprite drawn huge.
    (call $colors (i32.const 0x4))
    (call $blit (i32.const 0x2020) (i32.const 0) (i32.const 80) (i32.const 160) (i32.const 30) (i32.const 0))
    (call $colors (i32.const 0x0302))
    (call $blit (i32.const 0x2020) (i32.add (i32.const 20) (local.get $move)) (i32.const 90) (i32.const 16) (i32.const 8) (i32.const 1))
    (call $colors (i32.const 0x40))
    (call $blit (i32.const 0x2000) (i32.const 60) (i32.const 115) (i32.const 2147483647) (i32.const 40) (i32.const 0))
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))))
