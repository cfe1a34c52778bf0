;; A counter carried as a loop's block parameter and in the function's parameter: each
;; iteration takes the running sum from the stack, adds the parameter to it and counts
;; the parameter down (the shape of code a multi-value compiler emits for a loop
;; carrying state on the stack). run(n) = the sum of 1..n, with an i64 accumulator.
(module
  (func (export "run") (param $n i32) (result i64)
    (i64.const 0)
    (loop $next (param i64) (result i64)
      (i64.extend_i32_u (local.get $n))
      (i64.add)
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $next))))
