;; A WASM-4 test cart for tests/wasm4_oracle.rs: every draw colour nibble, 0 to 15
;; (5-15 wrap round the palette), as fill and as outline of `rect`, and a palette that
;; changes every update (with bits above the 24 colour bits set), and with button 1.
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "rect" (func $rect (param i32 i32 i32 i32)))
  (global $frame (mut i32) (i32.const 0))
  (func (export "update")
    (local $fill i32) (local $stroke i32)
    (loop $fills
      (local.set $stroke (i32.const 0))
      (loop $strokes
        (i32.store16 (i32.const 0x14) (i32.or (local.get $fill) (i32.shl (local.get $stroke) (i32.const 4))))
        (call $rect (i32.mul (local.get $stroke) (i32.const 10)) (i32.mul (local.get $fill) (i32.const 10))
                    (i32.const 9) (i32.const 9))
        (local.set $stroke (i32.add (local.get $stroke) (i32.const 1)))
        (br_if $strokes (i32.lt_u (local.get $stroke) (i32.const 16))))
      (local.set $fill (i32.add (local.get $fill) (i32.const 1)))
      (br_if $fills (i32.lt_u (local.get $fill) (i32.const 16))))
    (i32.store (i32.const 0x04) (i32.or (i32.const 0xff000000) (i32.mul (global.get $frame) (i32.const 0x010203))))
    (i32.store (i32.const 0x08) (i32.xor (i32.const 0x123456) (i32.mul (i32.load8_u (i32.const 0x16)) (i32.const 0x0f0f0f))))
    (i32.store (i32.const 0x0c) (i32.sub (i32.const 0xabcdef) (global.get $frame)))
    (i32.store (i32.const 0x10) (i32.const 0x7f000001))
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))))
