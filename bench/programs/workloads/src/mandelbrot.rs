//! f64 loops: the Mandelbrot set on a `size` x `size` grid, at most 200 iterations a
//! point; returns the points inside and the iterations spent.

const MAX_ITERATIONS: u32 = 200;

pub fn run(size: u32) -> i64 {
    let (mut inside, mut iterations) = (0i64, 0i64);
    let scale = 3.0 / size as f64;
    for row in 0..size {
        let ci = row as f64 * scale - 1.5;
        for column in 0..size {
            let cr = column as f64 * scale - 2.25;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let mut n = 0;
            while n < MAX_ITERATIONS && zr * zr + zi * zi <= 4.0 {
                let next_zr = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = next_zr;
                n += 1;
            }
            iterations += n as i64;
            if n == MAX_ITERATIONS {
                inside += 1;
            }
        }
    }
    inside << 32 | iterations
}
