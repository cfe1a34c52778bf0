//! One test per rule of the original game, run natively with a recording host.

use super::*;

/// Records draw calls; math from std, as a host's would be.
#[derive(Default)]
struct Recorder {
    calls: Vec<(&'static str, Vec<f64>)>,
}

impl Recorder {
    fn named(&self, name: &str) -> Vec<&Vec<f64>> {
        self.calls
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, a)| a)
            .collect()
    }
}

impl Host for Recorder {
    fn clear_screen(&mut self) {
        self.calls.push(("clear_screen", vec![]));
    }
    fn draw_player(&mut self, x: f64, y: f64, angle: f64) {
        self.calls.push(("draw_player", vec![x, y, angle]));
    }
    fn draw_enemy(&mut self, x: f64, y: f64) {
        self.calls.push(("draw_enemy", vec![x, y]));
    }
    fn draw_bullet(&mut self, x: f64, y: f64) {
        self.calls.push(("draw_bullet", vec![x, y]));
    }
    fn draw_particle(&mut self, x: f64, y: f64, radius: f64) {
        self.calls.push(("draw_particle", vec![x, y, radius]));
    }
    fn draw_score(&mut self, score: f64) {
        self.calls.push(("draw_score", vec![score]));
    }
    fn sin(&mut self, x: f64) -> f64 {
        x.sin()
    }
    fn cos(&mut self, x: f64) -> f64 {
        x.cos()
    }
    fn atan(&mut self, x: f64) -> f64 {
        x.atan()
    }
}

const W: f64 = 1000.0;
const H: f64 = 600.0;
const EPS: f64 = 1e-9;

fn game() -> Game {
    Game::new(W, H)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn the_rocket_starts_in_the_middle_and_flies_forward_at_200() {
    let mut g = game();
    let mut host = Recorder::default();
    assert_eq!(g.rocket.position, Vector::new(W / 2.0, H / 2.0));
    g.update(0.5, &mut host);
    assert!(
        close(g.rocket.position.x, W / 2.0 + 100.0),
        "{:?}",
        g.rocket.position
    );
    assert!(close(g.rocket.position.y, H / 2.0));
}

#[test]
fn boosting_doubles_the_speed() {
    let mut g = game();
    g.toggle_boost(true);
    g.update(0.5, &mut Recorder::default());
    assert!(close(g.rocket.position.x, W / 2.0 + 200.0));
    g.toggle_boost(false);
    g.update(0.5, &mut Recorder::default());
    assert!(close(g.rocket.position.x, W / 2.0 + 300.0));
}

#[test]
fn turning_rotates_at_two_pi_per_second_both_ways() {
    let mut g = game();
    g.toggle_turn_right(true);
    g.update(0.25, &mut Recorder::default());
    assert!(close(g.rocket.angle, PI / 2.0));
    // Heading down (y grows) after a quarter turn clockwise.
    let before = g.rocket.position;
    g.toggle_turn_right(false);
    g.update(0.1, &mut Recorder::default());
    assert!(close(g.rocket.position.x, before.x) && close(g.rocket.position.y, before.y + 20.0));
    g.toggle_turn_left(true);
    g.update(0.5, &mut Recorder::default());
    assert!(close(g.rocket.angle, -PI / 2.0));
}

#[test]
fn the_rocket_wraps_at_every_edge() {
    let mut host = Recorder::default();
    for (angle, start, expected) in [
        (0.0, Vector::new(W - 1.0, 100.0), Vector::new(9.0, 100.0)),
        (PI, Vector::new(1.0, 100.0), Vector::new(W - 9.0, 100.0)),
        (
            PI / 2.0,
            Vector::new(100.0, H - 1.0),
            Vector::new(100.0, 9.0),
        ),
        (
            -PI / 2.0,
            Vector::new(100.0, 1.0),
            Vector::new(100.0, H - 9.0),
        ),
    ] {
        let mut g = game();
        g.rocket = Rocket {
            position: start,
            angle,
        };
        g.update(0.05, &mut host);
        let p = g.rocket.position;
        assert!(
            close(p.x, expected.x) && close(p.y, expected.y),
            "{angle}: {p:?}"
        );
    }
}

#[test]
fn shooting_fires_100_bullets_a_second_from_the_nose_at_500() {
    let mut g = game();
    let mut host = Recorder::default();
    g.toggle_shoot(true);
    g.update(0.1 + EPS, &mut host);
    assert_eq!(g.bullets.len(), 10);
    let first = g.bullets[0];
    assert!(close(first.velocity.x, 500.0) && close(first.velocity.y, 0.0));
    // Fired from the nose (20 ahead of the rocket), then moved with the frame.
    assert!(first.position.x > g.rocket.position.x);
    g.toggle_shoot(false);
    g.update(0.1, &mut host);
    assert_eq!(g.bullets.len(), 10, "no new bullets once released");
}

#[test]
fn bullets_leave_the_field_and_are_removed() {
    let mut g = game();
    let mut host = Recorder::default();
    g.toggle_shoot(true);
    g.update(0.02 + EPS, &mut host);
    g.toggle_shoot(false);
    assert_eq!(g.bullets.len(), 2);
    // 500 units/s from x≈520: out of a 1000-wide field within 1 s.
    for _ in 0..10 {
        g.update(0.1, &mut host);
    }
    assert!(g.bullets.is_empty());
}

#[test]
fn a_bullet_kills_an_enemy_scores_10_and_explodes() {
    let mut g = game();
    let mut host = Recorder::default();
    g.enemies.push(Vector::new(900.0, 300.0));
    g.bullets.push(Bullet {
        position: Vector::new(895.0, 300.0),
        velocity: Vector::new(0.0, 0.0),
    });
    let particles = g.particles.len();
    g.update(0.001, &mut host);
    assert!(g.enemies.is_empty() && g.bullets.is_empty());
    assert_eq!(g.score(), 10);
    assert_eq!(
        g.particles.len() - particles,
        30,
        "explosion of 30 particles"
    );
    assert!(g
        .particles
        .iter()
        .skip(particles)
        .all(|p| p.ttl > 0.1 - 0.002 && p.ttl < 0.9));
}

#[test]
fn touching_an_enemy_resets_score_bullets_and_enemies() {
    let mut g = game();
    let mut host = Recorder::default();
    g.score = 120;
    g.bullets.push(Bullet {
        position: Vector::new(10.0, 10.0),
        velocity: Vector::new(0.0, 0.0),
    });
    let rocket = g.rocket.position;
    g.enemies.push(rocket + Vector::new(12.0, 0.0));
    g.enemies.push(Vector::new(900.0, 50.0));
    g.update(0.001, &mut host);
    assert_eq!(g.score(), 0);
    assert!(g.bullets.is_empty() && g.enemies.is_empty());
    assert_ne!(g.rocket.position, rocket, "the rocket moved to a new place");
    assert!(g.particles.len() >= 30, "an explosion where it crashed");
}

#[test]
fn enemies_spawn_each_second_never_within_200_and_chase_the_rocket() {
    let mut g = game();
    let mut host = Recorder::default();
    for second in 1..=200 {
        g.rocket.position = Vector::new((second * 37 % 1000) as f64, (second * 53 % 600) as f64);
        g.enemies.clear();
        g.update(1.0, &mut host);
        assert_eq!(g.enemies.len(), 1, "one enemy per second");
        // It spawned at least 200 away, then flew 100 towards the rocket.
        let distance = g.enemies[0].distance(g.rocket.position);
        assert!(distance >= 100.0 - 1e-6, "second {second}: {distance}");
    }
    // Straight at the rocket at 100 units/s, from either side (atan's two halves).
    for start in [Vector::new(100.0, 100.0), Vector::new(900.0, 500.0)] {
        let mut g = game();
        g.enemies.push(start);
        g.timers.enemy = -10.0;
        g.update(0.5, &mut host);
        let moved = g.enemies[0] - start;
        let towards = g.rocket.position - start;
        assert!(close(moved.length(), 50.0), "{moved:?}");
        let alignment = (moved.x * towards.x + moved.y * towards.y) / (50.0 * towards.length());
        assert!(close(alignment, 1.0), "{start:?}: {alignment}");
    }
}

#[test]
fn pushing_away_keeps_the_direction_and_reaches_200() {
    let from = Vector::new(500.0, 300.0);
    let pushed = push_away(Vector::new(510.0, 300.0), from, 200.0);
    assert!(close(pushed.x, 700.0) && close(pushed.y, 300.0));
    assert!(close(push_away(from, from, 200.0).distance(from), 200.0));
    let far = Vector::new(0.0, 0.0);
    assert_eq!(push_away(far, from, 200.0), far);
}

#[test]
fn the_trail_leaves_20_particles_a_second_flying_backwards() {
    let mut g = game();
    let mut host = Recorder::default();
    for _ in 0..100 {
        g.update(0.01, &mut host);
    }
    // ttl 0.5: after 1 s the first half has died; 10 are alive.
    assert_eq!(g.particles.len(), 10);
    let p = g.particles[0];
    assert!(close(p.direction.x, -1.0), "backwards: {:?}", p.direction);
}

#[test]
fn particles_slow_down_and_shrink_with_their_ttl() {
    let mut g = game();
    g.particles.push(Particle {
        position: Vector::new(0.0, 0.0),
        direction: Vector::new(1.0, 0.0),
        ttl: 0.5,
    });
    g.age_particles(0.1);
    assert!(close(g.particles[0].position.x, 500.0 * 0.25 * 0.1));
    assert!(close(g.particles[0].ttl, 0.4));
    let mut host = Recorder::default();
    g.draw(&mut host);
    assert!(close(host.named("draw_particle")[0][2], 5.0 * 0.4));
    g.age_particles(0.5);
    assert!(g.particles.is_empty());
}

#[test]
fn draw_order_is_clear_particles_bullets_enemies_player_score() {
    let mut g = game();
    let mut host = Recorder::default();
    g.toggle_shoot(true);
    g.update(0.1, &mut host);
    g.enemies.push(Vector::new(1.0, 1.0));
    host.calls.clear();
    g.draw(&mut host);
    let order: Vec<&str> = host.calls.iter().map(|(n, _)| *n).collect();
    let mut kinds = order.clone();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "clear_screen",
            "draw_particle",
            "draw_bullet",
            "draw_enemy",
            "draw_player",
            "draw_score"
        ]
    );
}

#[test]
fn resize_restarts_the_game_on_the_new_field() {
    let mut g = game();
    g.score = 50;
    g.enemies.push(Vector::new(1.0, 1.0));
    g.resize(400.0, 300.0);
    assert_eq!(g.score(), 0);
    assert!(g.enemies.is_empty());
    assert_eq!(g.rocket.position, Vector::new(200.0, 150.0));
}

#[test]
fn the_same_inputs_play_the_same_game() {
    let play = || {
        let mut g = game();
        let mut host = Recorder::default();
        g.toggle_shoot(true);
        g.toggle_turn_left(true);
        for _ in 0..600 {
            g.update(1.0 / 60.0, &mut host);
            g.draw(&mut host);
        }
        host.calls
    };
    let (a, b) = (play(), play());
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).all(|(x, y)| x.0 == y.0
        && x.1
            .iter()
            .zip(&y.1)
            .all(|(p, q)| p.to_bits() == q.to_bits())));
}
