;; The IPv6 sort (v6-kernel.ts drives it; sort-v6.ts hands it runs of at most a few ten thousand entries): entries
;; into PrefixList order (address, then length), in the IPv6 kernel's memory (this module shares it). An MSD radix
;; sort on bytes: the key is the address's 16 bytes, most significant first, then the length; each range of more than
;; 20 entries is counted by its next byte and moved into its buckets in the other of two rooms ($rec and $tmp, in
;; turn by level, each range copied back to $rec once at its end; a byte all its entries share is skipped without
;; moving them), each bucket sorted by the bytes after it; short ranges by insertion. No comparison decides a move in
;; the long ranges, so a 128-bit key costs no mispredicted branches: on bench/corpus-v6.mjs the runs of 1M entries
;; took 80 ms with the introsort this replaced, 33 ms with this (the copies in and out included), ~4 ms less again
;; once the groups skip bytes 0-1, the buckets are found by a map of the bytes present and the records no longer go
;; back after each level. At most 17 levels: no input makes it quadratic.
;;
;; An entry is four little-endian u32 words, most significant first (as Ipv6Prefixes.words), and a u8 length; the
;; sort works on records of three i64 (high, low, length). Built by scripts/build-wasm.mjs into v6-sort-wasm.ts.
(module
  (import "env" "memory" (memory 1))
  ;; Records at $rec, the same room at $tmp, and 18 KiB + 32 bytes of counts at $hist (one 1 KiB table per level,
  ;; zero but while its level is at work; the fill points of the level being moved; the map of its bytes).
  (global $rec (mut i32) (i32.const 0))
  (global $tmp (mut i32) (i32.const 0))
  (global $hist (mut i32) (i32.const 0))

  ;; Sorts n entries (words at $words, lengths at $lens) in place, each once: returns how many are left, the
  ;; first of each run of equal entries (the builder's dedup pass, done here as the records go back).
  (func (export "sort") (param $words i32) (param $lens i32) (param $n i32) (param $rec i32) (param $tmp i32)
    (param $hist i32) (result i32)
    (local $i i32) (local $p i32) (local $r i32) (local $o i32) (local $s i32) (local $top i64) (local $next i64)
    (if (i32.lt_u (local.get $n) (i32.const 2)) (then (return (local.get $n))))
    (global.set $rec (local.get $rec))
    (global.set $tmp (local.get $tmp))
    (global.set $hist (local.get $hist))
    ;; Records in: the two words of each half swapped into one little-endian i64 (a byte shuffle; the same one
    ;; takes them out again below).
    (loop $in
      (local.set $p (i32.add (local.get $words) (i32.shl (local.get $i) (i32.const 4))))
      (local.set $r (i32.add (local.get $rec) (i32.mul (local.get $i) (i32.const 24))))
      (v128.store (local.get $r)
        (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (v128.load (local.get $p)) (v128.const i64x2 0 0)))
      (i64.store offset=16 (local.get $r) (i64.load8_u (i32.add (local.get $lens) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $in (i32.lt_u (local.get $i) (local.get $n))))
    ;; Counts start at zero (each level's table is zeroed as it is read back, so there is no fill per range).
    (memory.fill (local.get $hist) (i32.const 0) (i32.const 17408))
    (memory.fill (i32.add (local.get $hist) (i32.const 18432)) (i32.const 0) (i32.const 32))
    ;; Records already grouped by their top 16 bits in ascending order (sort-v6.ts hands over runs of its buckets
    ;; so): each group sorted from byte 2 on, not counted and moved by bytes 0 and 1 first (a pass over every
    ;; record each, on bench/corpus-v6.mjs a tenth of the moves). Any other order: the whole range from byte 0.
    (local.set $top (i64.shr_u (i64.load (local.get $rec)) (i64.const 48)))
    (block $sorted
      (block $whole
        (local.set $i (i32.const 1))
        (block $ascending
          (loop $check
            (br_if $ascending (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $next
              (i64.shr_u (i64.load (i32.add (local.get $rec) (i32.mul (local.get $i) (i32.const 24)))) (i64.const 48)))
            (br_if $whole (i64.lt_u (local.get $next) (local.get $top)))
            (local.set $top (local.get $next))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $check)))
        ;; Each group [s, i) sorted as its end is met (at i = n, the end of the last).
        (local.set $i (i32.const 1))
        (local.set $s (i32.const 0))
        (local.set $top (i64.shr_u (i64.load (local.get $rec)) (i64.const 48)))
        (loop $groups
          (local.set $next (i64.const -1))
          (if (i32.lt_u (local.get $i) (local.get $n))
            (then
              (local.set $next
                (i64.shr_u (i64.load (i32.add (local.get $rec) (i32.mul (local.get $i) (i32.const 24))))
                  (i64.const 48)))))
          (if (i64.ne (local.get $next) (local.get $top))
            (then
              (if (i32.gt_u (i32.sub (local.get $i) (local.get $s)) (i32.const 1))
                (then (call $radix (local.get $s) (local.get $i) (i32.const 2) (local.get $rec))))
              (local.set $top (local.get $next))
              (local.set $s (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $groups (i32.le_u (local.get $i) (local.get $n))))
        (br $sorted))
      (call $radix (i32.const 0) (local.get $n) (i32.const 0) (local.get $rec)))
    (local.set $i (i32.const 0))
    (loop $out
      (local.set $r (i32.add (local.get $rec) (i32.mul (local.get $i) (i32.const 24))))
      ;; Not the record before it (the first always kept).
      (if (i32.or (i32.eqz (local.get $i))
            (i32.or (i64.ne (i64.load (local.get $r)) (i64.load (i32.sub (local.get $r) (i32.const 24))))
              (i32.or (i64.ne (i64.load offset=8 (local.get $r)) (i64.load (i32.sub (local.get $r) (i32.const 16))))
                (i64.ne (i64.load offset=16 (local.get $r)) (i64.load (i32.sub (local.get $r) (i32.const 8)))))))
        (then
          (v128.store (i32.add (local.get $words) (i32.shl (local.get $o) (i32.const 4)))
            (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (v128.load (local.get $r)) (v128.const i64x2 0 0)))
          (i32.store8 (i32.add (local.get $lens) (local.get $o)) (i32.load8_u offset=16 (local.get $r)))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $out (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $o))

  ;; Sorts records [lo, hi) whose key bytes before $d are all equal, by key bytes $d on (0-15: the address, most
  ;; significant first; 16: the length).
  (func $radix (param $lo i32) (param $hi i32) (param $d i32) (param $src i32)
    (local $cnt i32) (local $fill i32) (local $off i32) (local $p i32) (local $end i32) (local $c i32) (local $q i32)
    (local $sum i32) (local $b i32) (local $byte i32) (local $bm i32) (local $k i32) (local $m i64) (local $m0 i64)
    (local $m1 i64) (local $m2 i64) (local $m3 i64) (local $dst i32)
    ;; The other room: each level moves the records from one room to the other, never back (a copy per record and
    ;; level); a range whose records end up in $tmp is copied to $rec once, where it is sorted.
    (local.set $dst (i32.sub (i32.add (global.get $rec) (global.get $tmp)) (local.get $src)))
    (loop $level
      (if (i32.le_u (i32.sub (local.get $hi) (local.get $lo)) (i32.const 20))
        (then
          (call $insertion (local.get $lo) (local.get $hi) (local.get $src))
          (call $back (local.get $lo) (local.get $hi) (local.get $src))
          (return)))
      (if (i32.gt_u (local.get $d) (i32.const 16)) ;; equal records
        (then
          (call $back (local.get $lo) (local.get $hi) (local.get $src))
          (return)))
      ;; The byte's place in a record: high (bytes 0-7) and low (8-15) are little-endian i64, the length at 16.
      (local.set $off
        (select (i32.sub (i32.const 7) (local.get $d))
          (select (i32.sub (i32.const 23) (local.get $d)) (i32.const 16) (i32.lt_u (local.get $d) (i32.const 16)))
          (i32.lt_u (local.get $d) (i32.const 8))))
      (local.set $cnt (i32.add (global.get $hist) (i32.shl (local.get $d) (i32.const 10))))
      (local.set $p (i32.add (local.get $src) (i32.add (i32.mul (local.get $lo) (i32.const 24)) (local.get $off))))
      (local.set $end (i32.add (local.get $src) (i32.add (i32.mul (local.get $hi) (i32.const 24)) (local.get $off))))
      ;; Counts, and the set of bytes seen as a 256-bit map, so the fill points and the buckets below visit only
      ;; the bytes present: most ranges are small (on bench/corpus-v6.mjs 29k of its 30k passes have under 256
      ;; records), and two walks over all 256 counts cost them more than their records did.
      (local.set $bm (i32.add (global.get $hist) (i32.const 18432)))
      (loop $count
        (local.set $byte (i32.load8_u (local.get $p)))
        (local.set $c (i32.add (local.get $cnt) (i32.shl (local.get $byte) (i32.const 2))))
        (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
        (local.set $q (i32.add (local.get $bm) (i32.shl (i32.shr_u (local.get $byte) (i32.const 6)) (i32.const 3))))
        (i64.store (local.get $q)
          (i64.or (i64.load (local.get $q)) (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $byte)))))
        (local.set $p (i32.add (local.get $p) (i32.const 24)))
        (br_if $count (i32.lt_u (local.get $p) (local.get $end))))
      ;; The map into locals (the ranges sorted below use the memory's), zeroed again.
      (local.set $m0 (i64.load (local.get $bm)))
      (local.set $m1 (i64.load offset=8 (local.get $bm)))
      (local.set $m2 (i64.load offset=16 (local.get $bm)))
      (local.set $m3 (i64.load offset=24 (local.get $bm)))
      (i64.store (local.get $bm) (i64.const 0))
      (i64.store offset=8 (local.get $bm) (i64.const 0))
      (i64.store offset=16 (local.get $bm) (i64.const 0))
      (i64.store offset=24 (local.get $bm) (i64.const 0))
      ;; Every record has the same byte here: on to the next, nothing moved (its count zeroed again).
      (local.set $c (i32.add (local.get $cnt)
        (i32.shl (i32.load8_u (i32.add (local.get $src)
          (i32.add (i32.mul (local.get $lo) (i32.const 24)) (local.get $off)))) (i32.const 2))))
      (if (i32.eq (i32.load (local.get $c)) (i32.sub (local.get $hi) (local.get $lo)))
        (then
          (i32.store (local.get $c) (i32.const 0))
          (local.set $d (i32.add (local.get $d) (i32.const 1)))
          (br $level)))
      ;; Fill points (record addresses in the other room) of the bytes present, then each record moved to its
      ;; bucket's.
      (local.set $fill (i32.add (global.get $hist) (i32.const 17408)))
      (local.set $sum (i32.add (local.get $dst) (i32.mul (local.get $lo) (i32.const 24))))
      (local.set $k (i32.const 0))
      (loop $words
        (local.set $m
          (select (local.get $m0)
            (select (local.get $m1) (select (local.get $m2) (local.get $m3) (i32.eq (local.get $k) (i32.const 2)))
              (i32.eq (local.get $k) (i32.const 1)))
            (i32.eqz (local.get $k))))
        (block $none
          (loop $points
            (br_if $none (i64.eqz (local.get $m)))
            (local.set $b
              (i32.shl (i32.add (i32.shl (local.get $k) (i32.const 6)) (i32.wrap_i64 (i64.ctz (local.get $m))))
                (i32.const 2)))
            (local.set $m (i64.and (local.get $m) (i64.sub (local.get $m) (i64.const 1))))
            (i32.store (i32.add (local.get $fill) (local.get $b)) (local.get $sum))
            (local.set $sum
              (i32.add (local.get $sum) (i32.mul (i32.load (i32.add (local.get $cnt) (local.get $b))) (i32.const 24))))
            (br $points)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $words (i32.lt_u (local.get $k) (i32.const 4))))
      (local.set $p (i32.add (local.get $src) (i32.mul (local.get $lo) (i32.const 24))))
      (local.set $end (i32.add (local.get $src) (i32.mul (local.get $hi) (i32.const 24))))
      (loop $move
        (local.set $c
          (i32.add (local.get $fill) (i32.shl (i32.load8_u (i32.add (local.get $p) (local.get $off))) (i32.const 2))))
        (local.set $q (i32.load (local.get $c)))
        (i32.store (local.get $c) (i32.add (local.get $q) (i32.const 24)))
        (i64.store (local.get $q) (i64.load (local.get $p)))
        (i64.store offset=8 (local.get $q) (i64.load offset=8 (local.get $p)))
        (i64.store offset=16 (local.get $q) (i64.load offset=16 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 24)))
        (br_if $move (i32.lt_u (local.get $p) (local.get $end))))
      ;; Each bucket by the bytes after this one (this level's counts stay at $cnt meanwhile).
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (local.set $k (i32.const 0))
      (loop $words
        (local.set $m
          (select (local.get $m0)
            (select (local.get $m1) (select (local.get $m2) (local.get $m3) (i32.eq (local.get $k) (i32.const 2)))
              (i32.eq (local.get $k) (i32.const 1)))
            (i32.eqz (local.get $k))))
        (block $none
          (loop $buckets
            (br_if $none (i64.eqz (local.get $m)))
            (local.set $b
              (i32.shl (i32.add (i32.shl (local.get $k) (i32.const 6)) (i32.wrap_i64 (i64.ctz (local.get $m))))
                (i32.const 2)))
            (local.set $m (i64.and (local.get $m) (i64.sub (local.get $m) (i64.const 1))))
            (local.set $c (i32.load (i32.add (local.get $cnt) (local.get $b))))
            (i32.store (i32.add (local.get $cnt) (local.get $b)) (i32.const 0))
            (if (i32.gt_u (local.get $c) (i32.const 1))
              (then (call $radix (local.get $lo) (i32.add (local.get $lo) (local.get $c)) (local.get $d) (local.get $dst)))
              (else (call $back (local.get $lo) (i32.add (local.get $lo) (i32.const 1)) (local.get $dst))))
            (local.set $lo (i32.add (local.get $lo) (local.get $c)))
            (br $buckets)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $words (i32.lt_u (local.get $k) (i32.const 4))))))

  ;; Records [lo, hi) copied to $rec when they are in $tmp (room: the one they are in).
  (func $back (param $lo i32) (param $hi i32) (param $room i32)
    (local $p i32) (local $q i32) (local $end i32)
    (if (i32.eq (local.get $room) (global.get $rec)) (then (return)))
    (local.set $p (i32.add (local.get $room) (i32.mul (local.get $lo) (i32.const 24))))
    (local.set $end (i32.add (local.get $room) (i32.mul (local.get $hi) (i32.const 24))))
    (local.set $q (i32.add (global.get $rec) (i32.mul (local.get $lo) (i32.const 24))))
    (loop $copy
      (i64.store (local.get $q) (i64.load (local.get $p)))
      (i64.store offset=8 (local.get $q) (i64.load offset=8 (local.get $p)))
      (i64.store offset=16 (local.get $q) (i64.load offset=16 (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 24)))
      (local.set $q (i32.add (local.get $q) (i32.const 24)))
      (br_if $copy (i32.lt_u (local.get $p) (local.get $end)))))

  ;; Insertion sort of records [lo, hi) in room (whole keys compared: the range is short).
  (func $insertion (param $lo i32) (param $hi i32) (param $room i32)
    (local $p i32) (local $q i32) (local $first i32) (local $last i32) (local $h i64) (local $l i64) (local $len i64)
    (local $x i64) (local $y i64)
    (local.set $first (i32.add (local.get $room) (i32.mul (local.get $lo) (i32.const 24))))
    (local.set $last (i32.add (local.get $room) (i32.mul (local.get $hi) (i32.const 24))))
    (local.set $p (local.get $first))
    (block $done
      (loop $outer
        (local.set $p (i32.add (local.get $p) (i32.const 24)))
        (br_if $done (i32.ge_u (local.get $p) (local.get $last)))
        (local.set $h (i64.load (local.get $p)))
        (local.set $l (i64.load offset=8 (local.get $p)))
        (local.set $len (i64.load offset=16 (local.get $p)))
        (local.set $q (local.get $p))
        (block $placed
          (loop $shift
            (br_if $placed (i32.le_u (local.get $q) (local.get $first)))
            ;; Stop when rec[q - 1] <= the value.
            (local.set $x (i64.load (i32.sub (local.get $q) (i32.const 24))))
            (local.set $y (i64.load (i32.sub (local.get $q) (i32.const 16))))
            (br_if $placed
              (i32.eqz
                (i32.or (i64.gt_u (local.get $x) (local.get $h))
                  (i32.and (i64.eq (local.get $x) (local.get $h))
                    (i32.or (i64.gt_u (local.get $y) (local.get $l))
                      (i32.and (i64.eq (local.get $y) (local.get $l))
                        (i64.gt_u (i64.load (i32.sub (local.get $q) (i32.const 8))) (local.get $len))))))))
            (i64.store (local.get $q) (local.get $x))
            (i64.store offset=8 (local.get $q) (local.get $y))
            (i64.store offset=16 (local.get $q) (i64.load (i32.sub (local.get $q) (i32.const 8))))
            (local.set $q (i32.sub (local.get $q) (i32.const 24)))
            (br $shift)))
        (i64.store (local.get $q) (local.get $h))
        (i64.store offset=8 (local.get $q) (local.get $l))
        (i64.store offset=16 (local.get $q) (local.get $len))
        (br $outer)))))
