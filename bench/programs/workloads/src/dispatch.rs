//! `match` dispatch: a small stack machine's bytecode interpreter (the `br_table` loop
//! of every interpreter compiled to wasm) running a program that sums a series of
//! hashes `size` times over.

#[derive(Clone, Copy)]
enum Op {
    Push(i64),
    Load(usize),
    Store(usize),
    Add,
    Sub,
    Mul,
    Xor,
    ShiftRight(u32),
    Dup,
    JumpIfNonZero(usize),
    Halt,
}

/// Sums `hash(i)` for `i` from `variables[0]` down to 1, into `variables[1]`.
const PROGRAM: [Op; 20] = [
    Op::Load(0),           // 0: loop: i
    Op::Dup,               //
    Op::Push(0x2545_f491), //
    Op::Mul,               // i, i * k
    Op::Dup,               //
    Op::ShiftRight(15),    //
    Op::Xor,               // i, h
    Op::Load(1),           //
    Op::Add,               //
    Op::Store(1),          // sum += h
    Op::Push(1),           //
    Op::Sub,               // i - 1
    Op::Dup,               //
    Op::Store(0),          //
    Op::JumpIfNonZero(0),  // while i != 0
    Op::Load(1),           //
    Op::Push(0x7fff_ffff), //
    Op::Xor,               //
    Op::Store(1),          //
    Op::Halt,              //
];

#[inline(never)]
fn execute(program: &[Op], variables: &mut [i64; 2]) {
    let mut stack = [0i64; 16];
    let (mut pc, mut top) = (0usize, 0usize);
    loop {
        let op = program[pc];
        pc += 1;
        match op {
            Op::Push(value) => {
                stack[top] = value;
                top += 1;
            }
            Op::Load(variable) => {
                stack[top] = variables[variable];
                top += 1;
            }
            Op::Store(variable) => {
                top -= 1;
                variables[variable] = stack[top];
            }
            Op::Add | Op::Sub | Op::Mul | Op::Xor => {
                top -= 1;
                let (a, b) = (stack[top - 1], stack[top]);
                stack[top - 1] = match op {
                    Op::Add => a.wrapping_add(b),
                    Op::Sub => a.wrapping_sub(b),
                    Op::Mul => a.wrapping_mul(b),
                    _ => a ^ b,
                };
            }
            Op::ShiftRight(bits) => stack[top - 1] = ((stack[top - 1] as u64) >> bits) as i64,
            Op::Dup => {
                stack[top] = stack[top - 1];
                top += 1;
            }
            Op::JumpIfNonZero(target) => {
                top -= 1;
                if stack[top] != 0 {
                    pc = target;
                }
            }
            Op::Halt => return,
        }
    }
}

pub fn run(size: u32) -> i64 {
    // On the heap, so that the compiler cannot specialise the interpreter to the program.
    let program = PROGRAM.to_vec();
    let mut checksum = 0i64;
    for round in 0..size {
        let mut variables = [1000 + i64::from(round % 16), 0];
        execute(&program, &mut variables);
        checksum = checksum.rotate_left(3) ^ variables[1];
    }
    checksum
}
