;; Counters in mutable globals: each iteration reads, changes and writes two globals
;; (a count down and a running total), as code compiled with a global stack pointer or a
;; global tick counter does. run(n) = the sum of 1..n.
(module
  (global $left (mut i32) (i32.const 0))
  (global $total (mut i64) (i64.const 0))
  (func (export "run") (param $n i32) (result i64)
    (global.set $left (local.get $n))
    (global.set $total (i64.const 0))
    (loop $next
      (global.set $total
        (i64.add (global.get $total) (i64.extend_i32_u (global.get $left))))
      (global.set $left (i32.sub (global.get $left) (i32.const 1)))
      (br_if $next (global.get $left)))
    (global.get $total)))
