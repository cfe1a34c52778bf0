//! A small LZ77 compressor and decompressor, compiled to wasm as wasmcade's whole-program
//! benchmark: `run(kib)` generates `kib` KiB of text, compresses it, decompresses it,
//! checks the round trip and returns the compressed size and a checksum. Real compiled
//! Rust: a heap (the standard allocator), slices, bounds checks, hashing, byte loops.
//!
//! The format is a sequence of tokens. A byte `0nnnnnnn` is followed by `n + 1` literal
//! bytes; a byte `1nnnnnnn` followed by a little-endian u16 `d` copies `n + 4` bytes
//! starting `d` bytes back in the output (the copy may overlap what it writes).

/// Shortest match worth a token.
const MIN_MATCH: usize = 4;
/// Longest match one token holds.
const MAX_MATCH: usize = 0x7f + MIN_MATCH;
/// Longest literal run one token holds.
const MAX_LITERALS: usize = 0x80;
/// Farthest a match may reach back.
const WINDOW: usize = u16::MAX as usize;
const HASH_BITS: u32 = 14;

/// `len` bytes of English-like text from a fixed word list, chosen by a seeded xorshift.
pub fn generate(len: usize, seed: u32) -> Vec<u8> {
    const WORDS: [&str; 24] = [
        "the",
        "rocket",
        "turns",
        "and",
        "fires",
        "at",
        "an",
        "enemy",
        "while",
        "the",
        "stack",
        "machine",
        "runs",
        "each",
        "instruction",
        "of",
        "a",
        "game",
        "compiled",
        "to",
        "webassembly",
        "in",
        "real",
        "time",
    ];
    let mut state = seed.max(1);
    let mut text = Vec::with_capacity(len + 16);
    while text.len() < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        text.extend_from_slice(WORDS[state as usize % WORDS.len()].as_bytes());
        text.push(if state % 11 == 0 { b'\n' } else { b' ' });
    }
    text.truncate(len);
    text
}

fn hash(bytes: &[u8]) -> usize {
    let word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    (word.wrapping_mul(0x9e37_79b1) >> (32 - HASH_BITS)) as usize
}

fn push_literals(out: &mut Vec<u8>, literals: &[u8]) {
    for chunk in literals.chunks(MAX_LITERALS) {
        out.push((chunk.len() - 1) as u8);
        out.extend_from_slice(chunk);
    }
}

/// Greedy LZ77 with a one-entry hash table per 4-byte prefix.
pub fn compress(input: &[u8]) -> Vec<u8> {
    let mut last_seen = vec![usize::MAX; 1 << HASH_BITS];
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut literals_from = 0;
    let mut at = 0;
    while at + MIN_MATCH <= input.len() {
        let slot = hash(&input[at..]);
        let candidate = last_seen[slot];
        last_seen[slot] = at;
        let found = candidate != usize::MAX
            && at - candidate <= WINDOW
            && input[candidate..candidate + MIN_MATCH] == input[at..at + MIN_MATCH];
        if !found {
            at += 1;
            continue;
        }
        let mut len = MIN_MATCH;
        while len < MAX_MATCH && at + len < input.len() && input[candidate + len] == input[at + len]
        {
            len += 1;
        }
        push_literals(&mut out, &input[literals_from..at]);
        out.push(0x80 | (len - MIN_MATCH) as u8);
        out.extend_from_slice(&((at - candidate) as u16).to_le_bytes());
        at += len;
        literals_from = at;
    }
    push_literals(&mut out, &input[literals_from..]);
    out
}

/// The input of `compress`, or `None` if `data` is not a valid token stream.
pub fn decompress(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() * 2);
    let mut at = 0;
    while at < data.len() {
        let token = data[at] as usize;
        at += 1;
        if token < 0x80 {
            let literals = data.get(at..at + token + 1)?;
            out.extend_from_slice(literals);
            at += token + 1;
        } else {
            let len = (token & 0x7f) + MIN_MATCH;
            let distance = u16::from_le_bytes([*data.get(at)?, *data.get(at + 1)?]) as usize;
            at += 2;
            if distance == 0 || distance > out.len() {
                return None;
            }
            let from = out.len() - distance;
            for i in from..from + len {
                let byte = out[i];
                out.push(byte);
            }
        }
    }
    Some(out)
}

/// FNV-1a.
pub fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &byte| {
        (hash ^ byte as u32).wrapping_mul(0x0100_0193)
    })
}

/// Compresses and decompresses `kib` KiB of generated text: the compressed size in the
/// high 32 bits and its checksum in the low 32, or -1 if the round trip fails. (Unmangled in wasm only.)
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn run(kib: i32) -> i64 {
    let text = generate(kib.max(0) as usize * 1024, 1);
    let packed = compress(&text);
    if decompress(&packed).as_deref() != Some(&text[..]) {
        return -1;
    }
    ((packed.len() as i64) << 32) | checksum(&packed) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_text_random_bytes_and_edge_lengths() {
        let mut noise = Vec::new();
        let mut state = 7u32;
        for _ in 0..5000 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            noise.push((state >> 16) as u8);
        }
        let runs = vec![b'a'; 1000];
        for input in [
            generate(20_000, 3),
            noise,
            runs,
            Vec::new(),
            b"abc".to_vec(),
        ] {
            let packed = compress(&input);
            assert_eq!(decompress(&packed).as_deref(), Some(&input[..]));
        }
    }

    #[test]
    fn text_compresses_and_overlapping_runs_are_one_token_each() {
        let text = generate(64 * 1024, 1);
        assert!(compress(&text).len() < text.len() / 2);
        // One literal, then a run of 999 copies of it: 131-byte overlapping matches.
        let packed = compress(&vec![b'a'; 1000]);
        assert_eq!(packed[..2], [0, b'a']);
        assert_eq!(packed.len(), 2 + 3 * ((999 + MAX_MATCH - 1) / MAX_MATCH));
    }

    #[test]
    fn corrupt_streams_are_rejected() {
        assert_eq!(decompress(&[0x80, 1, 0]), None, "a match before any output");
        assert_eq!(decompress(&[5, b'a']), None, "literals past the end");
        assert_eq!(decompress(&[0, b'a', 0x80, 0]), None, "a cut distance");
        assert_eq!(decompress(&[0, b'a', 0x80, 0, 0]), None, "distance 0");
    }

    #[test]
    fn run_reports_size_and_checksum() {
        let result = run(16);
        assert!(result > 0);
        let size = (result >> 32) as usize;
        assert!(size > 0 && size < 16 * 1024 / 2);
    }
}
