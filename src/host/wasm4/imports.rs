//! The table of WASM-4's imports from `env`: each binding reads its i32 arguments, draws
//! into the framebuffer, logs or saves, and turns a read outside memory into a trap
//! that names it.

use std::rc::Rc;

use super::framebuffer::Screen;
use super::guest::{self, OutOfBounds};
use super::io::{self, Disk};
use super::sprite::{self, Sheet, BLIT_2BPP};
use super::text;
use crate::host::instance::{i32_arg, Binding, HostState, ImportDef};
use crate::interp::{Caller, FuncType, Trap, ValType, Value};

/// The bindings' own state.
pub struct Wasm4State {
    pub disk: Disk,
    /// `tone` calls since the last frame was shown: (frequency, duration, volume, flags).
    pub tones: Vec<[u32; 4]>,
}

type Caller_<'a> = Caller<'a, HostState<Wasm4State>>;

/// The most arguments a WASM-4 import takes (`blitSub`'s).
const MAX_PARAMS: usize = 9;

/// An import taking `params` i32s (returning one if `returns`): `body` does its work
/// with the host state, the cart's memory and the arguments, and gives its result.
fn import(
    name: &'static str,
    params: usize,
    returns: bool,
    body: impl Fn(&mut Wasm4State, &mut [u8], &[i32]) -> Result<Option<i32>, OutOfBounds> + 'static,
) -> ImportDef<Wasm4State> {
    let results: &[ValType] = if returns { &[ValType::I32] } else { &[] };
    ImportDef {
        name,
        ty: FuncType::new(vec![ValType::I32; params], results.iter().copied()),
        bind: Binding::Values(Rc::new(move |caller: &mut Caller_<'_>, args, results| {
            let values: [i32; MAX_PARAMS] = std::array::from_fn(|i| i32_arg(args, i));
            let (state, memory) = caller.data_and_memory_mut();
            let memory_len = memory.len();
            match body(&mut state.abi, memory, &values[..params]) {
                Ok(result) => {
                    if let (Some(result), Some(slot)) = (result, results.first_mut()) {
                        *slot = Value::I32(result);
                    }
                    Ok(())
                }
                Err(error) => Err::<(), Trap>(error.trap(name, memory_len)),
            }
        })),
    }
}

/// A drawing import: `draw` with the screen and the arguments.
fn drawing(
    name: &'static str,
    params: usize,
    draw: fn(&mut Screen, &[i32]),
) -> ImportDef<Wasm4State> {
    import(name, params, false, move |_, memory, args| {
        draw(&mut Screen::new(memory), args);
        Ok(None)
    })
}

/// `blit`/`blitSub` with the sheet and the rest of the arguments.
fn blit(
    memory: &mut [u8],
    sheet: Sheet,
    (x, y, width, height): (i32, i32, i32, i32),
    flags: i32,
) -> Result<Option<i32>, OutOfBounds> {
    let mut screen = Screen::new(memory);
    sprite::blit(&mut screen, &sheet, (x, y), (width, height), flags as u32)
        .map(|()| None)
        .map_err(|address| OutOfBounds { address, len: 1 })
}

/// Draws the character codes `chars` at (x, y).
fn text_at(memory: &mut [u8], chars: Vec<u32>, x: i32, y: i32) -> Result<Option<i32>, OutOfBounds> {
    text::draw(&mut Screen::new(memory), chars, x, y);
    Ok(None)
}

/// An argument that is an address or a length.
fn u(arg: i32) -> u32 {
    arg as u32
}

/// Every import the host provides.
pub fn imports() -> Vec<ImportDef<Wasm4State>> {
    vec![
        import("blit", 6, false, |_, m, a| {
            let sheet = Sheet {
                ptr: u(a[0]),
                src_x: 0,
                src_y: 0,
                stride: a[3],
                two_bits: a[5] & BLIT_2BPP as i32 != 0,
            };
            blit(m, sheet, (a[1], a[2], a[3], a[4]), a[5])
        }),
        import("blitSub", 9, false, |_, m, a| {
            let sheet = Sheet {
                ptr: u(a[0]),
                src_x: a[5],
                src_y: a[6],
                stride: a[7],
                two_bits: a[8] & BLIT_2BPP as i32 != 0,
            };
            blit(m, sheet, (a[1], a[2], a[3], a[4]), a[8])
        }),
        drawing("line", 4, |s, a| s.line(a[0], a[1], a[2], a[3])),
        drawing("hline", 3, |s, a| s.hline(a[0], a[1], a[2])),
        drawing("vline", 3, |s, a| s.vline(a[0], a[1], a[2])),
        drawing("oval", 4, |s, a| s.oval(a[0], a[1], a[2], a[3])),
        drawing("rect", 4, |s, a| s.rect(a[0], a[1], a[2], a[3])),
        import("text", 3, false, |_, m, a| {
            let chars = guest::c_string(m, u(a[0]))?
                .iter()
                .map(|&b| b as u32)
                .collect();
            text_at(m, chars, a[1], a[2])
        }),
        // As in WASM-4, each byte (UTF-8) or unit (UTF-16) is one character: no decoding.
        import("textUtf8", 4, false, |_, m, a| {
            let bytes = guest::bytes(m, u(a[0]), u(a[1]))?;
            text_at(m, bytes.iter().map(|&b| b as u32).collect(), a[2], a[3])
        }),
        import("textUtf16", 4, false, |_, m, a| {
            let units = guest::utf16_units(guest::bytes(m, u(a[0]), u(a[1]))?);
            text_at(m, units.map(u32::from).collect(), a[2], a[3])
        }),
        import("tone", 4, false, |state, _, a| {
            state.tones.push([u(a[0]), u(a[1]), u(a[2]), u(a[3])]);
            Ok(None)
        }),
        import("diskr", 2, true, |state, m, a| {
            let saved = state.disk.bytes();
            let len = saved.len().min(u(a[1]) as usize);
            guest::bytes(m, u(a[0]), len as u32)?;
            let start = u(a[0]) as usize;
            m[start..start + len].copy_from_slice(&saved[..len]);
            Ok(Some(len as i32))
        }),
        import("diskw", 2, true, |state, m, a| {
            let len = (u(a[1]) as usize).min(io::DISK_SIZE) as u32;
            Ok(Some(state.disk.write(guest::bytes(m, u(a[0]), len)?) as i32))
        }),
        import("trace", 1, false, |_, m, a| {
            io::trace(&String::from_utf8_lossy(guest::c_string(m, u(a[0]))?));
            Ok(None)
        }),
        import("traceUtf8", 2, false, |_, m, a| {
            io::trace(&String::from_utf8_lossy(guest::bytes(m, u(a[0]), u(a[1]))?));
            Ok(None)
        }),
        import("traceUtf16", 2, false, |_, m, a| {
            io::trace(&guest::utf16(guest::bytes(m, u(a[0]), u(a[1]))?));
            Ok(None)
        }),
        import("tracef", 2, false, |_, m, a| {
            io::trace(&io::format(m, u(a[0]), u(a[1]))?);
            Ok(None)
        }),
    ]
}
