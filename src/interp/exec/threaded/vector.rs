//! One threaded handler per 128-bit SIMD operator (each row of `isa::simd`'s tables),
//! chosen by `handler_of` over its shape's shared handler (`simple.rs`'s `V128Binary`
//! and the others, which the loop executor keeps: a second `match` on the operator, in
//! an out-of-line call that saves and restores every register the chain holds). Each
//! handler here runs its operator's semantics (`exec::simd`) inline, reading and writing
//! the vectors' slots itself (as bytes, which the compiler keeps in a vector register), so
//! the call of the next handler stays a jump. (`i8x16.shuffle` and `v128.store`, one
//! operator each, need none here: `simple.rs`'s own handlers inline their semantics.)

use super::*;

/// The handler of the SIMD op `op` for its own operator (the one leaving a scalar result
/// only in the register, with `in_register`), if `op` is a SIMD op.
pub(super) fn handler_of<const METER: bool, const CHARGE: bool>(
    op: &Op,
    in_register: bool,
) -> Option<Handler> {
    Some(match (*op, in_register) {
        (Op::V128Unary { op, .. }, _) => unary::of::<METER, true, CHARGE>(op),
        (Op::V128Binary { op, .. }, _) => binary::of::<METER, true, CHARGE>(op),
        (Op::V128Ternary { op, .. }, _) => ternary::of::<METER, true, CHARGE>(op),
        (Op::V128Shift { op, .. }, _) => shift::of::<METER, true, CHARGE>(op),
        (Op::V128Splat { op, .. }, _) => splat::of::<METER, true, CHARGE>(op),
        (Op::V128Replace { op, .. }, _) => replace::of::<METER, true, CHARGE>(op),
        (Op::V128Load { op, .. }, _) => load::of::<METER, true, CHARGE>(op),
        (Op::V128Test { op, .. }, false) => test::of::<METER, true, CHARGE>(op),
        (Op::V128Test { op, .. }, true) => test::of::<METER, false, CHARGE>(op),
        (Op::V128Extract { op, .. }, false) => extract::of::<METER, true, CHARGE>(op),
        (Op::V128Extract { op, .. }, true) => extract::of::<METER, false, CHARGE>(op),
        _ => return None,
    })
}

/// A module `$shape` of handlers, one per row of an `isa::simd` table, each running
/// `$body` on the fields of `Op::$op` with `$semantics` bound to the row's function
/// of `exec::simd`; and `of`, the handler of an operator.
macro_rules! per_operator {
    (
        $shape:ident $op:ident $fields:tt |$semantics:ident| $body:block
        $enum:ident: $($variant:ident $name:literal $($bytes:literal)? $f:ident,)*
    ) => {
        #[allow(non_snake_case)]
        mod $shape {
            use super::*;
            use crate::interp::isa::$enum;
            $(
                handler!($variant = $op slot $fields {
                    let $semantics = simd::$f;
                    $body
                });
            )*

            pub(super) fn of<const METER: bool, const STORE: bool, const CHARGE: bool>(
                op: $enum,
            ) -> Handler {
                match op {
                    $( $enum::$variant => $variant::<METER, STORE, CHARGE>, )*
                }
            }
        }
    };
}

for_each_v128_unary!(per_operator unary V128Unary { dst, src } |f| {
    simd::set(frame!(), dst, f(simd::get(frame!(), src)))
});
for_each_v128_binary!(per_operator binary V128Binary { dst, a, b } |f| {
    simd::set(frame!(), dst, f(simd::get(frame!(), a), simd::get(frame!(), b)))
});
for_each_v128_ternary!(per_operator ternary V128Ternary { dst, a, b, c } |f| {
    let (a, b, c) = (simd::get(frame!(), a), simd::get(frame!(), b), simd::get(frame!(), c));
    simd::set(frame!(), dst, f(a, b, c))
});
for_each_v128_shift!(per_operator shift V128Shift { dst, a, b } |f| {
    simd::set(frame!(), dst, f(simd::get(frame!(), a), slot!(b)))
});
for_each_v128_splat!(per_operator splat V128Splat { dst, src } |f| {
    simd::set(frame!(), dst, f(slot!(src)))
});
for_each_v128_replace!(per_operator replace V128Replace { lane, dst, a, b } |f| {
    simd::set(frame!(), dst, f(simd::get(frame!(), a), lane, slot!(b)))
});
for_each_v128_load!(per_operator load V128Load { dst, addr, offset } |f| {
    simd::set(frame!(), dst, f(tri!(mem!().load(slot!(addr), offset))))
});
for_each_v128_test!(per_operator test V128Test { dst, src } |f| {
    set!(dst, f(simd::get(frame!(), src)))
});
for_each_v128_extract!(per_operator extract V128Extract { lane, dst, src } |f| {
    set!(dst, f(simd::get(frame!(), src), lane))
});
