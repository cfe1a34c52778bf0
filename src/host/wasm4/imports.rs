//! The table of WASM-4's imports from `env`, the one list of them: each entry's
//! parameters (and what a missing one means), its result, whether importing it marks a
//! module as a cart, and its body, which reads the cart's memory as WASM-4's JavaScript
//! host does, draws, logs or saves, and counts its work (charged to the cart's fuel by
//! [`link`](super::link)).

use super::framebuffer::Screen;
use super::guest::{self, BadRead};
use super::io::{self, Disk};
use super::sprite::{self, Sheet, BLIT_2BPP};
use super::text;

/// The bindings' own state.
pub struct Wasm4State {
    pub disk: Disk,
    /// `tone` calls since the last frame was shown: (frequency, duration, volume, flags).
    pub tones: Vec<[u32; 4]>,
}

/// What an import's body works with.
pub struct Cart<'a> {
    pub state: &'a mut Wasm4State,
    pub memory: &'a mut [u8],
    /// Units of work done: pixels visited, bytes read or copied.
    pub work: u64,
}

impl Cart<'_> {
    /// Runs `draw` on the screen, counting its pixels.
    fn draw(&mut self, draw: impl FnOnce(&mut Screen)) -> Result<Option<i32>, BadRead> {
        let mut screen = Screen::new(self.memory);
        draw(&mut screen);
        self.work += screen.work;
        Ok(None)
    }

    /// Draws the character codes `chars` at (x, y) (each counted as read).
    fn text(&mut self, chars: Vec<u32>, x: i32, y: i32) -> Result<Option<i32>, BadRead> {
        self.draw(|screen| text::draw(screen, chars, x, y))
    }

    /// `blit`/`blitSub` of the sheet at `ptr`: a view of memory from there, as in WASM-4.
    fn blit(
        &mut self,
        ptr: i32,
        sheet: Sheet,
        at: (i32, i32),
        size: (i32, i32),
        flags: i32,
    ) -> Result<Option<i32>, BadRead> {
        guest::tail(self.memory, ptr)?;
        self.draw(|screen| sprite::blit(screen, ptr as usize, &sheet, at, size, flags as u32))
    }
}

/// Logs `text`, counting the `len` bytes read; gives no value.
fn trace(work: &mut u64, text: &str, len: usize) -> Option<i32> {
    *work += len as u64;
    io::trace(text);
    None
}

/// How WASM-4's JavaScript host treats an argument that the cart's declaration of the
/// import leaves out: it arrives as `undefined`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// WASM-4's code turns it into 0 (an address, flags, some lengths).
    Zero,
    /// WASM-4 computes with NaN and (in nearly every case) draws nothing: the call does
    /// nothing.
    Nothing,
    /// A length: the view runs from the address (argument 0) to the end of memory.
    ToEnd,
}

use Missing::{Nothing, ToEnd, Zero};

/// A body: the arguments (as many as the entry has parameters), the result if any.
type Body = fn(&mut Cart<'_>, &[i32]) -> Result<Option<i32>, BadRead>;

/// One of WASM-4's imports.
pub struct Import {
    pub name: &'static str,
    /// Its parameters (all i32), by what a missing one means.
    pub params: &'static [Missing],
    /// Whether it returns an i32.
    pub returns: bool,
    /// Whether importing it makes a module a cart (`line` and `text` are names other
    /// contracts might use too).
    pub names_a_cart: bool,
    pub body: Body,
}

/// The most parameters an import has (`blitSub`'s).
pub const MAX_PARAMS: usize = 9;

/// Every import WASM-4 provides.
pub const IMPORTS: [Import; 17] = [
    Import {
        name: "blit",
        params: &[Zero, Nothing, Nothing, Nothing, Nothing, Zero],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            let sheet = Sheet {
                src_x: 0,
                src_y: 0,
                stride: a[3],
                two_bits: a[5] & BLIT_2BPP as i32 != 0,
            };
            cart.blit(a[0], sheet, (a[1], a[2]), (a[3], a[4]), a[5])
        },
    },
    Import {
        name: "blitSub",
        params: &[
            Zero, Nothing, Nothing, Nothing, Nothing, Nothing, Nothing, Nothing, Zero,
        ],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            let sheet = Sheet {
                src_x: a[5],
                src_y: a[6],
                stride: a[7],
                two_bits: a[8] & BLIT_2BPP as i32 != 0,
            };
            cart.blit(a[0], sheet, (a[1], a[2]), (a[3], a[4]), a[8])
        },
    },
    Import {
        name: "line",
        params: &[Nothing; 4],
        returns: false,
        names_a_cart: false,
        body: |cart, a| cart.draw(|s| s.line(a[0], a[1], a[2], a[3])),
    },
    Import {
        name: "hline",
        params: &[Nothing; 3],
        returns: false,
        names_a_cart: true,
        body: |cart, a| cart.draw(|s| s.hline(a[0], a[1], a[2])),
    },
    Import {
        name: "vline",
        params: &[Nothing; 3],
        returns: false,
        names_a_cart: true,
        body: |cart, a| cart.draw(|s| s.vline(a[0], a[1], a[2])),
    },
    Import {
        name: "oval",
        params: &[Nothing; 4],
        returns: false,
        names_a_cart: true,
        body: |cart, a| cart.draw(|s| s.oval(a[0], a[1], a[2], a[3])),
    },
    Import {
        name: "rect",
        params: &[Nothing; 4],
        returns: false,
        names_a_cart: true,
        body: |cart, a| cart.draw(|s| s.rect(a[0], a[1], a[2], a[3])),
    },
    Import {
        name: "text",
        params: &[Zero, Nothing, Nothing],
        returns: false,
        names_a_cart: false,
        body: |cart, a| {
            let chars = guest::tail(cart.memory, a[0])?
                .iter()
                .take_while(|&&b| b != 0)
                .map(|&b| b as u32)
                .collect();
            cart.text(chars, a[1], a[2])
        },
    },
    // Each byte (UTF-8) or unit (UTF-16) is one character, as in WASM-4: no decoding.
    Import {
        name: "textUtf8",
        params: &[Zero, ToEnd, Nothing, Nothing],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            let chars = guest::bytes(cart.memory, a[0], a[1])?;
            let chars = chars.iter().map(|&b| b as u32).collect();
            cart.text(chars, a[2], a[3])
        },
    },
    Import {
        name: "textUtf16",
        params: &[Zero, Zero, Nothing, Nothing],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            let units = guest::utf16_units(cart.memory, a[0], a[1])?;
            cart.text(units.into_iter().map(u32::from).collect(), a[2], a[3])
        },
    },
    Import {
        name: "tone",
        params: &[Zero; 4],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            cart.work += 1;
            let [frequency, duration, volume, flags] = [a[0], a[1], a[2], a[3]].map(|v| v as u32);
            cart.state.tones.push([frequency, duration, volume, flags]);
            Ok(None)
        },
    },
    Import {
        name: "diskr",
        params: &[Zero; 2],
        returns: true,
        names_a_cart: true,
        body: |cart, a| {
            let saved = cart.state.disk.bytes();
            let len = a[1].min(saved.len() as i32);
            // The bytes read must fit where they go (a typed array's `set`).
            guest::bytes(cart.memory, a[0], len)?;
            let (start, len) = (a[0] as usize, len as usize);
            cart.memory[start..start + len].copy_from_slice(&saved[..len]);
            cart.work += len as u64;
            Ok(Some(len as i32))
        },
    },
    Import {
        name: "diskw",
        params: &[Zero; 2],
        returns: true,
        names_a_cart: true,
        body: |cart, a| {
            let len = a[1].min(io::DISK_SIZE as i32);
            let bytes = guest::bytes(cart.memory, a[0], len)?;
            cart.work += bytes.len() as u64;
            Ok(Some(cart.state.disk.write(bytes) as i32))
        },
    },
    Import {
        name: "trace",
        params: &[Zero],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            let text = guest::c_string(cart.memory, a[0])?;
            Ok(trace(
                &mut cart.work,
                &String::from_utf8_lossy(text),
                text.len(),
            ))
        },
    },
    Import {
        name: "traceUtf8",
        params: &[Zero, ToEnd],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            let text = guest::bytes(cart.memory, a[0], a[1])?;
            Ok(trace(
                &mut cart.work,
                &String::from_utf8_lossy(text),
                text.len(),
            ))
        },
    },
    Import {
        name: "traceUtf16",
        params: &[Zero, ToEnd],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            let text = guest::bytes(cart.memory, a[0], a[1])?;
            Ok(trace(&mut cart.work, &guest::utf16(text), text.len()))
        },
    },
    Import {
        name: "tracef",
        params: &[Zero; 2],
        returns: false,
        names_a_cart: true,
        body: |cart, a| {
            let text = io::format(cart.memory, a[0], a[1])?;
            Ok(trace(&mut cart.work, &text, text.len()))
        },
    },
];

/// The import named `name`, if WASM-4 has one.
pub fn by_name(name: &str) -> Option<&'static Import> {
    IMPORTS.iter().find(|import| import.name == name)
}
