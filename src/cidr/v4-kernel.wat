;; The IPv4 text kernel of `tscm policy DEVICE --cidrs` (v4-kernel.ts drives it): scan lines into (addr, len)
;; arrays, sort by address, merge into the canonical minimal CIDR list, write it as text. WebAssembly because a
;; one-shot command runs these loops once each, over 1M entries: V8's JavaScript spends most of that time before
;; its optimised code is ready, while WebAssembly is compiled before the first call. Every loop is the same as the
;; JavaScript it replaces (parse-text.ts's string path stays the authority for any line scan does not take).
;;
;; Built by scripts/build-wasm.mjs into v4-kernel-wasm.ts (base64); v4-kernel.test.ts checks the two match.
;; Memory is the caller's: one WebAssembly.Memory per job, laid out by v4-kernel.ts.
(module
  (import "env" "memory" (memory 1))
  ;; scan's counters between calls: entries taken, lines passed, entries with host bits set.
  (global $count (export "count") (mut i32) (i32.const 0))
  (global $line (export "line") (mut i32) (i32.const 0))
  (global $hostBits (export "hostBits") (mut i32) (i32.const 0))
  ;; write's digit tables (see init).
  (global $table (mut i32) (i32.const 0))
  ;; For an aggregating scan (0: off): one bit per /16 (8 KiB), set once an entry taken covers that whole /16, so
  ;; entries inside covered space are not stored (a list of mostly wide prefixes shrinks to the few that matter).
  (global $cover (export "cover") (mut i32) (i32.const 0))
  ;; With it, a repeat cache: 8192 sets of 8 ways of 8 bytes (address, length, plus 1; 0 is an empty way), a set
  ;; per 64-byte line, so a list that repeats its entries stores each about once while they fit (the dups shape of
  ;; bench/corpus.mjs, 48.6k entries ~20 times each, stores 71k entries where one slot per hash stored 257k).
  (global $seen (export "seen") (mut i32) (i32.const 0))

  ;; Takes lines from pos on while they are blank, comments, or a strict IPv4 entry (a dotted quad without leading
  ;; zeros, optional /len without leading zero, blanks or CR, then end of line or a # comment), storing entries at
  ;; addr (u32) and lens (u8), but for those inside space already covered when $cover is on. Returns the start of
  ;; the first line it did not take (n or more at the end). It stops when cap entries are stored. The byte at n must
  ;; be a newline (the sentinel that ends the last line), and 32 readable bytes must follow it: an entry is read
  ;; without a branch per digit (random digit counts defeat branch prediction), a few bytes at a time, so a line
  ;; near the end may be read past its newline before it is refused.
  (func (export "scan") (param $pos i32) (param $n i32) (param $addr i32) (param $lens i32) (param $cap i32)
    (result i32)
    (local $i i32) (local $c i32) (local $a i32) (local $octets i32) (local $d i32) (local $octet i32)
    (local $len i32) (local $net i32) (local $count i32) (local $line i32) (local $hb i32) (local $key i64)
    (local $w i32) (local $d1 i32) (local $d2 i32) (local $is1 i32) (local $is2 i32) (local $bad i32)
    (local $slash i32) (local $kv v128) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $count (global.get $count))
    (local.set $line (global.get $line))
    (local.set $hb (global.get $hostBits))
    (block $stop
      (loop $lines
        (br_if $stop (i32.ge_u (local.get $pos) (local.get $n)))
        (br_if $stop (i32.ge_u (local.get $count) (local.get $cap)))
        (local.set $i (local.get $pos))
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9))
          (then
            (call $blanks (local.get $i) (local.get $c))
            (local.set $c) (local.set $i)
            ;; A blank line or a comment line.
            (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 35)))
              (then
                (local.set $pos (i32.add (call $eol (local.get $i)) (i32.const 1)))
                (local.set $line (i32.add (local.get $line) (i32.const 1)))
                (br $lines)))))
        ;; Four octets, each one to three digits (no leading zero, at most 255), with dots between: any fault sets
        ;; $bad, checked once after the four.
        (local.set $a (i32.const 0))
        (local.set $octets (i32.const 0))
        (local.set $bad (i32.const 0))
        (loop $octet
          (local.set $w (i32.load (local.get $i)))
          (local.set $d (i32.sub (i32.and (local.get $w) (i32.const 255)) (i32.const 48)))
          (local.set $d1 (i32.sub (i32.and (i32.shr_u (local.get $w) (i32.const 8)) (i32.const 255)) (i32.const 48)))
          (local.set $d2 (i32.sub (i32.and (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 255)) (i32.const 48)))
          (local.set $is1 (i32.le_u (local.get $d1) (i32.const 9)))
          (local.set $is2 (i32.and (local.get $is1) (i32.le_u (local.get $d2) (i32.const 9))))
          (local.set $octet
            (select
              (i32.add (i32.add (i32.mul (local.get $d) (i32.const 100)) (i32.mul (local.get $d1) (i32.const 10)))
                (local.get $d2))
              (select (i32.add (i32.mul (local.get $d) (i32.const 10)) (local.get $d1)) (local.get $d) (local.get $is1))
              (local.get $is2)))
          (local.set $bad
            (i32.or (local.get $bad)
              (i32.or (i32.gt_u (local.get $d) (i32.const 9))
                (i32.or (i32.and (local.get $is1) (i32.eqz (local.get $d)))
                  (i32.gt_u (local.get $octet) (i32.const 255))))))
          (local.set $i (i32.add (local.get $i) (i32.add (i32.const 1) (i32.add (local.get $is1) (local.get $is2)))))
          (local.set $a (i32.or (i32.shl (local.get $a) (i32.const 8)) (local.get $octet)))
          (local.set $octets (i32.add (local.get $octets) (i32.const 1)))
          (if (i32.lt_u (local.get $octets) (i32.const 4))
            (then
              (local.set $bad (i32.or (local.get $bad) (i32.ne (i32.load8_u (local.get $i)) (i32.const 46))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $octet))))
        (br_if $stop (local.get $bad))
        ;; An optional /len, 0..32, no leading zero.
        (local.set $c (i32.load8_u (local.get $i)))
        (local.set $slash (i32.eq (local.get $c) (i32.const 47)))
        (local.set $w (i32.load offset=1 (local.get $i)))
        (local.set $d (i32.sub (i32.and (local.get $w) (i32.const 255)) (i32.const 48)))
        (local.set $d1 (i32.sub (i32.and (i32.shr_u (local.get $w) (i32.const 8)) (i32.const 255)) (i32.const 48)))
        (local.set $is1 (i32.le_u (local.get $d1) (i32.const 9)))
        (local.set $len
          (select (i32.add (i32.mul (local.get $d) (i32.const 10)) (local.get $d1)) (local.get $d) (local.get $is1)))
        (br_if $stop
          (i32.and (local.get $slash)
            (i32.or (i32.gt_u (local.get $d) (i32.const 9))
              (i32.or (i32.and (local.get $is1) (i32.eqz (local.get $d)))
                (i32.gt_u (local.get $len) (i32.const 32))))))
        (local.set $len (select (local.get $len) (i32.const 32) (local.get $slash)))
        (local.set $i
          (i32.add (local.get $i) (select (i32.add (i32.const 2) (local.get $is1)) (i32.const 0) (local.get $slash))))
        (local.set $c (i32.load8_u (local.get $i)))
        ;; Then the end of the line, or blanks (a CR) and the end or a comment.
        (if (i32.ne (local.get $c) (i32.const 10))
          (then
            (call $blanks (local.get $i) (local.get $c))
            (local.set $c) (local.set $i)
            (br_if $stop
              (i32.and (i32.ne (local.get $c) (i32.const 10)) (i32.ne (local.get $c) (i32.const 35))))))
        (local.set $net
          (i32.and (local.get $a)
            (select (i32.const 0) (i32.shl (i32.const -1) (i32.sub (i32.const 32) (local.get $len)))
              (i32.eqz (local.get $len)))))
        (local.set $hb (i32.add (local.get $hb) (i32.ne (local.get $net) (local.get $a))))
        (block $stored
          (if (global.get $cover)
            (then
              ;; Dropped when every /16 it touches is already covered: it adds nothing to the union.
              ;; Up to 32 /16s (a /11 or longer) are bits of one word; more go word by word.
              (if (i32.ge_u (local.get $len) (i32.const 11))
                (then
                  (local.set $octet (i32.shr_u (local.get $net) (i32.const 16)))
                  (local.set $d
                    (i32.add (global.get $cover) (i32.shl (i32.shr_u (local.get $octet) (i32.const 5)) (i32.const 2))))
                  (local.set $w (i32.load (local.get $d)))
                  (local.set $octet
                    (select (i32.const -1)
                      (i32.shl
                        (i32.sub
                          (i32.shl (i32.const 1)
                            (select (i32.const 1) (i32.shl (i32.const 1) (i32.sub (i32.const 16) (local.get $len)))
                              (i32.ge_u (local.get $len) (i32.const 16))))
                          (i32.const 1))
                        (local.get $octet))
                      (i32.eq (local.get $len) (i32.const 11))))
                  (br_if $stored (i32.eq (i32.and (local.get $w) (local.get $octet)) (local.get $octet)))
                  (i32.store (local.get $d)
                    (select (i32.or (local.get $w) (local.get $octet)) (local.get $w)
                      (i32.le_u (local.get $len) (i32.const 16)))))
                (else
                  (br_if $stored (call $covered (i32.shr_u (local.get $net) (i32.const 16)) (local.get $len)))))
              ;; Dropped when the repeat cache holds it: an exact repeat. Its set (one 64-byte line of 8 ways) is
              ;; compared whole; a new entry takes the set's first empty way, or when the set is full the way its
              ;; hash picks.
              (local.set $w (i32.mul (i32.xor (local.get $net) (local.get $len)) (i32.const 0x9e3779b1)))
              (local.set $d
                (i32.add (global.get $seen) (i32.shl (i32.shr_u (local.get $w) (i32.const 19)) (i32.const 6))))
              (local.set $key
                (i64.add (i64.or (i64.shl (i64.extend_i32_u (local.get $net)) (i64.const 8)) (i64.extend_i32_u (local.get $len)))
                  (i64.const 1)))
              (local.set $kv (i64x2.splat (local.get $key)))
              (local.set $v0 (v128.load (local.get $d)))
              (local.set $v1 (v128.load offset=16 (local.get $d)))
              (local.set $v2 (v128.load offset=32 (local.get $d)))
              (local.set $v3 (v128.load offset=48 (local.get $d)))
              (br_if $stored
                (v128.any_true
                  (v128.or
                    (v128.or (i64x2.eq (local.get $v0) (local.get $kv)) (i64x2.eq (local.get $v1) (local.get $kv)))
                    (v128.or (i64x2.eq (local.get $v2) (local.get $kv)) (i64x2.eq (local.get $v3) (local.get $kv))))))
              (local.set $octet
                (i32.or
                  (i32.or (i64x2.bitmask (i64x2.eq (local.get $v0) (v128.const i64x2 0 0)))
                    (i32.shl (i64x2.bitmask (i64x2.eq (local.get $v1) (v128.const i64x2 0 0))) (i32.const 2)))
                  (i32.or (i32.shl (i64x2.bitmask (i64x2.eq (local.get $v2) (v128.const i64x2 0 0))) (i32.const 4))
                    (i32.shl (i64x2.bitmask (i64x2.eq (local.get $v3) (v128.const i64x2 0 0))) (i32.const 6)))))
              (i64.store
                (i32.add (local.get $d)
                  (i32.shl
                    (select (i32.ctz (local.get $octet)) (i32.and (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 7))
                      (local.get $octet))
                    (i32.const 3)))
                (local.get $key))))
          (i32.store (i32.add (local.get $addr) (i32.shl (local.get $count) (i32.const 2))) (local.get $net))
          (i32.store8 (i32.add (local.get $lens) (local.get $count)) (local.get $len))
          (local.set $count (i32.add (local.get $count) (i32.const 1))))
        (if (i32.eq (local.get $c) (i32.const 35)) (then (local.set $i (call $eol (local.get $i)))))
        (local.set $pos (i32.add (local.get $i) (i32.const 1)))
        (local.set $line (i32.add (local.get $line) (i32.const 1)))
        (br $lines)))
    (global.set $count (local.get $count))
    (global.set $line (local.get $line))
    (global.set $hostBits (local.get $hb))
    (local.get $pos))

  ;; Whether the /16s of a prefix of len < 16 starting at /16 number s are all covered; when not, marks them so.
  ;; One bit per /16: a /8 is 8 words.
  (func $covered (param $s i32) (param $len i32) (result i32)
    (local $k i32) (local $p i32) (local $end i32) (local $mask i32) (local $w i32)
    (local.set $k (i32.shl (i32.const 1) (i32.sub (i32.const 16) (local.get $len))))
    (local.set $p (i32.add (global.get $cover) (i32.shl (i32.shr_u (local.get $s) (i32.const 5)) (i32.const 2))))
    (if (i32.lt_u (local.get $k) (i32.const 32))
      (then
        (local.set $mask
          (i32.shl (i32.sub (i32.shl (i32.const 1) (local.get $k)) (i32.const 1)) (i32.and (local.get $s) (i32.const 31))))
        (local.set $w (i32.load (local.get $p)))
        (if (i32.eq (i32.and (local.get $w) (local.get $mask)) (local.get $mask)) (then (return (i32.const 1))))
        (i32.store (local.get $p) (i32.or (local.get $w) (local.get $mask)))
        (return (i32.const 0))))
    (local.set $end (i32.add (local.get $p) (i32.shr_u (local.get $k) (i32.const 3))))
    (block $open
      (loop $each
        (br_if $open (i32.ne (i32.load (local.get $p)) (i32.const -1)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $each (i32.lt_u (local.get $p) (local.get $end))))
      (return (i32.const 1)))
    (local.set $p (i32.add (global.get $cover) (i32.shl (i32.shr_u (local.get $s) (i32.const 5)) (i32.const 2))))
    (memory.fill (local.get $p) (i32.const 255) (i32.shr_u (local.get $k) (i32.const 3)))
    (i32.const 0))

  ;; Skips spaces, tabs and CRs from i (c is the byte at i); returns the new i and the byte there.
  (func $blanks (param $i i32) (param $c i32) (result i32 i32)
    (block $done
      (loop $skip
        (br_if $done
          (i32.and (i32.and (i32.ne (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9)))
            (i32.ne (local.get $c) (i32.const 13))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $c (i32.load8_u (local.get $i)))
        (br $skip)))
    (local.get $i) (local.get $c))

  ;; The position of the next newline from i on (the sentinel at the end stops it).
  (func $eol (param $i i32) (result i32)
    (block $done
      (loop $find
        (br_if $done (i32.eq (i32.load8_u (local.get $i)) (i32.const 10)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $find)))
    (local.get $i))

  ;; Sorts the first n entries by address (equal addresses in any order: aggregate merges them whatever their
  ;; lengths): nothing when already sorted; when at most 1/16 are out of order (a sorted file whose host-bit
  ;; entries were masked down), those are set aside in tmp (room for n/16 + 1), sorted there and merged back from
  ;; the end; else as $radix sorts. hist: 24 KiB.
  (func (export "sort") (param $addr i32) (param $lens i32) (param $n i32) (param $tmpAddr i32) (param $tmpLen i32)
    (param $hist i32) (param $scr i32) (param $scrLen i32) (param $scrCap i32)
    (local $i i32) (local $a i32) (local $last i32) (local $out i32) (local $kept i32) (local $j i32) (local $w i32)
    (local $b i32)
    (if (i32.lt_u (local.get $n) (i32.const 2)) (then (return)))
    ;; Count the entries below the running maximum.
    (local.set $last (i32.load (local.get $addr)))
    (local.set $i (i32.const 1))
    (loop $count
      (local.set $a (i32.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.lt_u (local.get $a) (local.get $last))
        (then (local.set $out (i32.add (local.get $out) (i32.const 1))))
        (else (local.set $last (local.get $a))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $count (i32.lt_u (local.get $i) (local.get $n))))
    (if (i32.eqz (local.get $out)) (then (return)))
    (if (i32.gt_u (local.get $out) (i32.shr_u (local.get $n) (i32.const 4)))
      (then
        (call $radix (local.get $addr) (local.get $lens) (local.get $n) (local.get $hist)
      (local.get $scr) (local.get $scrLen) (local.get $scrCap))
        (return)))
    ;; Nearly sorted: the kept entries close up at the front, the others go to tmp[0, out).
    (local.set $last (i32.load (local.get $addr)))
    (local.set $kept (i32.const 1))
    (local.set $j (i32.const 0))
    (local.set $i (i32.const 1))
    (loop $split
      (local.set $a (i32.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $b (i32.load8_u (i32.add (local.get $lens) (local.get $i))))
      (if (i32.lt_u (local.get $a) (local.get $last))
        (then
          (i32.store (i32.add (local.get $tmpAddr) (i32.shl (local.get $j) (i32.const 2))) (local.get $a))
          (i32.store8 (i32.add (local.get $tmpLen) (local.get $j)) (local.get $b))
          (local.set $j (i32.add (local.get $j) (i32.const 1))))
        (else
          (local.set $last (local.get $a))
          (i32.store (i32.add (local.get $addr) (i32.shl (local.get $kept) (i32.const 2))) (local.get $a))
          (i32.store8 (i32.add (local.get $lens) (local.get $kept)) (local.get $b))
          (local.set $kept (i32.add (local.get $kept) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $split (i32.lt_u (local.get $i) (local.get $n))))
    ;; The aside entries sorted, with tmp[out, 2 out) as the radix sort's scratch.
    (call $radix (local.get $tmpAddr) (local.get $tmpLen) (local.get $out) (local.get $hist)
      (local.get $scr) (local.get $scrLen) (local.get $scrCap))
    ;; Merged from the back: the larger of the two last entries goes last.
    (local.set $i (i32.sub (local.get $kept) (i32.const 1)))
    (local.set $j (i32.sub (local.get $out) (i32.const 1)))
    (local.set $w (i32.sub (local.get $n) (i32.const 1)))
    (loop $merge
      (local.set $a (i32.load (i32.add (local.get $tmpAddr) (i32.shl (local.get $j) (i32.const 2)))))
      (if (i32.and (i32.ge_s (local.get $i) (i32.const 0))
            (i32.gt_u (i32.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 2)))) (local.get $a)))
        (then
          (i32.store (i32.add (local.get $addr) (i32.shl (local.get $w) (i32.const 2)))
            (i32.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 2)))))
          (i32.store8 (i32.add (local.get $lens) (local.get $w)) (i32.load8_u (i32.add (local.get $lens) (local.get $i))))
          (local.set $i (i32.sub (local.get $i) (i32.const 1))))
        (else
          (i32.store (i32.add (local.get $addr) (i32.shl (local.get $w) (i32.const 2))) (local.get $a))
          (i32.store8 (i32.add (local.get $lens) (local.get $w)) (i32.load8_u (i32.add (local.get $tmpLen) (local.get $j))))
          (local.set $j (i32.sub (local.get $j) (i32.const 1)))))
      (local.set $w (i32.sub (local.get $w) (i32.const 1)))
      (br_if $merge (i32.ge_s (local.get $j) (i32.const 0)))))

  ;; Sorts the first n entries by address (equal addresses in any order) without fresh memory, which costs more here
  ;; than moving entries: scr/scrLen is room for scrCap entries in memory already touched (the scanned input's). Up
  ;; to scrCap entries, three 11-bit LSD passes through it; more, an MSD radix sort, 8 bits a level: per level an
  ;; American flag pass (each entry swapped straight into its bucket; with 256 buckets their heads stay in cache),
  ;; then each bucket by the bits below, through scr when it fits. Up to 32 entries by insertion. hist: 24 KiB.
  (func $radix (param $addr i32) (param $lens i32) (param $n i32) (param $hist i32) (param $scr i32)
    (param $scrLen i32) (param $scrCap i32)
    (if (i32.le_u (local.get $n) (i32.const 32))
      (then (call $insertion (local.get $addr) (local.get $lens) (local.get $n)) (return)))
    (if (i32.le_u (local.get $n) (local.get $scrCap))
      (then
        (call $lsd (local.get $addr) (local.get $lens) (local.get $n) (local.get $scr) (local.get $scrLen)
          (i32.add (local.get $hist) (i32.const 8192)) (i32.const 11) (i32.const 3))
        (return)))
    (call $msd (local.get $addr) (local.get $lens) (local.get $n) (i32.const 24) (local.get $hist) (local.get $scr)
      (local.get $scrLen) (local.get $scrCap)))

  ;; One level of the MSD sort: by bits [shift, shift + 8), then each bucket by the bits below.
  (func $msd (param $addr i32) (param $lens i32) (param $n i32) (param $shift i32) (param $hist i32) (param $scr i32)
    (param $scrLen i32) (param $scrCap i32)
    (local $ends i32) (local $i i32) (local $b i32) (local $p i32) (local $q i32) (local $v i32) (local $sum i32)
    (local $a i32) (local $l i32) (local $d i32) (local $t i32) (local $tl i32) (local $start i32) (local $same i32)
    (if (i32.le_u (local.get $n) (i32.const 32))
      (then (call $insertion (local.get $addr) (local.get $lens) (local.get $n)) (return)))
    (local.set $ends (i32.add (local.get $hist) (i32.const 1024)))
    (memory.fill (local.get $hist) (i32.const 0) (i32.const 1024))
    ;; Bucket sizes, then hist[b] = where bucket b starts, ends[b] = where it ends.
    (loop $count
      (local.set $p
        (i32.add (local.get $hist)
          (i32.shl
            (i32.and (i32.shr_u (i32.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 2))))
              (local.get $shift)) (i32.const 255))
            (i32.const 2))))
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $count (i32.lt_u (local.get $i) (local.get $n))))
    (loop $offsets
      (local.set $p (i32.add (local.get $hist) (i32.shl (local.get $b) (i32.const 2))))
      (local.set $v (i32.load (local.get $p)))
      (local.set $same (i32.or (local.get $same) (i32.eq (local.get $v) (local.get $n))))
      (i32.store (local.get $p) (local.get $sum))
      (local.set $sum (i32.add (local.get $sum) (local.get $v)))
      (i32.store (i32.add (local.get $ends) (i32.shl (local.get $b) (i32.const 2))) (local.get $sum))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $offsets (i32.lt_u (local.get $b) (i32.const 256))))
    ;; All in one bucket: straight to the next level.
    (if (local.get $same)
      (then
        (if (local.get $shift)
          (then
            (call $msd (local.get $addr) (local.get $lens) (local.get $n) (i32.sub (local.get $shift) (i32.const 8))
              (local.get $hist) (local.get $scr) (local.get $scrLen) (local.get $scrCap))))
        (return)))
    ;; Each bucket in turn filled from its head: the entry there is carried along a cycle of swaps, each putting one
    ;; entry at the head of its own bucket, until one that belongs here comes back.
    (local.set $b (i32.const 0))
    (loop $buckets
      (block $full
        (loop $fill
          (local.set $p (i32.load (i32.add (local.get $hist) (i32.shl (local.get $b) (i32.const 2)))))
          (br_if $full
            (i32.ge_u (local.get $p) (i32.load (i32.add (local.get $ends) (i32.shl (local.get $b) (i32.const 2))))))
          (local.set $a (i32.load (i32.add (local.get $addr) (i32.shl (local.get $p) (i32.const 2)))))
          (local.set $l (i32.load8_u (i32.add (local.get $lens) (local.get $p))))
          (local.set $d (i32.and (i32.shr_u (local.get $a) (local.get $shift)) (i32.const 255)))
          (block $home
            (loop $cycle
              (br_if $home (i32.eq (local.get $d) (local.get $b)))
              (local.set $t (i32.add (local.get $hist) (i32.shl (local.get $d) (i32.const 2))))
              (local.set $q (i32.load (local.get $t)))
              (i32.store (local.get $t) (i32.add (local.get $q) (i32.const 1)))
              (local.set $t (i32.load (i32.add (local.get $addr) (i32.shl (local.get $q) (i32.const 2)))))
              (local.set $tl (i32.load8_u (i32.add (local.get $lens) (local.get $q))))
              (i32.store (i32.add (local.get $addr) (i32.shl (local.get $q) (i32.const 2))) (local.get $a))
              (i32.store8 (i32.add (local.get $lens) (local.get $q)) (local.get $l))
              (local.set $a (local.get $t))
              (local.set $l (local.get $tl))
              (local.set $d (i32.and (i32.shr_u (local.get $a) (local.get $shift)) (i32.const 255)))
              (br $cycle)))
          (i32.store (i32.add (local.get $addr) (i32.shl (local.get $p) (i32.const 2))) (local.get $a))
          (i32.store8 (i32.add (local.get $lens) (local.get $p)) (local.get $l))
          (i32.store (i32.add (local.get $hist) (i32.shl (local.get $b) (i32.const 2))) (i32.add (local.get $p) (i32.const 1)))
          (br $fill)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $buckets (i32.lt_u (local.get $b) (i32.const 256))))
    (if (i32.eqz (local.get $shift)) (then (return)))
    ;; Each bucket a level down.
    (local.set $b (i32.const 0))
    (loop $each
      (local.set $v (i32.load (i32.add (local.get $ends) (i32.shl (local.get $b) (i32.const 2)))))
      (local.set $l (i32.sub (local.get $v) (local.get $start)))
      (local.set $a (i32.add (local.get $addr) (i32.shl (local.get $start) (i32.const 2))))
      (local.set $d (i32.add (local.get $lens) (local.get $start)))
      (if (i32.le_u (local.get $l) (i32.const 32))
        (then (if (i32.gt_u (local.get $l) (i32.const 1)) (then (call $insertion (local.get $a) (local.get $d) (local.get $l)))))
        (else
          (if (i32.le_u (local.get $l) (local.get $scrCap))
            (then
              ;; The bits below: 24 as two 12-bit passes, 16 as two 8-bit ones, 8 as one.
              (call $lsd (local.get $a) (local.get $d) (local.get $l) (local.get $scr) (local.get $scrLen)
                (i32.add (i32.sub (local.get $hist) (i32.mul (i32.sub (i32.const 24) (local.get $shift)) (i32.const 256)))
                  (i32.const 8192))
                (select (i32.const 12) (i32.const 8) (i32.eq (local.get $shift) (i32.const 24)))
                (select (i32.const 1) (i32.const 2) (i32.eq (local.get $shift) (i32.const 8)))))
            (else
              (call $msd (local.get $a) (local.get $d) (local.get $l) (i32.sub (local.get $shift) (i32.const 8))
                (i32.add (local.get $hist) (i32.const 2048)) (local.get $scr) (local.get $scrLen) (local.get $scrCap))))))
      (local.set $start (local.get $v))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $b) (i32.const 256)))))

  ;; Stable LSD radix passes of `bits` bits over the first n entries, from bit 0 up, through scr/scrLen (a pass whose
  ;; digit is the same for all is skipped); the result ends in addr/lens. hist: 4 << bits bytes.
  (func $lsd (param $addr i32) (param $lens i32) (param $n i32) (param $scr i32) (param $scrLen i32)
    (param $hist i32) (param $bits i32) (param $passes i32)
    (local $srcA i32) (local $srcL i32) (local $dstA i32) (local $dstL i32) (local $i i32) (local $p i32)
    (local $v i32) (local $sum i32) (local $a i32) (local $same i32) (local $t i32) (local $shift i32) (local $mask i32)
    (local $size i32)
    (local.set $srcA (local.get $addr))
    (local.set $srcL (local.get $lens))
    (local.set $dstA (local.get $scr))
    (local.set $dstL (local.get $scrLen))
    (local.set $size (i32.shl (i32.const 1) (local.get $bits)))
    (local.set $mask (i32.sub (local.get $size) (i32.const 1)))
    (loop $pass
      (memory.fill (local.get $hist) (i32.const 0) (i32.shl (local.get $size) (i32.const 2)))
      (local.set $i (i32.const 0))
      (loop $count
        (local.set $p
          (i32.add (local.get $hist)
            (i32.shl
              (i32.and (i32.shr_u (i32.load (i32.add (local.get $srcA) (i32.shl (local.get $i) (i32.const 2))))
                (local.get $shift)) (local.get $mask))
              (i32.const 2))))
        (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $count (i32.lt_u (local.get $i) (local.get $n))))
      (local.set $same (i32.const 0))
      (local.set $sum (i32.const 0))
      (local.set $i (i32.const 0))
      (loop $offsets
        (local.set $p (i32.add (local.get $hist) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $v (i32.load (local.get $p)))
        (local.set $same (i32.or (local.get $same) (i32.eq (local.get $v) (local.get $n))))
        (i32.store (local.get $p) (local.get $sum))
        (local.set $sum (i32.add (local.get $sum) (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $offsets (i32.lt_u (local.get $i) (local.get $size))))
      (if (i32.eqz (local.get $same))
        (then
          (local.set $i (i32.const 0))
          (loop $scatter
            (local.set $a (i32.load (i32.add (local.get $srcA) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $p
              (i32.add (local.get $hist)
                (i32.shl (i32.and (i32.shr_u (local.get $a) (local.get $shift)) (local.get $mask)) (i32.const 2))))
            (local.set $v (i32.load (local.get $p)))
            (i32.store (local.get $p) (i32.add (local.get $v) (i32.const 1)))
            (i32.store (i32.add (local.get $dstA) (i32.shl (local.get $v) (i32.const 2))) (local.get $a))
            (i32.store8 (i32.add (local.get $dstL) (local.get $v)) (i32.load8_u (i32.add (local.get $srcL) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $scatter (i32.lt_u (local.get $i) (local.get $n))))
          (local.set $t (local.get $srcA)) (local.set $srcA (local.get $dstA)) (local.set $dstA (local.get $t))
          (local.set $t (local.get $srcL)) (local.set $srcL (local.get $dstL)) (local.set $dstL (local.get $t))))
      (local.set $shift (i32.add (local.get $shift) (local.get $bits)))
      (local.set $passes (i32.sub (local.get $passes) (i32.const 1)))
      (br_if $pass (local.get $passes)))
    (if (i32.ne (local.get $srcA) (local.get $addr))
      (then
        (memory.copy (local.get $addr) (local.get $srcA) (i32.shl (local.get $n) (i32.const 2)))
        (memory.copy (local.get $lens) (local.get $srcL) (local.get $n)))))

  ;; Insertion sort of the first n entries by address (a small bucket).
  (func $insertion (param $addr i32) (param $lens i32) (param $n i32)
    (local $i i32) (local $j i32) (local $a i32) (local $l i32) (local $b i32)
    (local.set $i (i32.const 1))
    (loop $outer
      (local.set $a (i32.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $l (i32.load8_u (i32.add (local.get $lens) (local.get $i))))
      (local.set $j (local.get $i))
      (block $placed
        (loop $inner
          (br_if $placed (i32.eqz (local.get $j)))
          (local.set $b (i32.load (i32.add (local.get $addr) (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 2)))))
          (br_if $placed (i32.le_u (local.get $b) (local.get $a)))
          (i32.store (i32.add (local.get $addr) (i32.shl (local.get $j) (i32.const 2))) (local.get $b))
          (i32.store8 (i32.add (local.get $lens) (local.get $j))
            (i32.load8_u (i32.add (local.get $lens) (i32.sub (local.get $j) (i32.const 1)))))
          (local.set $j (i32.sub (local.get $j) (i32.const 1)))
          (br $inner)))
      (i32.store (i32.add (local.get $addr) (i32.shl (local.get $j) (i32.const 2))) (local.get $a))
      (i32.store8 (i32.add (local.get $lens) (local.get $j)) (local.get $l))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n)))))

  ;; The first n entries, sorted by address, merged into the canonical minimal CIDR list in place (the split of a
  ;; union of k aligned blocks has at most k prefixes, so output never overtakes input). Returns its length.
  (func (export "aggregate") (param $addr i32) (param $lens i32) (param $n i32) (result i32)
    (local $i i32) (local $out i32) (local $s i64) (local $e i64) (local $a i64) (local $next i64) (local $k i64)
    (local $tz i64)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $s (i64.extend_i32_u (i32.load (local.get $addr))))
    (local.set $e (i64.add (local.get $s) (call $size (i32.load8_u (local.get $lens)))))
    (local.set $i (i32.const 1))
    (loop $entries
      (local.set $a (i64.const 0))
      (local.set $next (i64.const 0))
      (block $close
        (if (i32.lt_u (local.get $i) (local.get $n))
          (then
            (local.set $a
              (i64.extend_i32_u (i32.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $next
              (i64.add (local.get $a) (call $size (i32.load8_u (i32.add (local.get $lens) (local.get $i))))))
            (br_if $close (i64.gt_u (local.get $a) (local.get $e)))
            (if (i64.gt_u (local.get $next) (local.get $e)) (then (local.set $e (local.get $next))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $entries))))
      ;; [s, e) is closed: split it greedily into the largest aligned blocks that fit.
      (block $split
        (loop $block
          (br_if $split (i64.ge_u (local.get $s) (local.get $e)))
          (local.set $k (i64.sub (i64.const 63) (i64.clz (i64.sub (local.get $e) (local.get $s)))))
          (if (i64.ne (local.get $s) (i64.const 0))
            (then
              (local.set $tz (i64.ctz (local.get $s)))
              (if (i64.lt_u (local.get $tz) (local.get $k)) (then (local.set $k (local.get $tz))))))
          (i32.store (i32.add (local.get $addr) (i32.shl (local.get $out) (i32.const 2))) (i32.wrap_i64 (local.get $s)))
          (i32.store8 (i32.add (local.get $lens) (local.get $out)) (i32.sub (i32.const 32) (i32.wrap_i64 (local.get $k))))
          (local.set $out (i32.add (local.get $out) (i32.const 1)))
          (local.set $s (i64.add (local.get $s) (i64.shl (i64.const 1) (local.get $k))))
          (br $block)))
      (local.set $s (local.get $a))
      (local.set $e (local.get $next))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $entries (i32.le_u (local.get $i) (local.get $n))))
    (local.get $out))

  ;; The number of addresses in a /len, as i64 (2^32 for /0).
  (func $size (param $len i32) (result i64)
    (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (i32.const 32) (local.get $len)))))

  ;; Fills write's tables at table (1156 bytes): per octet value its digits and their count (byte 3), per length
  ;; "/" and its digits and the count.
  (func (export "init") (param $table i32)
    (local $v i32) (local $p i32)
    (global.set $table (local.get $table))
    (loop $octets
      (local.set $p (i32.add (local.get $table) (i32.shl (local.get $v) (i32.const 2))))
      (if (i32.ge_u (local.get $v) (i32.const 100))
        (then
          (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 100))))
          (i32.store8 offset=1 (local.get $p)
            (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $v) (i32.const 10)) (i32.const 10))))
          (i32.store8 offset=2 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
          (i32.store8 offset=3 (local.get $p) (i32.const 3)))
        (else
          (if (i32.ge_u (local.get $v) (i32.const 10))
            (then
              (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 10))))
              (i32.store8 offset=1 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
              (i32.store8 offset=3 (local.get $p) (i32.const 2)))
            (else
              (i32.store8 (local.get $p) (i32.add (i32.const 48) (local.get $v)))
              (i32.store8 offset=3 (local.get $p) (i32.const 1))))))
      (local.set $v (i32.add (local.get $v) (i32.const 1)))
      (br_if $octets (i32.lt_u (local.get $v) (i32.const 256))))
    (local.set $v (i32.const 0))
    (loop $lengths
      (local.set $p (i32.add (i32.add (local.get $table) (i32.const 1024)) (i32.shl (local.get $v) (i32.const 2))))
      (i32.store8 (local.get $p) (i32.const 47))
      (if (i32.ge_u (local.get $v) (i32.const 10))
        (then
          (i32.store8 offset=1 (local.get $p) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 10))))
          (i32.store8 offset=2 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
          (i32.store8 offset=3 (local.get $p) (i32.const 3)))
        (else
          (i32.store8 offset=1 (local.get $p) (i32.add (i32.const 48) (local.get $v)))
          (i32.store8 offset=3 (local.get $p) (i32.const 2))))
      (local.set $v (i32.add (local.get $v) (i32.const 1)))
      (br_if $lengths (i32.le_u (local.get $v) (i32.const 32)))))

  ;; Writes the n entries as lines at out ("a.b.c.d/len\n"; with bare, hosts without "/32"); returns the end. Each
  ;; piece is stored as 4 bytes and the position moves by its width, so out needs 3 bytes to spare at the end.
  (func (export "write") (param $addr i32) (param $lens i32) (param $n i32) (param $out i32) (param $bare i32)
    (result i32)
    (local $i i32) (local $a i32) (local $len i32) (local $t i32)
    (if (i32.eqz (local.get $n)) (then (return (local.get $out))))
    (loop $entries
      (local.set $a (i32.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $out (call $octet (local.get $out) (i32.shr_u (local.get $a) (i32.const 24))))
      (i32.store8 (local.get $out) (i32.const 46))
      (local.set $out
        (call $octet (i32.add (local.get $out) (i32.const 1))
          (i32.and (i32.shr_u (local.get $a) (i32.const 16)) (i32.const 255))))
      (i32.store8 (local.get $out) (i32.const 46))
      (local.set $out
        (call $octet (i32.add (local.get $out) (i32.const 1))
          (i32.and (i32.shr_u (local.get $a) (i32.const 8)) (i32.const 255))))
      (i32.store8 (local.get $out) (i32.const 46))
      (local.set $out
        (call $octet (i32.add (local.get $out) (i32.const 1)) (i32.and (local.get $a) (i32.const 255))))
      (local.set $len (i32.load8_u (i32.add (local.get $lens) (local.get $i))))
      (if (i32.eqz (i32.and (local.get $bare) (i32.eq (local.get $len) (i32.const 32))))
        (then
          (local.set $t
            (i32.load (i32.add (i32.add (global.get $table) (i32.const 1024)) (i32.shl (local.get $len) (i32.const 2)))))
          (i32.store (local.get $out) (local.get $t))
          (local.set $out (i32.add (local.get $out) (i32.shr_u (local.get $t) (i32.const 24))))))
      (i32.store8 (local.get $out) (i32.const 10))
      (local.set $out (i32.add (local.get $out) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $entries (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $out))

  ;; Stores v's digits (as 4 bytes) at p; returns p plus their count.
  (func $octet (param $p i32) (param $v i32) (result i32)
    (local $t i32)
    (local.set $t (i32.load (i32.add (global.get $table) (i32.shl (local.get $v) (i32.const 2)))))
    (i32.store (local.get $p) (local.get $t))
    (i32.add (local.get $p) (i32.shr_u (local.get $t) (i32.const 24)))))
