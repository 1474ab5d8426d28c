;; The IPv6 writer (v6-kernel.ts drives it, a piece at a time): entries as RFC 5952 text lines, in the IPv6 kernel's
;; memory (this module shares it). The text is as formatIpv6Address prints it: lower case, no leading zeros, the
;; first longest run of two or more zero groups as `::`, ::ffff:a.b.c.d for IPv4-mapped addresses. Few branches on
;; the data and one store per group: an entry's 32 hex digits, which nibbles are zero and which groups are, come
;; from a few SIMD operations; where the run is, from a table by the zero groups; each group (its digits and a
;; colon) is stored whether or not it is kept (the next store overwrites one that is not); the `/len` from a
;; table. The 800k-entry aggregate of bench/corpus-v6.mjs: 25 ms with the loop this replaced (a branch per group
;; and per digit width), 16 ms with this.
;;
;; An entry is four little-endian u32 words, most significant first (as Ipv6Prefixes.words), and a u8 length.
;; Built by scripts/build-wasm.mjs into v6-write-wasm.ts.
(module
  (import "env" "memory" (memory 1))
  ;; 256 bytes (filled by the caller): for each set of zero groups (bit k: group k is zero), where the run written
  ;; as `::` starts (low nibble, 8: no run) and ends (high nibble, exclusive; 9 when there is no run).
  (global $runTable (export "runTable") (mut i32) (i32.const 0))
  ;; 129 x 8 bytes (filled by the caller): `/len` and a newline for each length, as the low bytes of an i64, and
  ;; their count in its top byte.
  (global $lenTable (export "lenTable") (mut i32) (i32.const 0))
  ;; 32 bytes of scratch: an entry's hex digits.
  (global $digits (export "digits") (mut i32) (i32.const 0))

  ;; Stores decimal v (0..999) at o; returns o plus its digits.
  (func $dec (param $o i32) (param $v i32) (result i32)
    (if (i32.ge_u (local.get $v) (i32.const 100))
      (then
        (i32.store8 (local.get $o) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 100))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))))
    (if (i32.ge_u (local.get $v) (i32.const 10))
      (then
        (i32.store8 (local.get $o)
          (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $v) (i32.const 10)) (i32.const 10))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))))
    (i32.store8 (local.get $o) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
    (i32.add (local.get $o) (i32.const 1)))

  ;; Writes n entries as lines at out, each `/len` but a /128 when bare, and a newline; returns the end. Needs 44
  ;; bytes a line plus 8 (stores run past the text).
  (func (export "write") (param $words i32) (param $lens i32) (param $n i32) (param $out i32) (param $bare i32)
    (result i32)
    (local $i i32) (local $p i32) (local $k i32) (local $gs i32) (local $end i32) (local $w0 i32) (local $w1 i32)
    (local $w2 i32) (local $w3 i32) (local $w i32) (local $t i32) (local $len i32) (local $extra i32) (local $span i32) (local $start i32)
    (local $nz i32) (local $suffix i64) (local $v v128) (local $hi v128) (local $lo v128) (local $a v128) (local $b v128)
    (block $done
      (loop $entries
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.add (local.get $words) (i32.shl (local.get $i) (i32.const 4))))
        (local.set $w0 (i32.load (local.get $p)))
        (local.set $w1 (i32.load offset=4 (local.get $p)))
        (local.set $w2 (i32.load offset=8 (local.get $p)))
        (local.set $w3 (i32.load offset=12 (local.get $p)))
        (if (i32.and (i32.eqz (i32.or (local.get $w0) (local.get $w1))) (i32.eq (local.get $w2) (i32.const 0xffff)))
          (then
            ;; ::ffff:a.b.c.d
            (i64.store (local.get $out) (i64.const 0x003a666666663a3a))
            (local.set $out
              (call $dec (i32.add (local.get $out) (i32.const 7)) (i32.shr_u (local.get $w3) (i32.const 24))))
            (i32.store8 (local.get $out) (i32.const 46))
            (local.set $out
              (call $dec (i32.add (local.get $out) (i32.const 1))
                (i32.and (i32.shr_u (local.get $w3) (i32.const 16)) (i32.const 255))))
            (i32.store8 (local.get $out) (i32.const 46))
            (local.set $out
              (call $dec (i32.add (local.get $out) (i32.const 1))
                (i32.and (i32.shr_u (local.get $w3) (i32.const 8)) (i32.const 255))))
            (i32.store8 (local.get $out) (i32.const 46))
            (local.set $out
              (call $dec (i32.add (local.get $out) (i32.const 1)) (i32.and (local.get $w3) (i32.const 255)))))
          (else
            ;; Each group as hex and a colon; a group in the run is stored and not kept. Before the run's first
            ;; group, one more colon (two when the address starts with the run): `a:b:` `:` `c:` is a:b::c: and
            ;; the last colon goes, unless the run ends the address (a:: and ::).
            ;; The 32 nibbles as bytes in address order (the words' bytes reversed), which of them are not zero
            ;; (bit 4k + j: nibble j of group k), and as ASCII hex digits at $digits, four a group.
            (local.set $v
              (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12 (v128.load (local.get $p)) (v128.load (local.get $p))))
            (local.set $hi (i8x16.shr_u (local.get $v) (i32.const 4)))
            (local.set $lo (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
            (local.set $a
              (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $hi) (local.get $lo)))
            (local.set $b
              (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $hi) (local.get $lo)))
            (local.set $nz
              (i32.or (i8x16.bitmask (i8x16.ne (local.get $a) (v128.const i64x2 0 0)))
                (i32.shl (i8x16.bitmask (i8x16.ne (local.get $b) (v128.const i64x2 0 0))) (i32.const 16))))
            (v128.store (global.get $digits)
              (i8x16.swizzle (v128.const i8x16 48 49 50 51 52 53 54 55 56 57 97 98 99 100 101 102) (local.get $a)))
            (v128.store offset=16 (global.get $digits)
              (i8x16.swizzle (v128.const i8x16 48 49 50 51 52 53 54 55 56 57 97 98 99 100 101 102) (local.get $b)))
            ;; The run: from the table, by which of the 8 groups are zero (a group's four nibbles all zero).
            (local.set $t
              (i32.load8_u (i32.add (global.get $runTable)
                (i32.or (i32x4.bitmask (i32x4.eq (local.get $a) (v128.const i64x2 0 0)))
                  (i32.shl (i32x4.bitmask (i32x4.eq (local.get $b) (v128.const i64x2 0 0))) (i32.const 4))))))
            (local.set $gs (i32.and (local.get $t) (i32.const 15)))
            (local.set $end (i32.shr_u (local.get $t) (i32.const 4)))
            (local.set $extra (i32.add (i32.const 1) (i32.eqz (local.get $gs))))
            (local.set $span (i32.sub (local.get $end) (local.get $gs)))
            (local.set $k (i32.const 0))
            (loop $groups
              ;; Digits: 4 less the zero nibbles before the first that is not (one digit for a zero group); the
              ;; group's digits shifted so the first kept is the first byte, and a colon; in place of the run's
              ;; first group, its colon (or two).
              (local.set $w
                (i32.sub (i32.const 4)
                  (i32.ctz (i32.or (i32.shr_u (local.get $nz) (i32.shl (local.get $k) (i32.const 2))) (i32.const 8)))))
              (local.set $start (i32.eq (local.get $k) (local.get $gs)))
              (i64.store (local.get $out)
                (select (i64.const 0x3a3a)
                  (i64.or
                    (i64.extend_i32_u
                      (i32.shr_u (i32.load (i32.add (global.get $digits) (i32.shl (local.get $k) (i32.const 2))))
                        (i32.shl (i32.sub (i32.const 4) (local.get $w)) (i32.const 3))))
                    (i64.shl (i64.const 58) (i64.extend_i32_u (i32.shl (local.get $w) (i32.const 3)))))
                  (local.get $start)))
              (local.set $out
                (i32.add (local.get $out)
                  (select (local.get $extra)
                    (select (i32.const 0) (i32.add (local.get $w) (i32.const 1))
                      (i32.lt_u (i32.sub (local.get $k) (local.get $gs)) (local.get $span)))
                    (local.get $start))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $groups (i32.lt_u (local.get $k) (i32.const 8))))
            (local.set $out
              (i32.sub (local.get $out) (i32.ne (local.get $end) (i32.const 8))))))
        ;; `/len` and the newline (only the newline for a /128 when bare).
        (local.set $len (i32.load8_u (i32.add (local.get $lens) (local.get $i))))
        (local.set $suffix
          (select (i64.const 0x010000000000000a)
            (i64.load (i32.add (global.get $lenTable) (i32.shl (local.get $len) (i32.const 3))))
            (i32.and (local.get $bare) (i32.eq (local.get $len) (i32.const 128)))))
        (i64.store (local.get $out) (local.get $suffix))
        (local.set $out (i32.add (local.get $out) (i32.wrap_i64 (i64.shr_u (local.get $suffix) (i64.const 56)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $entries)))
    (local.get $out)))
