;; A WASM-4 test cart for tests/wasm4_oracle.rs: heavy work where published carts
;; generate their levels: `start` walks 60 million steps and the first update 120 million
;; (a pseudo-random walk: 3 units of fuel a step as translated today, 180 and 360 million;
;; still over 100 million at 2 a step), over the 100 million a call of another contract
;; may spend; later updates are light. The results are drawn as bits,
;; and each update moves a dot (with the arrows too).
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "rect" (func $rect (param i32 i32 i32 i32)))
  (global $seed (mut i32) (i32.const 1))
  (global $level (mut i32) (i32.const 0))
  (global $frame (mut i32) (i32.const 0))
  (global $x (mut i32) (i32.const 80))
  ;; `n` steps of a linear congruential generator.
  (func $walk (param $n i32) (result i32)
    (local $v i32)
    (local.set $v (global.get $seed))
    (loop $steps
      (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 1664525)) (i32.const 1013904223)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $steps (local.get $n)))
    (local.get $v))
  (func (export "start")
    (global.set $seed (call $walk (i32.const 60000000))))
  ;; The 32 bits of `value` as squares on row `y`.
  (func $bits (param $value i32) (param $y i32)
    (local $i i32)
    (loop $each
      (if (i32.and (i32.shr_u (local.get $value) (local.get $i)) (i32.const 1))
        (then (call $rect (i32.mul (local.get $i) (i32.const 5)) (local.get $y) (i32.const 4) (i32.const 4))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $i) (i32.const 32)))))
  (func (export "update")
    (if (i32.eqz (global.get $frame))
      (then (global.set $level (call $walk (i32.const 120000000)))))
    (call $bits (global.get $seed) (i32.const 10))
    (call $bits (global.get $level) (i32.const 20))
    (if (i32.and (i32.load8_u (i32.const 0x16)) (i32.const 16)) (then (global.set $x (i32.sub (global.get $x) (i32.const 2)))))
    (if (i32.and (i32.load8_u (i32.const 0x16)) (i32.const 32)) (then (global.set $x (i32.add (global.get $x) (i32.const 2)))))
    (call $rect (global.get $x) (i32.rem_u (global.get $frame) (i32.const 120)) (i32.const 3) (i32.const 3))
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))))
