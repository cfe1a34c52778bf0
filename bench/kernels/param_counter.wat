;; A count down that is its loop's parameter, passed back through a local: each iteration
;; adds the local to an i64 total, steps the parameter, keeps the step in the local and
;; branches back with it (`local.tee $n; local.get $n; br_if $loop`, the shape of a
;; hand-written loop keeping its counter on the stack). run(n) = the sum of 1..n.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $total i64)
    (local.get $n)
    (loop $next (param i32) (result i32)
      (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (local.get $n))))
      (i32.sub (i32.const 1))
      (local.tee $n)
      (local.get $n)
      (br_if $next))
    (drop)
    (local.get $total)))
