//! The interpreter against native code: one scripted session of the rocket game (over a
//! minute of play with shooting, turning, boosting, kills and deaths) played natively
//! (the game crate linked as a Rust library) and through wasmcade running the committed
//! `games/rocket/program.wasm`. The two streams of draw calls must be identical,
//! argument for argument, bit for bit; and the import call counts the host reports for
//! its HUD must be each frame's calls, math functions included.

use rocket::Host;
use wasmcade::host::{Action, DrawCall, Game, RocketGame};
use wasmcade::interp::{Limits, Module};

const FRAMES: u64 = 4000;
const FIELD: (f64, f64) = (1024.0, 600.0);

/// The keys held during a frame: a fixed choreography that shoots, turns both ways and
/// boosts, with quiet stretches in which enemies reach the rocket.
fn held(frame: u64) -> [bool; 4] {
    let phase = frame % 900;
    let shoot = phase < 500 && frame % 97 < 80;
    let boost = (200..260).contains(&phase) || (700..760).contains(&phase);
    let left = (0..300).contains(&phase);
    let right = (400..520).contains(&phase);
    [shoot, boost, left, right]
}

/// Uneven frame times, like a real frame clock (and sometimes a long stall).
fn dt(frame: u64) -> f64 {
    let jitter = ((frame * 7919) % 13) as f64 * 0.0007;
    if frame % 500 == 499 {
        0.1
    } else {
        1.0 / 60.0 + jitter - 0.004
    }
}

/// The native game's host: records draw calls as the wasm host's bindings do, with the
/// same math functions, and counts the math calls (sin, cos, atan).
#[derive(Default)]
struct Recorder(Vec<DrawCall>, [u32; 3]);

impl Host for Recorder {
    fn clear_screen(&mut self) {
        self.0.push(DrawCall::Clear);
    }
    fn draw_player(&mut self, x: f64, y: f64, angle: f64) {
        self.0.push(DrawCall::Player { x, y, angle });
    }
    fn draw_enemy(&mut self, x: f64, y: f64) {
        self.0.push(DrawCall::Enemy { x, y });
    }
    fn draw_bullet(&mut self, x: f64, y: f64) {
        self.0.push(DrawCall::Bullet { x, y });
    }
    fn draw_particle(&mut self, x: f64, y: f64, radius: f64) {
        self.0.push(DrawCall::Particle { x, y, radius });
    }
    fn draw_score(&mut self, score: f64) {
        self.0.push(DrawCall::Score(score));
    }
    fn sin(&mut self, x: f64) -> f64 {
        self.1[0] += 1;
        x.sin()
    }
    fn cos(&mut self, x: f64) -> f64 {
        self.1[1] += 1;
        x.cos()
    }
    fn atan(&mut self, x: f64) -> f64 {
        self.1[2] += 1;
        x.atan()
    }
}

/// One frame of a session: its draw calls, and how often each import was called (by
/// the host's names) during its update and draw.
struct Frame {
    calls: Vec<DrawCall>,
    import_calls: Vec<(&'static str, u32)>,
}

/// Every frame, played natively.
fn native_session() -> Vec<Frame> {
    let mut game = rocket::Game::new(FIELD.0, FIELD.1);
    let mut host = Recorder::default();
    let mut keys = [false; 4];
    (0..FRAMES)
        .map(|frame| {
            let now = held(frame);
            for (i, action) in Action::ALL.iter().enumerate() {
                if now[i] != keys[i] {
                    match action {
                        Action::Shoot => game.toggle_shoot(now[i]),
                        Action::Boost => game.toggle_boost(now[i]),
                        Action::TurnLeft => game.toggle_turn_left(now[i]),
                        Action::TurnRight => game.toggle_turn_right(now[i]),
                    }
                }
            }
            keys = now;
            host.1 = [0; 3];
            game.update(dt(frame), &mut host);
            host.0.clear();
            game.draw(&mut host);
            let mut import_calls = vec![("clear_screen", 0), ("draw_player", 0)];
            import_calls.extend([("draw_enemy", 0), ("draw_bullet", 0)]);
            import_calls.extend([("draw_particle", 0), ("draw_score", 0)]);
            for call in &host.0 {
                let index = match call {
                    DrawCall::Clear => 0,
                    DrawCall::Player { .. } => 1,
                    DrawCall::Enemy { .. } => 2,
                    DrawCall::Bullet { .. } => 3,
                    DrawCall::Particle { .. } => 4,
                    DrawCall::Score(_) => 5,
                    other => panic!("not a rocket draw call: {other:?}"),
                };
                import_calls[index].1 += 1;
            }
            let [sin, cos, atan] = host.1;
            import_calls.extend([("sin", sin), ("cos", cos), ("Math_atan", atan)]);
            Frame {
                calls: host.0.clone(),
                import_calls,
            }
        })
        .collect()
}

/// Every frame, played by the interpreter on the committed module.
fn interpreted_session() -> Vec<Frame> {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/games/rocket/program.wasm"
    ))
    .unwrap();
    let module = Module::new(&bytes).unwrap();
    let mut game = RocketGame::instantiate(&module, Limits::default()).unwrap();
    game.resize(FIELD.0, FIELD.1).unwrap();
    let mut keys = [false; 4];
    (0..FRAMES)
        .map(|frame| {
            let now = held(frame);
            for (i, action) in Action::ALL.into_iter().enumerate() {
                if now[i] != keys[i] {
                    game.toggle(action, now[i]).unwrap();
                }
            }
            keys = now;
            game.update(dt(frame)).unwrap();
            let calls = game.draw().unwrap().to_vec();
            Frame {
                calls,
                import_calls: game.take_import_calls(),
            }
        })
        .collect()
}

#[test]
fn the_interpreter_draws_exactly_what_native_code_draws() {
    let native = native_session();
    let interpreted = interpreted_session();

    // The session is worth comparing: it kills, and it dies.
    let scores: Vec<f64> = native
        .iter()
        .filter_map(|frame| match frame.calls.last() {
            Some(DrawCall::Score(score)) => Some(*score),
            _ => None,
        })
        .collect();
    let kills = scores.windows(2).filter(|w| w[1] > w[0]).count();
    let deaths = scores
        .windows(2)
        .filter(|w| w[1] == 0.0 && w[0] > 0.0)
        .count();
    assert!(kills >= 10, "only {kills} kills");
    assert!(deaths >= 1, "no death in the session");
    let total: usize = native.iter().map(|frame| frame.calls.len()).sum();

    for (frame, (want, got)) in native.iter().zip(&interpreted).enumerate() {
        let (want, got) = (&want.calls, &got.calls);
        let first_difference = want
            .iter()
            .zip(got)
            .position(|(a, b)| !a.bit_eq(b))
            .or((want.len() != got.len()).then(|| want.len().min(got.len())));
        if let Some(call) = first_difference {
            panic!(
                "frame {frame}, draw call {call} differs:\n  native:      {:?}\n  interpreted: {:?}\n  ({} vs {} calls in this frame)",
                want.get(call),
                got.get(call),
                want.len(),
                got.len()
            );
        }
    }
    assert_eq!(native.len(), interpreted.len());
    println!("{FRAMES} frames, {total} draw calls identical; {kills} kills, {deaths} deaths");
    for (frame, (want, got)) in native.iter().zip(&interpreted).enumerate() {
        assert_eq!(want.import_calls, got.import_calls, "frame {frame}");
    }
}
