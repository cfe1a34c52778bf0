//! The `spectest` host module the official scripts import: print functions (silent
//! here), globals with value 666, a 10..20 funcref table and a 1..2 page memory.

use crate::interp::{
    FuncType, Global, GlobalType, Linker, Memory, MemoryType, SizeLimits, Store, Table, TableType,
    ValType, Value,
};

pub fn define(store: &mut Store<()>, linker: &mut Linker) {
    use ValType::*;
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        linker.func(store, "spectest", name, ty, |_, _, _| Ok(()));
    }
    let globals = [
        ("global_i32", Value::I32(666)),
        ("global_i64", Value::I64(666)),
        ("global_f32", Value::F32(666.6)),
        ("global_f64", Value::F64(666.6)),
    ];
    for (name, value) in globals {
        let ty = GlobalType {
            content: value.ty(),
            mutable: false,
        };
        let global = Global::new(store, ty, value).expect("numbers fit any store");
        linker.define("spectest", name, global);
    }
    let table_type = TableType {
        element: ValType::FUNCREF,
        limits: SizeLimits {
            min: 10,
            max: Some(20),
        },
    };
    let table = Table::new(store, table_type, Value::FuncRef(None)).expect("within limits");
    linker.define("spectest", "table", table);
    let memory_type = MemoryType::new(SizeLimits {
        min: 1,
        max: Some(2),
    });
    let memory = Memory::new(store, memory_type).expect("within limits");
    linker.define("spectest", "memory", memory);
}
