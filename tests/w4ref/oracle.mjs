#!/usr/bin/env node
// The pixel oracle of tests/wasm4_oracle.rs: runs a WASM-4 cart headless with the
// official web runtime's own code (w4runtime.mjs: runtimes/web/src of
// github.com/aduros/wasm4 at commit b6dcb6a2, bundled with esbuild, the Web Audio APU
// and the WebGL compositor stubbed; ISC license, see LICENSE-WASM4.txt) and prints the
// final frame.
//
//   node oracle.mjs CART.wasm UPDATES [INPUT]
//
// The sequence is the web app's (runtimes/web/src/ui/app.ts): load (with its
// _start/_initialize), start(), then before every update the gamepads and the mouse are
// written into memory (no mouse event: mouse (0, 0), no buttons) and update() is called.
// INPUT is wasmcade's script format, one `FRAME KEY down|up` per line (`#` comments;
// `dt` and `size` lines ignored), applied before update FRAME (counting from 0): x v k
// space press button 1, z c y w j button 2, the arrows the d-pad of gamepad 1.
//
// Output: `status ok|load-failed|crashed`, `palette RRGGBB RRGGBB RRGGBB RRGGBB`, then
// 160 lines of 160 palette indexes (0-3).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [cart, updatesText, inputPath] = process.argv.slice(2);
const updates = Number(updatesText);
if (!cart || !Number.isInteger(updates) || updates < 0) {
    console.error("usage: node oracle.mjs CART.wasm UPDATES [INPUT]");
    process.exit(2);
}

const BUTTONS = {
    x: 1, v: 1, k: 1, space: 1,
    z: 2, c: 2, y: 2, w: 2, j: 2,
    left: 16, right: 32, up: 64, down: 128,
};
const events = new Map(); // update -> [[key, down]]
if (inputPath) {
    fs.readFileSync(inputPath, "utf8").split(/\r?\n/).forEach((raw, n) => {
        const words = raw.split("#")[0].trim().split(/\s+/);
        if (words[0] === "" || words[0] === "size" || words[1] === "dt") return;
        const [frame, key, what] = [Number(words[0]), words[1].toLowerCase(), words[2]];
        if (words.length !== 3 || !Number.isInteger(frame) || !(key in BUTTONS) || !["down", "up"].includes(what)) {
            throw new Error(`${inputPath}:${n + 1}: expected FRAME KEY down|up with a gamepad key: ${raw}`);
        }
        if (!events.has(frame)) events.set(frame, []);
        events.get(frame).push([key, what === "down"]);
    });
}

// The browser objects the runtime touches: a canvas with a (stubbed) WebGL context, and
// an empty localStorage (a fresh player, no saved disk).
const storage = new Map();
globalThis.localStorage = {
    getItem: k => storage.get(k) ?? null,
    setItem: (k, v) => storage.set(k, String(v)),
    removeItem: k => storage.delete(k),
};
globalThis.document = {
    createElement: () => ({ width: 0, height: 0, getContext: () => ({}) }),
};
// start() and update() run the cart in an async wrapper that draws the crash screen and
// rethrows; in a browser the rejection is only logged.
process.on("unhandledRejection", () => {});
console.log = () => {}; // the cart's traces

const here = path.dirname(fileURLToPath(import.meta.url));
const { Runtime, constants } = await import(pathToFileURL(path.join(here, "w4runtime.mjs")).href);
const runtime = new Runtime(`w4ref:${path.basename(cart)}`);
await runtime.init();
let status = "ok";
try {
    await runtime.load(new Uint8Array(fs.readFileSync(cart)));
} catch {
    status = "load-failed";
}
if (status === "ok") {
    runtime.start();
    const held = new Set();
    for (let frame = 0; frame < updates; frame++) {
        for (const [key, down] of events.get(frame) ?? []) {
            if (down) held.add(key); else held.delete(key);
        }
        const pad = [...held].reduce((bits, key) => bits | BUTTONS[key], 0);
        [pad, 0, 0, 0].forEach((buttons, player) => runtime.setGamepad(player, buttons));
        runtime.setMouse(0, 0, 0);
        runtime.update();
    }
    await new Promise(resolve => setImmediate(resolve));
    if (runtime.pauseState & constants.PAUSE_CRASHED) status = "crashed";
}

const memory = new Uint8Array(runtime.memory.buffer);
const view = new DataView(runtime.memory.buffer);
const palette = [0, 1, 2, 3].map(i => (view.getUint32(constants.ADDR_PALETTE + 4 * i, true) & 0xffffff)
    .toString(16).padStart(6, "0"));
const rows = [];
for (let y = 0; y < constants.HEIGHT; y++) {
    let row = "";
    for (let x = 0; x < constants.WIDTH; x++) {
        const i = y * constants.WIDTH + x;
        row += (memory[constants.ADDR_FRAMEBUFFER + (i >> 2)] >> ((i & 3) * 2)) & 3;
    }
    rows.push(row);
}
process.stdout.write(`status ${status}\npalette ${palette.join(" ")}\n${rows.join("\n")}\n`);
