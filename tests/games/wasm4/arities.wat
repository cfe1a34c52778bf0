;; A WASM-4 test cart for tests/wasm4_oracle.rs: imports declared unlike WASM-4's, as
;; WASM-4's JavaScript host accepts them. `blit` without its flags (as endless-runner
;; declares it: 0), `blitSub` with one parameter too many (ignored) and `textUtf8`
;; without its y (nothing drawn), `tone` without flags, `hline` and `oval` on floats,
;; `vline` without a length (nothing drawn), `rect` returning a value (0), `diskw`
;; returning nothing and `diskr` a float, `trace` with no argument (address 0), and
;; `traceUtf8` without a length (to the end of memory).
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "blit" (func $blit (param i32 i32 i32 i32 i32)))
  (import "env" "blitSub" (func $blitSub (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i64)))
  (import "env" "textUtf8" (func $textUtf8 (param i32 i32 i32)))
  (import "env" "text" (func $text (param i32 i32 i32 f64)))
  (import "env" "tone" (func $tone (param i32 i32 i32)))
  (import "env" "hline" (func $hline (param f32 f32 f32)))
  (import "env" "oval" (func $oval (param f64 f64 f64 f64 i32)))
  (import "env" "vline" (func $vline (param i32 i32)))
  (import "env" "rect" (func $rect (param i32 i32 i32 i32) (result i32)))
  (import "env" "diskw" (func $diskw (param i32 i32)))
  (import "env" "diskr" (func $diskr (param i32 i32) (result f64)))
  (import "env" "trace" (func $trace))
  (import "env" "traceUtf8" (func $traceUtf8 (param i32)))
  (data (i32.const 0x2000) "\3c\42\a5\81\a5\99\42\3c")
  (data (i32.const 0x2010) "hidden")
  (data (i32.const 0x2020) "shown\00")
  (data (i32.const 0x2030) "saved")
  (global $frame (mut i32) (i32.const 0))
  (func (export "update")
    (local $x i32)
    (local.set $x (i32.rem_u (global.get $frame) (i32.const 50)))
    (i32.store16 (i32.const 0x14) (i32.const 0x4321))
    (call $blit (i32.const 0x2000) (local.get $x) (i32.const 4) (i32.const 8) (i32.const 8))
    (call $blitSub (i32.const 0x2000) (i32.const 20) (i32.const 20) (i32.const 6) (i32.const 6)
      (i32.const 1) (i32.const 1) (i32.const 8) (i32.const 2) (i64.const -1))
    (call $textUtf8 (i32.const 0x2010) (i32.const 6) (i32.const 30))
    (call $text (i32.const 0x2020) (i32.const 30) (i32.const 30) (f64.const 1.5))
    (call $tone (i32.const 440) (i32.const 10) (i32.const 50))
    (i32.store16 (i32.const 0x14) (i32.const 0x34))
    (call $hline (f32.const 3) (f32.convert_i32_u (i32.add (i32.const 50) (local.get $x))) (f32.const 120))
    (call $oval (f64.const 40) (f64.const 60) (f64.convert_i32_u (i32.add (i32.const 10) (local.get $x))) (f64.const 21) (i32.const 7))
    (call $vline (i32.const 150) (i32.const 10))
    ;; rect's value (0) places the next one.
    (call $rect (i32.add (i32.const 100) (call $rect (i32.const 90) (i32.const 100) (i32.const 5) (i32.const 5)))
                (i32.const 110) (i32.const 5) (i32.const 5))
    (drop)
    ;; A bar as long as what diskr read back of what diskw wrote.
    (call $diskw (i32.const 0x2030) (i32.add (i32.const 1) (i32.rem_u (global.get $frame) (i32.const 5))))
    (call $hline (f32.const 0) (f32.const 150)
      (f32.demote_f64 (f64.mul (f64.const 10) (call $diskr (i32.const 0x3000) (i32.const 100)))))
    (call $trace)
    (call $traceUtf8 (i32.const 0xfff0))
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))))
