;; A WASM-4 test cart for tests/wasm4_oracle.rs: text with every character WASM-4 draws
;; (32-255: ASCII, its button and arrow icons, Latin-1) through `text`, control
;; characters, a zero ending the text, bytes above 127 in `textUtf8` (one character each)
;; and units above 255 in `textUtf16` (a place each, no glyph), in several draw colours
;; (a transparent background, a transparent ink), clipped at every edge. The text moves
;; with the frame count; button 1 swaps the colours, the arrows move the last line.
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "text" (func $text (param i32 i32 i32)))
  (import "env" "textUtf8" (func $textUtf8 (param i32 i32 i32 i32)))
  (import "env" "textUtf16" (func $textUtf16 (param i32 i32 i32 i32)))
  ;; Characters 32-255, 20 to a line.
  (data (i32.const 0x2000) "\20\21\22\23\24\25\26\27\28\29\2a\2b\2c\2d\2e\2f\30\31\32\33\0a\34\35\36\37\38\39\3a\3b\3c\3d\3e\3f\40\41\42\43\44\45\46\47\0a\48\49\4a\4b\4c\4d\4e\4f\50\51\52\53\54\55\56\57\58\59\5a\5b\0a\5c\5d\5e\5f\60\61\62\63\64\65\66\67\68\69\6a\6b\6c\6d\6e\6f\0a\70\71\72\73\74\75\76\77\78\79\7a\7b\7c\7d\7e\7f\80\81\82\83\0a\84\85\86\87\88\89\8a\8b\8c\8d\8e\8f\90\91\92\93\94\95\96\97\0a\98\99\9a\9b\9c\9d\9e\9f\a0\a1\a2\a3\a4\a5\a6\a7\a8\a9\aa\ab\0a\ac\ad\ae\af\b0\b1\b2\b3\b4\b5\b6\b7\b8\b9\ba\bb\bc\bd\be\bf\0a\c0\c1\c2\c3\c4\c5\c6\c7\c8\c9\ca\cb\cc\cd\ce\cf\d0\d1\d2\d3\0a\d4\d5\d6\d7\d8\d9\da\db\dc\dd\de\df\e0\e1\e2\e3\e4\e5\e6\e7\0a\e8\e9\ea\eb\ec\ed\ee\ef\f0\f1\f2\f3\f4\f5\f6\f7\f8\f9\fa\fb\0a\fc\fd\fe\ff\00")
  ;; UTF-8 bytes: 28 of them.
  (data (i32.const 0x2200) "\63\74\6c\3a\01\09\0d\1b\1f\0a\63\61\66\c3\a9\0a\80\85\9f\a0\ff\00\68\69\64\64\65\6e")
  ;; UTF-16 units: 14 of them.
  (data (i32.const 0x2300) "\75\00\31\00\36\00\3a\00\3a\26\e9\00\00\01\ac\20\ff\00\41\00\0a\00\42\00\00\00\78\00")
  (data (i32.const 0x2400) "edge\00")
  (global $frame (mut i32) (i32.const 0))
  (global $x (mut i32) (i32.const 40))
  (global $y (mut i32) (i32.const 150))
  (func $colors (param i32) (i32.store16 (i32.const 0x14) (local.get 0)))
  (func (export "update")
    (local $pad i32) (local $shift i32)
    (local.set $pad (i32.load8_u (i32.const 0x16)))
    (local.set $shift (i32.rem_u (global.get $frame) (i32.const 8)))
    ;; Every glyph: ink in palette 3 on palette 1, or swapped while button 1 is held.
    (call $colors (select (i32.const 0x24) (i32.const 0x42) (i32.and (local.get $pad) (i32.const 1))))
    (call $text (i32.const 0x2000) (i32.sub (i32.const 0) (local.get $shift)) (i32.const 0))
    ;; Transparent background, then transparent ink.
    (call $colors (i32.const 0x03))
    (call $textUtf8 (i32.const 0x2200) (i32.const 28) (i32.const 2) (i32.sub (i32.const 92) (local.get $shift)))
    (call $colors (i32.const 0x40))
    (call $textUtf16 (i32.const 0x2300) (i32.const 29) (i32.const 60) (i32.const 118))
    ;; Clipped at the four edges.
    (call $colors (i32.const 0x31))
    (call $text (i32.const 0x2400) (i32.const -13) (i32.const 130))
    (call $text (i32.const 0x2400) (i32.add (i32.const 130) (local.get $shift)) (i32.const 130))
    (call $text (i32.const 0x2400) (i32.const 60) (i32.const -5))
    ;; The arrows move this line; it may leave the screen.
    (if (i32.and (local.get $pad) (i32.const 16)) (then (global.set $x (i32.sub (global.get $x) (i32.const 1)))))
    (if (i32.and (local.get $pad) (i32.const 32)) (then (global.set $x (i32.add (global.get $x) (i32.const 1)))))
    (if (i32.and (local.get $pad) (i32.const 128)) (then (global.set $y (i32.add (global.get $y) (i32.const 1)))))
    (call $colors (i32.const 0x4))
    (call $text (i32.const 0x2400) (global.get $x) (global.get $y))
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))))
