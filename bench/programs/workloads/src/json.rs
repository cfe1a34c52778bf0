//! A parser: JSON text of `size` records (objects with strings, escapes, integers,
//! fractions, booleans, nulls and nested arrays) generated, then parsed into a tree by
//! recursive descent and summarised.

use crate::Xorshift;

/// A parsed JSON value.
enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Value>),
    Object(Vec<(String, Value)>),
}

fn generate(records: u32) -> String {
    const NAMES: [&str; 6] = ["rocket", "enemy", "asteroid", "bullet", "star", "planet"];
    let mut random = Xorshift::new(records);
    let mut text = String::from("[");
    for record in 0..records {
        if record > 0 {
            text.push(',');
        }
        let name = NAMES[random.below(NAMES.len() as u32) as usize];
        let (x, y) = (random.below(100_000), random.below(1000));
        text.push_str(&format!(
            "{{\"id\": {record}, \"name\": \"{name} \\\"{record}\\\"\", \"position\": [{x}.{y}, -{y}.5, 1e3], \"alive\": {}, \"tag\": null, \"path\": \"a\\\\b\\n\"}}",
            x % 2 == 0
        ));
    }
    text.push(']');
    text
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> u8 {
        self.bytes.get(self.at).copied().unwrap_or(0)
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), b' ' | b'\n' | b'\t' | b'\r') {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.peek() == byte).then(|| self.at += 1)
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_space();
        match self.peek() {
            b'{' => self.object(),
            b'[' => self.list(),
            b'"' => self.text().map(Value::Text),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Null),
            _ => self.number(),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Option<Value> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    fn sequence(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.at += 1;
        self.skip_space();
        if self.peek() == close {
            self.at += 1;
            return Some(());
        }
        loop {
            item(self)?;
            self.skip_space();
            match self.peek() {
                b',' => self.at += 1,
                byte if byte == close => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn list(&mut self) -> Option<Value> {
        let mut items = Vec::new();
        self.sequence(b']', |parser| Some(items.push(parser.value()?)))?;
        Some(Value::List(items))
    }

    fn object(&mut self) -> Option<Value> {
        let mut fields = Vec::new();
        self.sequence(b'}', |parser| {
            parser.skip_space();
            let key = parser.text()?;
            parser.expect(b':')?;
            fields.push((key, parser.value()?));
            Some(())
        })?;
        Some(Value::Object(fields))
    }

    fn text(&mut self) -> Option<String> {
        if self.peek() != b'"' {
            return None;
        }
        self.at += 1;
        let mut text = String::new();
        loop {
            let byte = self.peek();
            self.at += 1;
            match byte {
                b'"' => return Some(text),
                b'\\' => {
                    let escaped = self.peek();
                    self.at += 1;
                    text.push(match escaped {
                        b'n' => '\n',
                        b't' => '\t',
                        b'"' | b'\\' | b'/' => escaped as char,
                        _ => return None,
                    });
                }
                0 => return None,
                _ => text.push(byte as char),
            }
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        while matches!(self.peek(), b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.at += 1;
        }
        let digits = core::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        digits.parse().ok().map(Value::Number)
    }
}

/// Folds a value into (nodes, characters of text, sum of numbers).
fn summarise(value: &Value, summary: &mut (u64, u64, f64)) {
    summary.0 += 1;
    match value {
        Value::Null | Value::Bool(false) => {}
        Value::Bool(true) => summary.1 += 1,
        Value::Number(number) => summary.2 += number,
        Value::Text(text) => summary.1 += text.len() as u64,
        Value::List(items) => items.iter().for_each(|item| summarise(item, summary)),
        Value::Object(fields) => {
            for (key, value) in fields {
                summary.1 += key.len() as u64;
                summarise(value, summary);
            }
        }
    }
}

pub fn run(size: u32) -> i64 {
    let text = generate(size);
    let mut parser = Parser {
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut summary = (0, 0, 0.0);
    match parser.value() {
        Some(value) => summarise(&value, &mut summary),
        None => return -1,
    }
    (summary.0 << 40 ^ summary.1 << 20 ^ summary.2 as u64) as i64
}
