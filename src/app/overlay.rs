//! Text panels over the game: the error overlay (the trap, its wasm backtrace, the keys
//! that recover), the help overlay (every key), and the module panel (imports and
//! exports of the running game).

use macroquad::prelude::{
    draw_rectangle, draw_text, measure_text, screen_height, screen_width, Color, WHITE,
};

use super::controls::{Command, CONTROLS, VIEW_KEYS};
use super::gamepad::PAD_MAP;
use super::hud::group_digits;
use super::keys::KEYS;
use crate::host::rocket::ACTION_KEYS;
use crate::host::{Action, GameError};
use crate::interp::{backtrace_lines, Module};

const PANEL: Color = Color::new(0.0, 0.0, 0.0, 0.8);
pub const TITLE: Color = Color::new(1.0, 0.35, 0.3, 1.0);
const HINT: Color = Color::new(0.7, 0.7, 0.7, 1.0);
const FONT_SIZE: f32 = 20.0;
const LINE_HEIGHT: f32 = 24.0;
const MARGIN: f32 = 24.0;

/// Where a panel sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Full width, centred vertically.
    Centre,
    /// Sized to its text, in the top right corner.
    TopRight,
}

/// Draws `lines` in a translucent box: the first line as a title, the last as a hint;
/// smaller when they would not fit the window's height.
pub fn draw_panel(lines: &[String], place: Place) {
    let needed = lines.len() as f32 * LINE_HEIGHT + MARGIN;
    let fit = (screen_height() / needed).min(1.0);
    let (font_size, line_height) = (FONT_SIZE * fit, LINE_HEIGHT * fit);
    let width = match place {
        Place::Centre => screen_width(),
        Place::TopRight => {
            let widest = lines
                .iter()
                .map(|line| measure_text(line, None, font_size as u16, 1.0).width)
                .fold(0.0, f32::max);
            (widest + 2.0 * MARGIN).min(screen_width())
        }
    };
    let height = (lines.len() as f32 * line_height + MARGIN).min(screen_height());
    let (left, top) = match place {
        Place::Centre => (0.0, ((screen_height() - height) / 2.0).max(0.0)),
        Place::TopRight => (screen_width() - width, 0.0),
    };
    draw_rectangle(left, top, width, height, PANEL);
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        let color = match i {
            0 => TITLE,
            i if i == last => HINT,
            _ => WHITE,
        };
        let baseline = top + MARGIN + i as f32 * line_height;
        draw_text(line, left + MARGIN, baseline, font_size, color);
    }
}

/// While a game's update runs over several frames: the fuel it has spent, in millions,
/// and the budget at which it is stopped as hung.
pub fn busy_line(spent: u64, budget: Option<u64>) -> String {
    let millions = |units: u64| group_digits(units / 1_000_000);
    match budget {
        Some(budget) => format!(
            "update still running: {} M of {} M fuel",
            millions(spent),
            millions(budget)
        ),
        None => format!("update still running: {} M fuel", millions(spent)),
    }
}

/// Characters that fit a full-width panel.
pub fn panel_columns() -> usize {
    ((screen_width() - 2.0 * MARGIN) / (FONT_SIZE * 0.5)) as usize
}

/// The error overlay's text: message (wrapped to `columns`), backtrace, keys.
pub fn error_lines(error: &GameError, columns: usize) -> Vec<String> {
    let mut lines = vec!["The game stopped".to_string()];
    for line in error.to_string().lines() {
        lines.extend(wrap(line, columns.max(20)));
    }
    let backtrace = error.backtrace();
    if !backtrace.is_empty() {
        lines.push("wasm backtrace:".to_string());
        lines.extend(backtrace_lines(backtrace));
    }
    lines.push(String::new());
    lines.push("R: restart from a fresh instance    Esc: quit".to_string());
    lines
}

/// The help overlay's text: the game's keys, then the host's.
pub fn help_lines() -> Vec<String> {
    let mut lines = vec!["Keys".to_string()];
    for action in Action::ALL {
        let keys: Vec<&str> = ACTION_KEYS
            .iter()
            .filter(|(_, a)| *a == action)
            .filter_map(|(code, _)| KEYS.iter().find(|key| key.key_code == *code))
            .map(|key| key.name)
            .collect();
        lines.push(format!(
            "{:<16}{} (rocket)",
            keys.join(" or "),
            action.help()
        ));
    }
    lines.push(format!(
        "{:<16}canvas games get every game key",
        "letters, digits"
    ));
    for control in &CONTROLS {
        let mut help = control.help.to_string();
        if control.command == Command::MachineView {
            // Its own keys, on the same line: the help fills the window already.
            help = view_keys_line();
        }
        lines.push(format!("{:<16}{help}", control.label));
    }
    lines.push(
        "WASM-4 players 2, 3: E S D F, A or Q = X, Tab or Shift = Z; numpad 8 4 5 6, * or . = X, - = Z"
            .to_string(),
    );
    lines.push("Controllers 1-4: button = rocket/canvas key, WASM-4 button".to_string());
    for pair in PAD_MAP.chunks(2) {
        let cells: Vec<String> = pair
            .iter()
            .map(|m| format!("{} = {}, {}", m.label, m.key_help(), m.wasm4_help()))
            .map(|cell| format!("{cell:<48}"))
            .collect();
        lines.push(format!("  {}", cells.concat().trim_end()));
    }
    lines.push("H or ?: close".to_string());
    lines
}

/// The machine view's keys in one line: `machine view: S step, O over, ...`.
fn view_keys_line() -> String {
    let mut keys: Vec<String> = Vec::new();
    for key in &VIEW_KEYS {
        match keys.last_mut() {
            // Keys with the same word share it: `Up/Down listing`.
            Some(last) if last.ends_with(&format!(" {}", key.word)) => {
                let label = last.trim_end_matches(&format!(" {}", key.word)).to_string();
                *last = format!("{label}/{} {}", key.label, key.word);
            }
            _ => keys.push(format!("{} {}", key.label, key.word)),
        }
    }
    format!("machine view: {}", keys.join(", "))
}

/// The module panel's text: what the running game imports and exports.
pub fn module_lines(name: &str, module: &Module) -> Vec<String> {
    let mut lines = vec![format!("Module: {name}")];
    lines.push(format!(
        "{} functions ({} imported), {} bytes of code",
        module.func_count(),
        module.imported_func_count(),
        module.code_size()
    ));
    lines.push("imports:".to_string());
    for import in module.imports() {
        lines.push(format!("  {}.{} {}", import.module, import.name, import.ty));
    }
    lines.push("exports:".to_string());
    for export in module.exports() {
        lines.push(format!("  {} {}", export.name, export.ty));
    }
    lines.push("F2: close".to_string());
    lines
}

/// Splits a line into pieces of at most `columns` characters, at spaces where possible.
fn wrap(line: &str, columns: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > columns {
            pieces.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        while current.chars().count() > columns {
            let split = current
                .char_indices()
                .nth(columns)
                .map_or(current.len(), |(i, _)| i);
            pieces.push(current[..split].to_string());
            current = current[split..].to_string();
        }
    }
    pieces.push(current);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn a_running_update_says_how_far_it_got_in_millions() {
        assert_eq!(
            busy_line(134_567_890, Some(2_000_000_000)),
            "update still running: 134 M of 2,000 M fuel"
        );
        assert_eq!(busy_line(5_000_000, None), "update still running: 5 M fuel");
    }

    #[test]
    fn help_lists_every_game_key_and_every_control() {
        let help = help_lines().join("\n");
        for name in ["space", "up or w", "left or a", "right or d"] {
            assert!(help.contains(name), "{name} missing");
        }
        for control in &CONTROLS {
            assert!(help.contains(control.label), "{} missing", control.label);
        }
        for mapping in &PAD_MAP {
            assert!(help.contains(mapping.label), "{} missing", mapping.label);
        }
    }
}
