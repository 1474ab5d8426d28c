;; The IPv6 writer (v6-kernel.ts drives it, a piece at a time): entries as RFC 5952 text lines, in the IPv6 kernel's
;; memory (this module shares it). The text is as formatIpv6Address prints it: lower case, no leading zeros, the
;; first longest run of two or more zero groups as `::`, ::ffff:a.b.c.d for IPv4-mapped addresses. Few branches on
;; the data and one store per group, all eight groups worked out at once in SIMD: an entry's 32 hex digits, each
;; group's width, its 8 bytes (its digits and a colon, or the run's `::`) by one swizzle a pair of groups, where
;; each goes by a prefix sum of their advances; where the run is, from a table by the zero groups; each group is
;; stored whether or not it is kept (the next store overwrites one that is not); the `/len` from a table. The
;; 800k-entry aggregate of bench/corpus-v6.mjs: 25 ms with a branch per group and per digit width, 16 ms with a
;; loop over the groups (its width, shift and advance in scalar code per group), 11.9 ms with this.
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
    (local $i i32) (local $p i32) (local $gs i32) (local $end i32) (local $w0 i32) (local $w1 i32) (local $w2 i32)
    (local $w3 i32) (local $t i32) (local $len i32) (local $suffix i64) (local $v v128) (local $hi v128)
    (local $lo v128) (local $a v128) (local $b v128) (local $da v128) (local $db v128) (local $g v128) (local $w v128)
    (local $wn v128) (local $wb v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $k v128) (local $adv v128) (local $sum v128) (local $off v128)
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
            ;; Each group as hex and a colon; a group in the run is stored and not kept. In place of the run's
            ;; first group, one more colon (two when the address starts with the run): `a:b:` `:` `c:` is a:b::c:
            ;; and the last colon goes, unless the run ends the address (a:: and ::).
            ;; The 32 nibbles as bytes in address order (the words' bytes reversed), groups 0-3 in $a, 4-7 in $b.
            (local.set $v
              (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12 (v128.load (local.get $p)) (v128.load (local.get $p))))
            (local.set $hi (i8x16.shr_u (local.get $v) (i32.const 4)))
            (local.set $lo (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
            (local.set $a
              (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $hi) (local.get $lo)))
            (local.set $b
              (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $hi) (local.get $lo)))
            ;; The 32 hex digits as ASCII, four a group in address order: groups 0-3 in $da, 4-7 in $db.
            (local.set $da
              (i8x16.swizzle (v128.const i8x16 48 49 50 51 52 53 54 55 56 57 97 98 99 100 101 102) (local.get $a)))
            (local.set $db
              (i8x16.swizzle (v128.const i8x16 48 49 50 51 52 53 54 55 56 57 97 98 99 100 101 102) (local.get $b)))
            ;; The groups as u16 lanes in address order (each word's two halves swapped); the run, from the table
            ;; by which of them are zero.
            (local.set $g
              (i8x16.shuffle 2 3 0 1 6 7 4 5 10 11 8 9 14 15 12 13 (v128.load (local.get $p)) (v128.load (local.get $p))))
            (local.set $t
              (i32.load8_u (i32.add (global.get $runTable)
                (i8x16.bitmask (i8x16.narrow_i16x8_s (i16x8.eq (local.get $g) (v128.const i64x2 0 0))
                  (v128.const i64x2 0 0))))))
            (local.set $gs (i32.and (local.get $t) (i32.const 15)))
            (local.set $end (i32.shr_u (local.get $t) (i32.const 4)))
            ;; Each group's digits: one, and one for each of 0xf, 0xff, 0xfff it exceeds (compares are -1); also
            ;; as bytes (group k in byte k).
            (local.set $w
              (i16x8.sub (v128.const i16x8 1 1 1 1 1 1 1 1)
                (i16x8.add
                  (i16x8.add (i16x8.gt_u (local.get $g) (v128.const i16x8 15 15 15 15 15 15 15 15))
                    (i16x8.gt_u (local.get $g) (v128.const i16x8 255 255 255 255 255 255 255 255)))
                  (i16x8.gt_u (local.get $g) (v128.const i16x8 4095 4095 4095 4095 4095 4095 4095 4095)))))
            (local.set $wn (i8x16.narrow_i16x8_u (local.get $w) (local.get $w)))
            ;; Each group's 8 bytes, two groups a vector: its digits less the leading zeros, a colon, then zeros
            ;; (swizzle indices past 15 give 0); for the run's first group, its colons `::` instead.
            (local.set $wb
              (i8x16.swizzle (local.get $wn) (v128.const i8x16 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1)))
            (local.set $s0
              (v128.bitselect (v128.const i8x16 58 58 0 0 0 0 0 0 58 58 0 0 0 0 0 0)
                (v128.or
                  (i8x16.swizzle (local.get $da)
                    (v128.or
                      (i8x16.add (i8x16.sub (v128.const i8x16 4 4 4 4 4 4 4 4 8 8 8 8 8 8 8 8) (local.get $wb))
                        (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7))
                      (i8x16.ge_u (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7) (local.get $wb))))
                  (v128.and (i8x16.eq (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7) (local.get $wb))
                    (v128.const i8x16 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58)))
                (i8x16.eq (v128.const i8x16 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1) (i8x16.splat (local.get $gs)))))
            (local.set $wb
              (i8x16.swizzle (local.get $wn) (v128.const i8x16 2 2 2 2 2 2 2 2 3 3 3 3 3 3 3 3)))
            (local.set $s1
              (v128.bitselect (v128.const i8x16 58 58 0 0 0 0 0 0 58 58 0 0 0 0 0 0)
                (v128.or
                  (i8x16.swizzle (local.get $da)
                    (v128.or
                      (i8x16.add (i8x16.sub (v128.const i8x16 12 12 12 12 12 12 12 12 16 16 16 16 16 16 16 16) (local.get $wb))
                        (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7))
                      (i8x16.ge_u (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7) (local.get $wb))))
                  (v128.and (i8x16.eq (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7) (local.get $wb))
                    (v128.const i8x16 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58)))
                (i8x16.eq (v128.const i8x16 2 2 2 2 2 2 2 2 3 3 3 3 3 3 3 3) (i8x16.splat (local.get $gs)))))
            (local.set $wb
              (i8x16.swizzle (local.get $wn) (v128.const i8x16 4 4 4 4 4 4 4 4 5 5 5 5 5 5 5 5)))
            (local.set $s2
              (v128.bitselect (v128.const i8x16 58 58 0 0 0 0 0 0 58 58 0 0 0 0 0 0)
                (v128.or
                  (i8x16.swizzle (local.get $db)
                    (v128.or
                      (i8x16.add (i8x16.sub (v128.const i8x16 4 4 4 4 4 4 4 4 8 8 8 8 8 8 8 8) (local.get $wb))
                        (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7))
                      (i8x16.ge_u (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7) (local.get $wb))))
                  (v128.and (i8x16.eq (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7) (local.get $wb))
                    (v128.const i8x16 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58)))
                (i8x16.eq (v128.const i8x16 4 4 4 4 4 4 4 4 5 5 5 5 5 5 5 5) (i8x16.splat (local.get $gs)))))
            (local.set $wb
              (i8x16.swizzle (local.get $wn) (v128.const i8x16 6 6 6 6 6 6 6 6 7 7 7 7 7 7 7 7)))
            (local.set $s3
              (v128.bitselect (v128.const i8x16 58 58 0 0 0 0 0 0 58 58 0 0 0 0 0 0)
                (v128.or
                  (i8x16.swizzle (local.get $db)
                    (v128.or
                      (i8x16.add (i8x16.sub (v128.const i8x16 12 12 12 12 12 12 12 12 16 16 16 16 16 16 16 16) (local.get $wb))
                        (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7))
                      (i8x16.ge_u (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7) (local.get $wb))))
                  (v128.and (i8x16.eq (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7) (local.get $wb))
                    (v128.const i8x16 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58)))
                (i8x16.eq (v128.const i8x16 6 6 6 6 6 6 6 6 7 7 7 7 7 7 7 7) (i8x16.splat (local.get $gs)))))
            ;; Where each group goes: the sum of the advances before it. A group advances by its digits and colon,
            ;; the run's first by its colons (one, two when the run starts the address), the rest of the run by 0.
            (local.set $k (v128.const i16x8 0 1 2 3 4 5 6 7))
            (local.set $adv
              (v128.or
                (v128.and
                  (v128.or (i16x8.lt_u (local.get $k) (i16x8.splat (local.get $gs)))
                    (i16x8.ge_u (local.get $k) (i16x8.splat (local.get $end))))
                  (i16x8.add (local.get $w) (v128.const i16x8 1 1 1 1 1 1 1 1)))
                (v128.and (i16x8.eq (local.get $k) (i16x8.splat (local.get $gs)))
                  (i16x8.splat (i32.add (i32.const 1) (i32.eqz (local.get $gs)))))))
            (local.set $sum
              (i16x8.add (local.get $adv)
                (i8x16.shuffle 16 17 0 1 2 3 4 5 6 7 8 9 10 11 12 13 (local.get $adv) (v128.const i64x2 0 0))))
            (local.set $sum
              (i16x8.add (local.get $sum)
                (i8x16.shuffle 16 17 18 19 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $sum) (v128.const i64x2 0 0))))
            (local.set $sum
              (i16x8.add (local.get $sum)
                (i8x16.shuffle 16 17 18 19 20 21 22 23 0 1 2 3 4 5 6 7 (local.get $sum) (v128.const i64x2 0 0))))
            (local.set $off (i16x8.sub (local.get $sum) (local.get $adv)))
            ;; In order, each store overwriting what the one before wrote past its text.
            (i64.store (i32.add (local.get $out) (i16x8.extract_lane_u 0 (local.get $off)))
              (i64x2.extract_lane 0 (local.get $s0)))
            (i64.store (i32.add (local.get $out) (i16x8.extract_lane_u 1 (local.get $off)))
              (i64x2.extract_lane 1 (local.get $s0)))
            (i64.store (i32.add (local.get $out) (i16x8.extract_lane_u 2 (local.get $off)))
              (i64x2.extract_lane 0 (local.get $s1)))
            (i64.store (i32.add (local.get $out) (i16x8.extract_lane_u 3 (local.get $off)))
              (i64x2.extract_lane 1 (local.get $s1)))
            (i64.store (i32.add (local.get $out) (i16x8.extract_lane_u 4 (local.get $off)))
              (i64x2.extract_lane 0 (local.get $s2)))
            (i64.store (i32.add (local.get $out) (i16x8.extract_lane_u 5 (local.get $off)))
              (i64x2.extract_lane 1 (local.get $s2)))
            (i64.store (i32.add (local.get $out) (i16x8.extract_lane_u 6 (local.get $off)))
              (i64x2.extract_lane 0 (local.get $s3)))
            (i64.store (i32.add (local.get $out) (i16x8.extract_lane_u 7 (local.get $off)))
              (i64x2.extract_lane 1 (local.get $s3)))
            ;; The last colon goes, unless the run ends the address (a:: and ::).
            (local.set $out
              (i32.sub (i32.add (local.get $out) (i16x8.extract_lane_u 7 (local.get $sum)))
                (i32.ne (local.get $end) (i32.const 8))))))
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
