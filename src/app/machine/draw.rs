//! The machine view on screen: the game field shrunk into the top left, the call stack,
//! the blocks and the memory under it, the listing in the middle with the next
//! instruction on a bright bar, the operand stack and the locals on the right. Text is
//! sized from the window's height, large enough to read from the back of a room.

use macroquad::prelude::{
    draw_circle, draw_rectangle, draw_rectangle_lines, draw_text, measure_text, screen_height,
    screen_width, Color, Vec2, WHITE,
};

use super::model::{Panels, Shape};
use crate::app::overlay::TITLE;
use crate::app::render::{self, Painter, WindowPainter};
use crate::app::theme::Theme;
use crate::host::DrawCall;

const BACKGROUND: Color = Color::new(0.06, 0.07, 0.1, 1.0);
const PANEL: Color = Color::new(0.11, 0.12, 0.17, 1.0);
/// The next instruction's bar: bright, with dark text on it.
pub const HIGHLIGHT: Color = Color::new(1.0, 0.82, 0.2, 1.0);
const ON_HIGHLIGHT: Color = Color::new(0.05, 0.05, 0.05, 1.0);
const CURSOR: Color = Color::new(0.35, 0.55, 1.0, 1.0);
const BREAKPOINT: Color = Color::new(1.0, 0.25, 0.25, 1.0);
const DIM: Color = Color::new(0.65, 0.68, 0.75, 1.0);

/// Where everything goes for a window of this size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub font: f32,
    pub line: f32,
    /// A character's width (the font is monospaced).
    pub char: f32,
    /// Left column: the field, then frames, blocks and memory.
    pub left: f32,
    /// The field's height in the left column.
    pub field_height: f32,
    /// Middle column (the listing) from `left` to `right`; the right column after it.
    pub right: f32,
}

impl Layout {
    pub fn for_window(field: (f64, f64)) -> Layout {
        let (width, height) = (screen_width(), screen_height());
        let font = (height / 30.0).clamp(14.0, 40.0).round();
        let char = measure_text("M", None, font as u16, 1.0).width.max(1.0);
        let left = (width * 0.34).round();
        let aspect = (field.1 / field.0) as f32;
        Layout {
            font,
            line: (font * 1.25).round(),
            char,
            left,
            field_height: (left * aspect).min(height * 0.45).round(),
            right: (width * 0.72).round(),
        }
    }

    /// The listing's rows, and the memory rows' shape.
    pub fn shape(&self, cursor: Option<usize>) -> Shape {
        let rows = ((screen_height() - 3.0 * self.line) / self.line).max(1.0) as usize;
        // A memory row: 9 characters of address, then 3 and 1 a byte.
        let columns = ((self.left - self.line) / self.char) as usize;
        let bytes_per_row = match columns.saturating_sub(9) / 4 {
            16.. => 16,
            8.. => 8,
            _ => 4,
        };
        Shape {
            cursor,
            rows,
            bytes_per_row,
            memory_rows: 6,
        }
    }
}

/// Draws a display list over the part of the window `width` × `height` at its top left.
struct Part(f32, f32);

impl Painter for Part {
    fn size(&self) -> (f32, f32) {
        (self.0, self.1)
    }
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        WindowPainter.rect(x, y, w, h, color)
    }
    fn rect_lines(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: Color) {
        WindowPainter.rect_lines(x, y, w, h, thickness, color)
    }
    fn triangle(&mut self, a: Vec2, b: Vec2, c: Vec2, color: Color) {
        WindowPainter.triangle(a, b, c, color)
    }
    fn circle(&mut self, x: f32, y: f32, r: f32, color: Color) {
        WindowPainter.circle(x, y, r, color)
    }
    fn circle_lines(&mut self, x: f32, y: f32, r: f32, thickness: f32, color: Color) {
        WindowPainter.circle_lines(x, y, r, thickness, color)
    }
    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, color: Color) {
        WindowPainter.line(x1, y1, x2, y2, thickness, color)
    }
    fn text(&mut self, text: &str, corner: Vec2, size: u16, color: Color) {
        WindowPainter.text(text, corner, size, color)
    }
    fn indexed_image(
        &mut self,
        size: (u16, u16),
        palette: &[u32; 4],
        pixels: &[u8],
        dest: (f32, f32, f32, f32),
    ) {
        WindowPainter.indexed_image(size, palette, pixels, dest)
    }
}

/// What the view shows besides the panels.
pub struct Scene<'a> {
    pub calls: &'a [DrawCall],
    pub theme: &'a Theme,
    pub field: (f64, f64),
    /// `None` between frames: the message shown instead.
    pub panels: Option<&'a Panels>,
    pub message: &'a str,
    /// The breakpoints, and a breakpoint being typed.
    pub breakpoints: &'a [String],
    pub typing: Option<&'a str>,
    /// The key line at the bottom.
    pub hint: &'a str,
}

/// Draws the whole view.
pub fn draw(scene: &Scene<'_>, layout: &Layout) {
    let (width, height) = (screen_width(), screen_height());
    draw_rectangle(0.0, 0.0, width, height, BACKGROUND);
    render::draw_frame(
        &mut Part(layout.left, layout.field_height),
        scene.calls,
        scene.theme,
        scene.field,
    );
    draw_rectangle_lines(0.0, 0.0, layout.left, layout.field_height, 2.0, DIM);
    let text = |line: &str, x: f32, y: f32, columns: f32, color: Color| {
        let shown: String = line.chars().take(columns.max(0.0) as usize).collect();
        draw_text(&shown, x, y + layout.font * 0.8, layout.font, color);
    };
    let pad = (layout.font * 0.4).round();
    let bottom = height - layout.line;
    // The key line.
    draw_rectangle(0.0, bottom, width, layout.line, PANEL);
    text(
        scene.hint,
        pad,
        bottom + layout.line * 0.1,
        width / layout.char,
        DIM,
    );

    // Middle: the title and the listing.
    let (mx, mw) = (layout.left + pad, layout.right - layout.left - 2.0 * pad);
    let columns = mw / layout.char;
    let Some(panels) = scene.panels else {
        text(scene.message, mx, pad, columns, TITLE);
        draw_breakpoints(scene, layout, layout.right + pad, pad);
        return;
    };
    text(&panels.title, mx, pad, (width - mx) / layout.char, TITLE);
    let top = pad + layout.line * 1.5;
    for (row, line) in panels.listing.iter().enumerate() {
        let y = top + row as f32 * layout.line;
        if y + layout.line > bottom {
            break;
        }
        let mut color = WHITE;
        if line.current {
            draw_rectangle(
                layout.left,
                y,
                layout.right - layout.left,
                layout.line,
                HIGHLIGHT,
            );
            color = ON_HIGHLIGHT;
        } else if line.cursor {
            draw_rectangle_lines(
                layout.left,
                y,
                layout.right - layout.left,
                layout.line,
                3.0,
                CURSOR,
            );
        }
        if line.breakpoint {
            let r = layout.line * 0.22;
            draw_circle(layout.left + r + 2.0, y + layout.line / 2.0, r, BREAKPOINT);
        }
        text(
            &line.text,
            mx + pad,
            y + layout.line * 0.1,
            columns - 1.0,
            color,
        );
    }

    // Left, under the field: frames, blocks, memory.
    let lx = pad;
    let lcolumns = (layout.left - 2.0 * pad) / layout.char;
    let mut y = layout.field_height + pad;
    let section = |title: &str, lines: &[String], limit: usize, y: &mut f32| {
        text(title, lx, *y, lcolumns, TITLE);
        *y += layout.line;
        for line in lines.iter().take(limit) {
            if *y + layout.line > bottom {
                return;
            }
            text(line, lx, *y, lcolumns, WHITE);
            *y += layout.line;
        }
        *y += pad;
    };
    section("call stack", &panels.frames, 4, &mut y);
    section("blocks", &panels.blocks, 3, &mut y);
    if let Some((title, rows)) = panels.memory.split_first() {
        let top = y + layout.line;
        section(title, rows, rows.len(), &mut y);
        // A box around the byte last touched: 9 characters of address, 3 a byte.
        if let Some((row, byte)) = panels.memory_mark {
            let x = lx + (9 + 3 * byte) as f32 * layout.char - 2.0;
            let row_y = top + row as f32 * layout.line;
            if row_y + layout.line <= bottom {
                draw_rectangle_lines(
                    x,
                    row_y,
                    2.0 * layout.char + 4.0,
                    layout.line,
                    2.0,
                    HIGHLIGHT,
                );
            }
        }
    }

    // Right: the operand stack and the locals.
    let rx = layout.right + pad;
    let rcolumns = (width - rx - pad) / layout.char;
    let mut y = pad + layout.line * 1.5;
    let section = |title: &str, lines: &[String], limit: usize, y: &mut f32| {
        text(title, rx, *y, rcolumns, TITLE);
        *y += layout.line;
        if lines.is_empty() {
            text("(empty)", rx, *y, rcolumns, DIM);
            *y += layout.line;
        }
        for line in lines.iter().take(limit) {
            if *y + layout.line > bottom {
                return;
            }
            text(line, rx, *y, rcolumns, WHITE);
            *y += layout.line;
        }
        *y += pad;
    };
    section("stack (top first)", &panels.stack, 8, &mut y);
    section("locals", &panels.locals, 12, &mut y);
    draw_breakpoints(scene, layout, rx, y);
}

/// The breakpoints (and one being typed) at (`x`, `y`).
fn draw_breakpoints(scene: &Scene<'_>, layout: &Layout, x: f32, y: f32) {
    let columns = ((screen_width() - x) / layout.char) as usize;
    let mut lines: Vec<String> = Vec::new();
    if !scene.breakpoints.is_empty() {
        lines.push(format!("breakpoints: {}", scene.breakpoints.join(", ")));
    }
    if let Some(typed) = scene.typing {
        lines.push(format!("break at: {typed}_"));
    }
    for (n, line) in lines.iter().enumerate() {
        let shown: String = line.chars().take(columns).collect();
        let baseline = y + n as f32 * layout.line + layout.font * 0.8;
        draw_text(&shown, x, baseline, layout.font, BREAKPOINT);
    }
}
