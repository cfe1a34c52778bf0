;; A WASM-4 test cart for tests/wasm4_oracle.rs: the 1,024-byte disk. Each update saves
;; a counter and a growing number of bytes (a save longer than 1,024 bytes keeps 1,024),
;; reads back at most 0, 3, 100 and 2,000 bytes, and draws what each call returned and
;; the bytes read; button 1 saves nothing for as long as it is held.
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "diskr" (func $diskr (param i32 i32) (result i32)))
  (import "env" "diskw" (func $diskw (param i32 i32) (result i32)))
  (import "env" "hline" (func $hline (param i32 i32 i32)))
  (global $frame (mut i32) (i32.const 0))
  ;; A bar on row `y`, `value` pixels long (a tenth of it past 150).
  (func $bar (param $y i32) (param $value i32)
    (call $hline (i32.const 0) (local.get $y)
      (select (i32.add (i32.const 150) (i32.div_u (local.get $value) (i32.const 100)))
              (local.get $value) (i32.gt_u (local.get $value) (i32.const 150)))))
  (func (export "update")
    (local $i i32)
    (i32.store16 (i32.const 0x14) (i32.const 0x4))
    (i32.store (i32.const 0x2000) (global.get $frame))
    (if (i32.eqz (i32.and (i32.load8_u (i32.const 0x16)) (i32.const 1)))
      (then (call $bar (i32.const 0)
        (call $diskw (i32.const 0x2000) (i32.rem_u (i32.mul (global.get $frame) (i32.const 37)) (i32.const 1500))))))
    (call $bar (i32.const 4) (call $diskr (i32.const 0x3000) (i32.const 0)))
    (call $bar (i32.const 8) (call $diskr (i32.const 0x3000) (i32.const 3)))
    (call $bar (i32.const 12) (call $diskr (i32.const 0x3000) (i32.const 100)))
    (call $bar (i32.const 16) (call $diskr (i32.const 0x3000) (i32.const 2000)))
    ;; The first bytes read back.
    (loop $bytes
      (call $bar (i32.add (i32.const 30) (i32.mul (local.get $i) (i32.const 3)))
                 (i32.load8_u (i32.add (i32.const 0x3000) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $bytes (i32.lt_u (local.get $i) (i32.const 8))))
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))))
