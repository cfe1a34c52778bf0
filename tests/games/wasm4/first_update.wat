;; A WASM-4 test cart for tests/wasm4_oracle.rs: the screen is cleared before every
;; update, the first too, unless SYSTEM_FLAGS bit 0 is set. `start` draws a frame and a
;; cross; the first update draws nothing and sets the flag, later ones add a dot each
;; (which stay while the flag is kept); button 2 clears the flag until it is released.
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "rect" (func $rect (param i32 i32 i32 i32)))
  (import "env" "line" (func $line (param i32 i32 i32 i32)))
  (global $frame (mut i32) (i32.const 0))
  (func (export "start")
    (i32.store16 (i32.const 0x14) (i32.const 0x24))
    (call $rect (i32.const 10) (i32.const 10) (i32.const 140) (i32.const 140))
    (call $line (i32.const 0) (i32.const 0) (i32.const 159) (i32.const 159)))
  (func (export "update")
    (i32.store8 (i32.const 0x1f)
      (select (i32.const 0) (i32.const 1) (i32.and (i32.load8_u (i32.const 0x16)) (i32.const 2))))
    (if (global.get $frame)
      (then
        (i32.store16 (i32.const 0x14) (i32.const 0x3))
        (call $rect (i32.rem_u (i32.mul (global.get $frame) (i32.const 7)) (i32.const 157))
                    (i32.rem_u (i32.mul (global.get $frame) (i32.const 3)) (i32.const 157))
                    (i32.const 3) (i32.const 3))))
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))))
