//! The HUD (F1): frames per second, the frame's time split into update, draw and render,
//! fuel (wasm instructions and host work) and host calls per frame, memory, how many
//! functions have been translated, the speed, and a graph of the last frame times.

use std::collections::VecDeque;
use std::time::Duration;

use macroquad::prelude::{
    draw_line, draw_rectangle, draw_text, screen_height, Color, GREEN, WHITE, YELLOW,
};

use super::session::FrameStats;

/// Frames the graph shows.
const HISTORY: usize = 240;
const PANEL: Color = Color::new(0.0, 0.0, 0.0, 0.7);
const FONT_SIZE: f32 = 18.0;
const LINE_HEIGHT: f32 = 20.0;
/// Graph height for 33 ms (two 60 Hz frames).
const GRAPH_HEIGHT: f32 = 66.0;

/// What the HUD shows this frame, besides the session's [`FrameStats`].
pub struct HudInfo<'a> {
    pub fps: i32,
    pub stats: &'a FrameStats,
    pub render: Duration,
    pub memory_pages: u64,
    /// Functions translated so far (at their first call), and functions defined.
    pub translated_funcs: (usize, usize),
    pub time_scale: f64,
    pub paused: bool,
}

/// The frame-time history behind the graph.
#[derive(Default)]
pub struct Hud {
    frame_times: VecDeque<f32>,
}

impl Hud {
    /// Adds one frame's whole duration (seconds) to the graph.
    pub fn record(&mut self, frame_time: f32) {
        if self.frame_times.len() == HISTORY {
            self.frame_times.pop_front();
        }
        self.frame_times.push_back(frame_time);
    }

    /// Draws the HUD in the bottom left corner (the game's score is top left).
    pub fn draw(&self, info: &HudInfo<'_>) {
        let lines = hud_lines(info);
        let width = 420.0;
        let text_height = lines.len() as f32 * LINE_HEIGHT + 8.0;
        let height = text_height + GRAPH_HEIGHT + 12.0;
        let top = (screen_height() - height).max(0.0);
        draw_rectangle(0.0, top, width, height, PANEL);
        for (i, line) in lines.iter().enumerate() {
            let color = if i == 0 { YELLOW } else { WHITE };
            draw_text(
                line,
                8.0,
                top + LINE_HEIGHT * (i as f32 + 1.0),
                FONT_SIZE,
                color,
            );
        }
        let bottom = top + text_height + GRAPH_HEIGHT + 4.0;
        let budget = bottom - GRAPH_HEIGHT / 2.0; // the 16.7 ms line
        draw_line(8.0, budget, 8.0 + HISTORY as f32, budget, 1.0, GREEN);
        for (x, seconds) in self.frame_times.iter().enumerate() {
            let height = (seconds * 1000.0 * GRAPH_HEIGHT / 33.3).min(GRAPH_HEIGHT);
            let color = if *seconds > 1.0 / 55.0 { YELLOW } else { WHITE };
            draw_rectangle(8.0 + x as f32, bottom - height, 1.0, height, color);
        }
    }
}

/// The HUD's text lines.
pub fn hud_lines(info: &HudInfo<'_>) -> Vec<String> {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let state = if info.paused { "  PAUSED" } else { "" };
    let mut lines = vec![
        format!("{} fps   speed {}x{state}", info.fps, info.time_scale),
        format!(
            "update {:.2} ms  draw {:.2} ms  render {:.2} ms",
            ms(info.stats.update),
            ms(info.stats.draw),
            ms(info.render)
        ),
        format!(
            "{} fuel per frame (instructions and host work)",
            group_digits(info.stats.instructions)
        ),
        format!(
            "memory {} pages ({} KiB)",
            info.memory_pages,
            info.memory_pages * 64
        ),
        format!(
            "{} of {} functions translated",
            info.translated_funcs.0, info.translated_funcs.1
        ),
    ];
    let mut calls: Vec<&(&str, u32)> = info
        .stats
        .import_calls
        .iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    calls.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let calls: Vec<String> = calls
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    lines.push("host calls per frame:".to_string());
    lines.extend(
        calls
            .chunks(3)
            .map(|chunk| format!("  {}", chunk.join(", "))),
    );
    lines
}

/// `1234567` → `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hud_names_every_measure() {
        let stats = FrameStats {
            update: Duration::from_micros(120),
            draw: Duration::from_micros(50),
            instructions: 1_234_567,
            import_calls: vec![("sin", 2), ("draw_enemy", 7), ("cos", 0)],
        };
        let lines = hud_lines(&HudInfo {
            fps: 60,
            stats: &stats,
            render: Duration::from_micros(1500),
            memory_pages: 17,
            translated_funcs: (32, 145),
            time_scale: 0.5,
            paused: true,
        });
        assert_eq!(lines[0], "60 fps   speed 0.5x  PAUSED");
        assert_eq!(lines[1], "update 0.12 ms  draw 0.05 ms  render 1.50 ms");
        assert_eq!(
            lines[2],
            "1,234,567 fuel per frame (instructions and host work)"
        );
        assert_eq!(lines[3], "memory 17 pages (1088 KiB)");
        assert_eq!(lines[4], "32 of 145 functions translated");
        assert_eq!(lines[6], "  draw_enemy 7, sin 2");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
    }
}
