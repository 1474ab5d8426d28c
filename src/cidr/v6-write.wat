;; The IPv6 writer (v6-kernel.ts drives it, a piece at a time): entries as RFC 5952 text lines, in the IPv6 kernel's
;; memory (this module shares it). The text is as formatIpv6Address prints it: lower case, no leading zeros, the
;; first longest run of two or more zero groups as `::`, ::ffff:a.b.c.d for IPv4-mapped addresses. Few branches on
;; the data and one store per group: where the run is comes from a table by the entry's zero groups, each group
;; (its digits and a colon) is stored whether or not it is kept (the next store overwrites one that is not), two
;; groups' digits come from one i64, and the `/len` from a table.
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
    (local $x i64) (local $suffix i64)
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
            ;; The run: from the table, by which of the 8 groups are zero.
            (local.set $t
              (i32.load8_u (i32.add (global.get $runTable)
                (i32.or
                  (i32.or
                    (i32.or (i32.eqz (i32.shr_u (local.get $w0) (i32.const 16)))
                      (i32.shl (i32.eqz (i32.and (local.get $w0) (i32.const 0xffff))) (i32.const 1)))
                    (i32.or (i32.shl (i32.eqz (i32.shr_u (local.get $w1) (i32.const 16))) (i32.const 2))
                      (i32.shl (i32.eqz (i32.and (local.get $w1) (i32.const 0xffff))) (i32.const 3))))
                  (i32.or
                    (i32.or (i32.shl (i32.eqz (i32.shr_u (local.get $w2) (i32.const 16))) (i32.const 4))
                      (i32.shl (i32.eqz (i32.and (local.get $w2) (i32.const 0xffff))) (i32.const 5)))
                    (i32.or (i32.shl (i32.eqz (i32.shr_u (local.get $w3) (i32.const 16))) (i32.const 6))
                      (i32.shl (i32.eqz (i32.and (local.get $w3) (i32.const 0xffff))) (i32.const 7))))))))
            (local.set $gs (i32.and (local.get $t) (i32.const 15)))
            (local.set $end (i32.shr_u (local.get $t) (i32.const 4)))
            ;; Each group as hex and a colon; a group in the run is stored and not kept. Before the run's first
            ;; group, one more colon (two when the address starts with the run): `a:b:` `:` `c:` is a:b::c: and
            ;; the last colon goes, unless the run ends the address (a:: and ::).
            (local.set $extra (i32.add (i32.const 1) (i32.eqz (local.get $gs))))
            (local.set $span (i32.sub (local.get $end) (local.get $gs)))
            (local.set $k (i32.const 0))
            (loop $pairs
              ;; The word's two groups as hex, four digits each, in one i64: nibbles as bytes, the most significant
              ;; first in memory (the high group in the low half), then to ASCII ('0' + nibble, 39 more for a-f:
              ;; nibble + 6 carries into bit 4 exactly for 10..15).
              (local.set $w0 (i32.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 1)))))
              (local.set $x
                (i64.or (i64.extend_i32_u (i32.shr_u (local.get $w0) (i32.const 16)))
                  (i64.shl (i64.extend_i32_u (i32.and (local.get $w0) (i32.const 0xffff))) (i64.const 32))))
              (local.set $x
                (i64.or (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x000000ff000000ff))
                  (i64.shl (i64.and (local.get $x) (i64.const 0x000000ff000000ff)) (i64.const 16))))
              (local.set $x
                (i64.or (i64.and (i64.shr_u (local.get $x) (i64.const 4)) (i64.const 0x000f000f000f000f))
                  (i64.shl (i64.and (local.get $x) (i64.const 0x000f000f000f000f)) (i64.const 8))))
              (local.set $x
                (i64.add (i64.add (local.get $x) (i64.const 0x3030303030303030))
                  (i64.mul
                    (i64.and (i64.shr_u (i64.add (local.get $x) (i64.const 0x0606060606060606)) (i64.const 4))
                      (i64.const 0x0101010101010101))
                    (i64.const 39))))
              ;; The high group, then the low one: digits (1 for 0..15, up to 4: the bit length in nibbles), the
              ;; digits shifted so the first is the first byte, and a colon; in place of the run's first group, its
              ;; colon (or two).
              (local.set $w
                (i32.shr_u (i32.sub (i32.const 35) (i32.clz (i32.or (i32.shr_u (local.get $w0) (i32.const 16)) (i32.const 1)))) (i32.const 2)))
              (local.set $start (i32.eq (local.get $k) (local.get $gs)))
              (i64.store (local.get $out)
                (select (i64.const 0x3a3a)
                  (i64.or
                    (i64.shr_u (i64.and (local.get $x) (i64.const 0xffffffff)) (i64.extend_i32_u (i32.shl (i32.sub (i32.const 4) (local.get $w)) (i32.const 3))))
                    (i64.shl (i64.const 58) (i64.extend_i32_u (i32.shl (local.get $w) (i32.const 3)))))
                  (local.get $start)))
              (local.set $out
                (i32.add (local.get $out)
                  (select (local.get $extra)
                    (select (i32.const 0) (i32.add (local.get $w) (i32.const 1))
                      (i32.lt_u (i32.sub (local.get $k) (local.get $gs)) (local.get $span)))
                    (local.get $start))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (local.set $w
                (i32.shr_u (i32.sub (i32.const 35) (i32.clz (i32.or (i32.and (local.get $w0) (i32.const 0xffff)) (i32.const 1)))) (i32.const 2)))
              (local.set $start (i32.eq (local.get $k) (local.get $gs)))
              (i64.store (local.get $out)
                (select (i64.const 0x3a3a)
                  (i64.or
                    (i64.shr_u (i64.shr_u (local.get $x) (i64.const 32)) (i64.extend_i32_u (i32.shl (i32.sub (i32.const 4) (local.get $w)) (i32.const 3))))
                    (i64.shl (i64.const 58) (i64.extend_i32_u (i32.shl (local.get $w) (i32.const 3)))))
                  (local.get $start)))
              (local.set $out
                (i32.add (local.get $out)
                  (select (local.get $extra)
                    (select (i32.const 0) (i32.add (local.get $w) (i32.const 1))
                      (i32.lt_u (i32.sub (local.get $k) (local.get $gs)) (local.get $span)))
                    (local.get $start))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $pairs (i32.lt_u (local.get $k) (i32.const 8))))
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
