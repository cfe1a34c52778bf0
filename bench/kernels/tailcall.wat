;; Tail calls: Fibonacci by tail recursion, `go(n, a, b) = go(n - 1, b, a + b)` with
;; `return_call`, n calls deep in constant frame-stack space; returns fib(n) mod 2^64.
(module
  (func $go (param $n i32) (param $a i64) (param $b i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (local.get $a))
      (else
        (return_call $go
          (i32.sub (local.get $n) (i32.const 1))
          (local.get $b)
          (i64.add (local.get $a) (local.get $b))))))
  (func (export "run") (param $n i32) (result i64)
    (call $go (local.get $n) (i64.const 0) (i64.const 1))))
