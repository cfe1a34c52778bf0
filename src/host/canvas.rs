//! The canvas contract (`docs/canvas-abi.md`): clearing, rectangles, circles, lines,
//! polygons and text in the colour set by `set_color`, a seeded random number, logging
//! and math, bound to display-list draw calls; `init`, `update`, `draw`, `key_down` and
//! `key_up` called by the frame loop.

use std::rc::Rc;

use super::contract::ExpectedExport;
use super::display_list::{DrawCall, Rgba};
use super::game::{forward_to_instance, Game};
use super::instance::{
    f32_arg, f64_arg, i32_arg, record, Binding, GameError, GameInstance, HostState, ImportDef,
};
use super::state::{ContractState, GameState, StateError};
use super::work;
use crate::interp::{Caller, Func, FuncType, Limits, Module, Trap, ValType, Value};

/// The ABI's name in messages and `--abi`.
pub const ABI_NAME: &str = "canvas";
/// Most points one polygon may have.
pub const MAX_POLYGON_POINTS: usize = 10_000;
/// Most bytes one `text` or `log` call may pass.
pub const MAX_TEXT_BYTES: usize = 4_096;
/// Most `log` lines shown per frame; the rest of the frame's are counted, not shown.
pub const MAX_LOG_LINES_PER_FRAME: u32 = 100;
/// The colour before the first `set_color`: opaque white.
const INITIAL_COLOR: Rgba = 0xffff_ffff;
/// The random generator's seed unless `--seed` picks another.
pub const DEFAULT_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// The names only this contract imports (all but `sin` and `cos`, which the rocket
/// contract shares): a module importing one of them is a canvas game.
pub const DISTINCT_IMPORTS: [&str; 18] = [
    "clear",
    "set_color",
    "fill_rect",
    "stroke_rect",
    "fill_circle",
    "stroke_circle",
    "line",
    "fill_polygon",
    "stroke_polygon",
    "text",
    "random",
    "log",
    "tan",
    "atan",
    "exp",
    "ln",
    "atan2",
    "pow",
];

/// The bindings' own state.
pub struct CanvasState {
    color: Rgba,
    /// xorshift64* state.
    rng: u64,
    /// `log` calls since the frame began.
    log_lines: u32,
}

type Caller_<'a> = Caller<'a, HostState<CanvasState>>;

/// Records a shape in the current colour.
fn shape(
    caller: &mut Caller_<'_>,
    import: &str,
    make: impl FnOnce(Rgba) -> DrawCall,
) -> Result<(), Trap> {
    let call = make(caller.data().abi.color);
    record(caller, import, call)
}

/// `len` bytes at `ptr` in the caller's memory, or a trap naming the import.
fn memory_bytes<'a>(
    caller: &'a Caller_<'_>,
    import: &str,
    ptr: i32,
    len: usize,
) -> Result<&'a [u8], Trap> {
    let memory = caller.memory_data();
    let start = ptr as u32 as usize;
    start
        .checked_add(len)
        .filter(|&end| end <= memory.len())
        .map(|end| &memory[start..end])
        .ok_or_else(|| {
            Trap::host(format!(
                "{import}: {len} bytes at {start:#x} lie outside the game's memory ({} bytes)",
                memory.len()
            ))
        })
}

/// The UTF-8 text at (`ptr`, `len`), with replacement characters for invalid bytes;
/// charged a unit of work per byte.
fn text_arg(caller: &mut Caller_<'_>, import: &str, ptr: i32, len: i32) -> Result<String, Trap> {
    let len = len as u32 as usize;
    if len > MAX_TEXT_BYTES {
        return Err(Trap::host(format!(
            "{import}: {len} bytes of text (at most {MAX_TEXT_BYTES})"
        )));
    }
    let text = String::from_utf8_lossy(memory_bytes(caller, import, ptr, len)?).into_owned();
    work::charge(caller, len);
    Ok(text)
}

/// `count` points (two little-endian f32 each) at `ptr`; charged a unit of work per
/// point.
fn points_arg(
    caller: &mut Caller_<'_>,
    import: &str,
    ptr: i32,
    count: i32,
) -> Result<Vec<[f32; 2]>, Trap> {
    let count = count as u32 as usize;
    if count > MAX_POLYGON_POINTS {
        return Err(Trap::host(format!(
            "{import}: {count} points (at most {MAX_POLYGON_POINTS})"
        )));
    }
    let bytes = memory_bytes(caller, import, ptr, count * 8)?;
    let f = |b: &[u8]| f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let points = bytes
        .chunks_exact(8)
        .map(|p| [f(&p[..4]), f(&p[4..])])
        .collect();
    work::charge(caller, count);
    Ok(points)
}

/// `log`: the text goes to the host's log (at `info`), at most
/// [`MAX_LOG_LINES_PER_FRAME`] lines a frame.
fn log_text(caller: &mut Caller_<'_>, ptr: i32, len: i32) -> Result<(), Trap> {
    let text = text_arg(caller, "log", ptr, len)?;
    let lines = &mut caller.data_mut().abi.log_lines;
    *lines = lines.saturating_add(1);
    match *lines {
        n if n <= MAX_LOG_LINES_PER_FRAME => log::info!("game: {text}"),
        n if n == MAX_LOG_LINES_PER_FRAME + 1 => log::info!(
            "game: more than {MAX_LOG_LINES_PER_FRAME} log lines in one frame: the rest of this frame's are not shown"
        ),
        _ => {}
    }
    Ok(())
}

fn import(
    name: &'static str,
    params: &[ValType],
    results: &[ValType],
    bind: impl Fn(&mut Caller_<'_>, &[Value], &mut [Value]) -> Result<(), Trap> + 'static,
) -> ImportDef<CanvasState> {
    ImportDef {
        name,
        ty: FuncType::new(params.iter().copied(), results.iter().copied()),
        bind: Binding::Values(Rc::new(bind)),
    }
}

fn math(name: &'static str, function: fn(f64) -> f64) -> ImportDef<CanvasState> {
    import(name, &[F64], &[F64], move |_, args, results| {
        results[0] = Value::F64(function(f64_arg(args, 0)));
        Ok(())
    })
}

fn math2(name: &'static str, function: fn(f64, f64) -> f64) -> ImportDef<CanvasState> {
    import(name, &[F64, F64], &[F64], move |_, args, results| {
        results[0] = Value::F64(function(f64_arg(args, 0), f64_arg(args, 1)));
        Ok(())
    })
}

use ValType::{F32, F64, I32};

/// `fill_rect(x, y, w, h)`, or `stroke_rect` with a fifth argument, the line width.
fn rect(name: &'static str, stroked: bool) -> ImportDef<CanvasState> {
    let params = if stroked { 5 } else { 4 };
    import(name, &[F32; 5][..params], &[], move |c, a, _| {
        let f = f32_arg;
        let line = stroked.then(|| f(a, 4));
        shape(c, name, |color| DrawCall::Rect {
            x: f(a, 0),
            y: f(a, 1),
            w: f(a, 2),
            h: f(a, 3),
            color,
            line,
        })
    })
}

/// `fill_circle(x, y, radius)`, or `stroke_circle` with a fourth argument, the line width.
fn circle(name: &'static str, stroked: bool) -> ImportDef<CanvasState> {
    let params = if stroked { 4 } else { 3 };
    import(name, &[F32; 4][..params], &[], move |c, a, _| {
        let f = f32_arg;
        let line = stroked.then(|| f(a, 3));
        shape(c, name, |color| DrawCall::Circle {
            x: f(a, 0),
            y: f(a, 1),
            radius: f(a, 2),
            color,
            line,
        })
    })
}

/// Every import the host provides.
fn imports() -> Vec<ImportDef<CanvasState>> {
    let f = f32_arg;
    vec![
        import("clear", &[I32], &[], |c, a, _| {
            let color = i32_arg(a, 0) as u32;
            record(c, "clear", DrawCall::Fill { color })
        }),
        import("set_color", &[I32], &[], |c, a, _| {
            c.data_mut().abi.color = i32_arg(a, 0) as u32;
            Ok(())
        }),
        rect("fill_rect", false),
        rect("stroke_rect", true),
        circle("fill_circle", false),
        circle("stroke_circle", true),
        import("line", &[F32; 5], &[], move |c, a, _| {
            shape(c, "line", |color| DrawCall::Line {
                x1: f(a, 0),
                y1: f(a, 1),
                x2: f(a, 2),
                y2: f(a, 3),
                width: f(a, 4),
                color,
            })
        }),
        import("fill_polygon", &[I32, I32], &[], |c, a, _| {
            let points = points_arg(c, "fill_polygon", i32_arg(a, 0), i32_arg(a, 1))?;
            shape(c, "fill_polygon", |color| DrawCall::Polygon {
                points,
                color,
                line: None,
            })
        }),
        import("stroke_polygon", &[I32, I32, F32], &[], move |c, a, _| {
            let points = points_arg(c, "stroke_polygon", i32_arg(a, 0), i32_arg(a, 1))?;
            shape(c, "stroke_polygon", |color| DrawCall::Polygon {
                points,
                color,
                line: Some(f(a, 2)),
            })
        }),
        import("text", &[I32, I32, F32, F32, F32], &[], move |c, a, _| {
            let text = text_arg(c, "text", i32_arg(a, 0), i32_arg(a, 1))?;
            shape(c, "text", |color| DrawCall::Text {
                text,
                x: f(a, 2),
                y: f(a, 3),
                size: f(a, 4),
                color,
            })
        }),
        import("random", &[], &[F64], |c, _, results| {
            results[0] = Value::F64(next_random(&mut c.data_mut().abi.rng));
            Ok(())
        }),
        import("log", &[I32, I32], &[], |c, a, _| {
            log_text(c, i32_arg(a, 0), i32_arg(a, 1))
        }),
        math("sin", f64::sin),
        math("cos", f64::cos),
        math("tan", f64::tan),
        math("atan", f64::atan),
        math("exp", f64::exp),
        math("ln", f64::ln),
        math2("atan2", f64::atan2),
        math2("pow", f64::powf),
    ]
}

/// xorshift64*: uniform in [0, 1) from the top 53 bits.
fn next_random(state: &mut u64) -> f64 {
    let mut x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
}

fn expected_exports() -> Vec<ExpectedExport> {
    let ty = |params: &[ValType]| FuncType::new(params.iter().copied(), []);
    vec![
        ExpectedExport {
            name: "update",
            ty: ty(&[F32]),
            required: true,
        },
        ExpectedExport {
            name: "draw",
            ty: ty(&[]),
            required: true,
        },
        ExpectedExport {
            name: "init",
            ty: ty(&[F32, F32]),
            required: false,
        },
        ExpectedExport {
            name: "key_down",
            ty: ty(&[I32]),
            required: false,
        },
        ExpectedExport {
            name: "key_up",
            ty: ty(&[I32]),
            required: false,
        },
    ]
}

struct Exports {
    init: Option<Func>,
    update: Func,
    draw: Func,
    key_down: Option<Func>,
    key_up: Option<Func>,
}

/// A running instance of a canvas-contract game.
pub struct CanvasGame {
    inner: GameInstance<CanvasState>,
    exports: Exports,
}

impl CanvasGame {
    /// Checks the contract, links the imports and instantiates under `limits`; `seed`
    /// seeds `random`.
    pub fn instantiate(
        module: &Module,
        limits: Limits,
        seed: u64,
    ) -> Result<CanvasGame, GameError> {
        let state = CanvasState {
            color: INITIAL_COLOR,
            rng: seed.max(1),
            log_lines: 0,
        };
        let inner = GameInstance::instantiate(
            module,
            ABI_NAME,
            &imports(),
            None,
            &expected_exports(),
            limits,
            state,
        )?;
        let exports = Exports {
            init: inner.func("init"),
            update: inner.required_func("update"),
            draw: inner.required_func("draw"),
            key_down: inner.func("key_down"),
            key_up: inner.func("key_up"),
        };
        Ok(CanvasGame { inner, exports })
    }
}

impl Game for CanvasGame {
    fn abi(&self) -> &'static str {
        ABI_NAME
    }

    fn start(&mut self, width: f64, height: f64) -> Result<(), GameError> {
        match self.exports.init {
            Some(init) => self.inner.call(
                "init",
                init,
                &[Value::F32(width as f32), Value::F32(height as f32)],
            ),
            None => Ok(()),
        }
    }

    fn update(&mut self, dt: f64) -> Result<(), GameError> {
        self.inner.state_mut().log_lines = 0;
        self.inner
            .call("update", self.exports.update, &[Value::F32(dt as f32)])
    }

    fn draw(&mut self) -> Result<&[DrawCall], GameError> {
        self.inner.draw("draw", self.exports.draw)
    }

    fn key(&mut self, code: i32, down: bool) -> Result<(), GameError> {
        let (export, func) = if down {
            ("key_down", self.exports.key_down)
        } else {
            ("key_up", self.exports.key_up)
        };
        match func {
            Some(func) => self.inner.call(export, func, &[Value::I32(code)]),
            None => Ok(()),
        }
    }

    fn save_state(&self) -> Result<GameState, StateError> {
        let (instance, calls) = self.inner.save_state()?;
        let state = self.inner.state();
        let host = ContractState::Canvas {
            color: state.color,
            rng: state.rng,
        };
        Ok(GameState {
            instance,
            calls,
            host,
        })
    }

    fn load_state(&mut self, state: &GameState) -> Result<(), StateError> {
        let ContractState::Canvas { color, rng } = state.host else {
            return Err(StateError::other_contract(&state.host, ABI_NAME));
        };
        self.inner.load_state(&state.instance, &state.calls)?;
        *self.inner.state_mut() = CanvasState {
            color,
            rng,
            // Counted afresh each frame.
            log_lines: 0,
        };
        Ok(())
    }

    fn steppable(&self) -> bool {
        true
    }

    forward_to_instance!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_import_but_the_shared_math_is_distinct() {
        let rocket: Vec<&str> = ["sin", "cos"].to_vec();
        let mut names: Vec<&str> = imports().iter().map(|import| import.name).collect();
        names.retain(|name| !rocket.contains(name));
        assert_eq!(names, DISTINCT_IMPORTS);
    }

    #[test]
    fn random_numbers_are_seeded_and_in_range() {
        let (mut a, mut b) = (DEFAULT_SEED, DEFAULT_SEED);
        for _ in 0..1000 {
            let x = next_random(&mut a);
            assert_eq!(x.to_bits(), next_random(&mut b).to_bits());
            assert!((0.0..1.0).contains(&x));
        }
    }
}
