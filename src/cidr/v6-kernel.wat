;; The IPv6 kernel (v6-kernel.ts drives it): the parse and aggregate loops of IPv6 prefix lists, a piece of at most
;; a few thousand entries at a time copied into this module's memory. WebAssembly because these loops run once per
;; command over up to 1M entries: JavaScript spends most of that time before V8's optimised code is ready, and
;; 128-bit arithmetic is two i64 here, not four 32-bit words and their carries.
;;
;; An entry is four little-endian u32 words, most significant first (as Ipv6Prefixes.words), and a u8 length.
;; Built by scripts/build-wasm.mjs into v6-kernel-wasm.ts (base64); v6-kernel.test.ts checks the two match.
(module
  (import "env" "memory" (memory 1))
  ;; aggregate's open interval [start, end] (inclusive) between pieces, and whether there is one.
  (global $sh (mut i64) (i64.const 0))
  (global $sl (mut i64) (i64.const 0))
  (global $eh (mut i64) (i64.const 0))
  (global $el (mut i64) (i64.const 0))
  (global $open (export "open") (mut i32) (i32.const 0))
  ;; Where aggregate's next prefix goes (words and lengths), as byte addresses.
  (global $outWords (export "outWords") (mut i32) (i32.const 0))
  (global $outLens (export "outLens") (mut i32) (i32.const 0))

  ;; Stores the prefix (h, l)/len at the output and moves it on.
  (func $emit (param $h i64) (param $l i64) (param $len i32)
    (local $p i32)
    (local.set $p (global.get $outWords))
    (i32.store (local.get $p) (i32.wrap_i64 (i64.shr_u (local.get $h) (i64.const 32))))
    (i32.store offset=4 (local.get $p) (i32.wrap_i64 (local.get $h)))
    (i32.store offset=8 (local.get $p) (i32.wrap_i64 (i64.shr_u (local.get $l) (i64.const 32))))
    (i32.store offset=12 (local.get $p) (i32.wrap_i64 (local.get $l)))
    (global.set $outWords (i32.add (local.get $p) (i32.const 16)))
    (i32.store8 (global.get $outLens) (local.get $len))
    (global.set $outLens (i32.add (global.get $outLens) (i32.const 1))))

  ;; Emits [s, e] (inclusive, s <= e) as its minimal prefixes, lowest first: at each step the largest block that
  ;; starts at s (its trailing zero bits) and fits in what is left (the bit length of e - s + 1, less one).
  (func $emitRange (param $sh i64) (param $sl i64) (param $eh i64) (param $el i64)
    (local $dh i64) (local $dl i64) (local $tz i32) (local $fit i32) (local $b i32) (local $borrow i64)
    (loop $blocks
      ;; d = e - s + 1 (128-bit); all of the space when it wraps to 0.
      (local.set $dl (i64.sub (local.get $el) (local.get $sl)))
      (local.set $borrow (i64.extend_i32_u (i64.lt_u (local.get $el) (local.get $sl))))
      (local.set $dh (i64.sub (i64.sub (local.get $eh) (local.get $sh)) (local.get $borrow)))
      (local.set $dl (i64.add (local.get $dl) (i64.const 1)))
      (if (i64.eqz (local.get $dl)) (then (local.set $dh (i64.add (local.get $dh) (i64.const 1)))))
      ;; fit: floor(log2(d)), 128 when d wrapped to 0.
      (local.set $fit
        (if (result i32) (i64.eqz (local.get $dh))
          (then
            (if (result i32) (i64.eqz (local.get $dl))
              (then (i32.const 128))
              (else (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (local.get $dl)))))))
          (else (i32.sub (i32.const 127) (i32.wrap_i64 (i64.clz (local.get $dh)))))))
      ;; tz: trailing zero bits of s (128 for 0).
      (local.set $tz
        (if (result i32) (i64.eqz (local.get $sl))
          (then (i32.add (i32.const 64) (i32.wrap_i64 (i64.ctz (local.get $sh)))))
          (else (i32.wrap_i64 (i64.ctz (local.get $sl))))))
      (local.set $b (select (local.get $tz) (local.get $fit) (i32.lt_u (local.get $tz) (local.get $fit))))
      (call $emit (local.get $sh) (local.get $sl) (i32.sub (i32.const 128) (local.get $b)))
      ;; Past the block: s += 2^b, done when that wraps past the last address or goes past e.
      (if (i32.eq (local.get $b) (i32.const 128)) (then (return)))
      (if (i32.lt_u (local.get $b) (i32.const 64))
        (then
          (local.set $sl (i64.add (local.get $sl) (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $b)))))
          (if (i64.eqz (local.get $sl))
            (then
              (local.set $sh (i64.add (local.get $sh) (i64.const 1)))
              (if (i64.eqz (local.get $sh)) (then (return))))))
        (else
          (local.set $sh
            (i64.add (local.get $sh) (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $b) (i32.const 64))))))
          (if (i64.eqz (local.get $sh)) (then (return)))))
      (if (i32.or (i64.gt_u (local.get $sh) (local.get $eh))
            (i32.and (i64.eq (local.get $sh) (local.get $eh)) (i64.gt_u (local.get $sl) (local.get $el))))
        (then (return)))
      (br $blocks)))

  ;; Merges n sorted, normalised entries (words at $words, lengths at $lens) into the open interval, emitting each
  ;; interval as it closes to $outWords/$outLens (at most n + 254 prefixes per call). Call finish after the last
  ;; piece. Entries need not be unique; a piece may start anywhere.
  (func (export "aggregate") (param $words i32) (param $lens i32) (param $n i32)
    (local $i i32) (local $p i32) (local $len i32) (local $ah i64) (local $al i64) (local $xh i64) (local $xl i64)
    (local $sh i64) (local $sl i64) (local $eh i64) (local $el i64) (local $nh i64) (local $nl i64) (local $open i32)
    (local.set $sh (global.get $sh))
    (local.set $sl (global.get $sl))
    (local.set $eh (global.get $eh))
    (local.set $el (global.get $el))
    (local.set $open (global.get $open))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.add (local.get $words) (i32.shl (local.get $i) (i32.const 4))))
        (local.set $ah
          (i64.or (i64.shl (i64.extend_i32_u (i32.load (local.get $p))) (i64.const 32))
            (i64.extend_i32_u (i32.load offset=4 (local.get $p)))))
        (local.set $al
          (i64.or (i64.shl (i64.extend_i32_u (i32.load offset=8 (local.get $p))) (i64.const 32))
            (i64.extend_i32_u (i32.load offset=12 (local.get $p)))))
        (local.set $len (i32.load8_u (i32.add (local.get $lens) (local.get $i))))
        ;; x: the entry's last address (host bits set).
        (if (i32.ge_u (local.get $len) (i32.const 64))
          (then
            (local.set $xh (local.get $ah))
            (local.set $xl
              (if (result i64) (i32.eq (local.get $len) (i32.const 128))
                (then (local.get $al))
                (else
                  (i64.or (local.get $al)
                    (i64.shr_u (i64.const -1) (i64.extend_i32_u (i32.sub (local.get $len) (i32.const 64)))))))))
          (else
            (local.set $xh
              (if (result i64) (i32.eqz (local.get $len))
                (then (i64.const -1))
                (else (i64.or (local.get $ah) (i64.shr_u (i64.const -1) (i64.extend_i32_u (local.get $len)))))))
            (local.set $xl (i64.const -1))))
        (block $next
          (if (local.get $open)
            (then
              ;; Touches: a <= e + 1, always when e is the last address.
              (local.set $nl (i64.add (local.get $el) (i64.const 1)))
              (local.set $nh (i64.add (local.get $eh) (i64.extend_i32_u (i64.eqz (local.get $nl)))))
              (if (i32.or
                    (i32.and (i64.eq (local.get $eh) (i64.const -1)) (i64.eq (local.get $el) (i64.const -1)))
                    (i32.or (i64.lt_u (local.get $ah) (local.get $nh))
                      (i32.and (i64.eq (local.get $ah) (local.get $nh)) (i64.le_u (local.get $al) (local.get $nl)))))
                (then
                  (if (i32.or (i64.gt_u (local.get $xh) (local.get $eh))
                        (i32.and (i64.eq (local.get $xh) (local.get $eh)) (i64.gt_u (local.get $xl) (local.get $el))))
                    (then
                      (local.set $eh (local.get $xh))
                      (local.set $el (local.get $xl))))
                  (br $next)))
              (call $emitRange (local.get $sh) (local.get $sl) (local.get $eh) (local.get $el))))
          (local.set $open (i32.const 1))
          (local.set $sh (local.get $ah))
          (local.set $sl (local.get $al))
          (local.set $eh (local.get $xh))
          (local.set $el (local.get $xl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $entries)))
    (global.set $sh (local.get $sh))
    (global.set $sl (local.get $sl))
    (global.set $eh (local.get $eh))
    (global.set $el (local.get $el))
    (global.set $open (local.get $open)))

  ;; Emits the open interval, if any, and closes it.
  (func (export "finish")
    (if (global.get $open)
      (then
        (call $emitRange (global.get $sh) (global.get $sl) (global.get $eh) (global.get $el))
        (global.set $open (i32.const 0)))))

  ;; --- parse: list lines of IPv6 entries, as parse-v6-bytes.ts documents (what parsePrefix accepts as `addr` or
  ;; `addr/len`, then blanks (space, tab, CR) and the end of the line or a # comment; anything else is left to the
  ;; string path).
  ;; Entries taken by the last parse call, and how many of them had host bits set (cleared).
  (global $taken (export "taken") (mut i32) (i32.const 0))
  (global $hostBits (export "hostBits") (mut i32) (i32.const 0))
  ;; 256 bytes: the value of each byte as a hex digit, or 255 (filled by the caller).
  (global $hexTable (export "hexTable") (mut i32) (i32.const 0))

  ;; Takes lines from pos while they are IPv6 entries, at most $max, storing each at $outWords/$outLens (with its
  ;; host bits cleared when $norm, as written otherwise). Returns where it stopped: the start of the first line it
  ;; did not take (blanks before it included), or end. The byte at end must be a newline (the sentinel that ends
  ;; the last line). $g: 32 bytes of scratch. An entry: its first non-blank byte on, `addr` or `addr/len`, then
  ;; blanks and the end of the line or a # comment.
  (func (export "parse") (param $pos i32) (param $end i32) (param $max i32) (param $g i32) (param $norm i32)
    (result i32)
    (local $j i32) (local $next i32) (local $c i32) (local $i i32) (local $start i32) (local $len i32) (local $d i32)
    (local $more i32) (local $h i64) (local $l i64) (local $mh i64) (local $ml i64) (local $taken i32)
    (local $hostBits i32) (local $ow i32) (local $ol i32) (local $x v128) (local $groups i32) (local $gap i32)
    (local $field i32) (local $v i32) (local $digits i32) (local $hd i32) (local $z i32) (local $iota v128)
    (local.set $ow (global.get $outWords))
    (local.set $ol (global.get $outLens))
    (block $stop
      (loop $lines
        (br_if $stop (i32.ge_u (local.get $pos) (local.get $end)))
        (br_if $stop (i32.ge_u (local.get $taken) (local.get $max)))
        (local.set $j (local.get $pos))
        (loop $blanks
          (local.set $c (i32.load8_u (local.get $j)))
          (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
                (i32.eq (local.get $c) (i32.const 13)))
            (then
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $blanks))))
        ;; The entry at j, in this loop (the calls per line to the address and the entry cost a tenth of it:
        ;; Node 20's V8 does not inline them); any line it does not take ends the loop, nothing stored.
        (local.set $more (i32.const 0))
        (local.set $start (local.get $j))
        ;; The address: its 8 groups at g (16 bits each, the `::` filled with zeros), i after it.
        (local.set $i (local.get $j))
        (local.set $groups (i32.const 0))
        (block $scanned
          (local.set $gap (i32.const -1))
          (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 58))
            (then
              (if (i32.ne (i32.load8_u offset=1 (local.get $i)) (i32.const 58)) (then (br $stop)))
              (local.set $gap (i32.const 0))
              (local.set $i (i32.add (local.get $i) (i32.const 2)))
              (if (i32.eq (i32.load8_u (i32.add (global.get $hexTable) (i32.load8_u (local.get $i)))) (i32.const 255))
                (then
                  (v128.store (local.get $g) (v128.const i64x2 0 0))
                  (br $scanned)))))
          (block $done
            (loop $fields
              (local.set $field (local.get $i))
              ;; One to four hex digits, unrolled (no count to test at each digit); a fifth is a field too long.
              (local.set $v (i32.load8_u (i32.add (global.get $hexTable) (i32.load8_u (local.get $i)))))
              (if (i32.eq (local.get $v) (i32.const 255)) (then (br $stop)))
              (local.set $digits (i32.const 1))
              (block $hexEnd
                (local.set $hd (i32.load8_u (i32.add (global.get $hexTable) (i32.load8_u offset=1 (local.get $i)))))
                (br_if $hexEnd (i32.eq (local.get $hd) (i32.const 255)))
                (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4)) (local.get $hd)))
                (local.set $hd (i32.load8_u (i32.add (global.get $hexTable) (i32.load8_u offset=2 (local.get $i)))))
                (local.set $digits (i32.const 2))
                (br_if $hexEnd (i32.eq (local.get $hd) (i32.const 255)))
                (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4)) (local.get $hd)))
                (local.set $hd (i32.load8_u (i32.add (global.get $hexTable) (i32.load8_u offset=3 (local.get $i)))))
                (local.set $digits (i32.const 3))
                (br_if $hexEnd (i32.eq (local.get $hd) (i32.const 255)))
                (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4)) (local.get $hd)))
                (local.set $digits (i32.const 4))
                (if (i32.ne (i32.load8_u (i32.add (global.get $hexTable) (i32.load8_u offset=4 (local.get $i))))
                      (i32.const 255))
                  (then (br $stop))))
              (local.set $i (i32.add (local.get $i) (local.get $digits)))
              (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 46))
                (then
                  ;; Embedded IPv4: the last field, two groups.
                  (if (i32.gt_s (local.get $groups) (i32.const 6)) (then (br $stop)))
                  (local.set $i (call $embedded (local.get $field) (local.get $g) (local.get $groups)))
                  (if (i32.lt_s (local.get $i) (i32.const 0)) (then (br $stop)))
                  (local.set $groups (i32.add (local.get $groups) (i32.const 2)))
                  (br $done)))
              (if (i32.eq (local.get $groups) (i32.const 8)) (then (br $stop)))
              (i32.store16 (i32.add (local.get $g) (i32.shl (local.get $groups) (i32.const 1))) (local.get $v))
              (local.set $groups (i32.add (local.get $groups) (i32.const 1)))
              (br_if $done (i32.ne (i32.load8_u (local.get $i)) (i32.const 58)))
              (if (i32.eq (i32.load8_u offset=1 (local.get $i)) (i32.const 58))
                (then
                  (if (i32.ge_s (local.get $gap) (i32.const 0)) (then (br $stop)))
                  (local.set $gap (local.get $groups))
                  (local.set $i (i32.add (local.get $i) (i32.const 2)))
                  (br_if $done
                    (i32.eq (i32.load8_u (i32.add (global.get $hexTable) (i32.load8_u (local.get $i))))
                    (i32.const 255))))
                (else (local.set $i (i32.add (local.get $i) (i32.const 1)))))
              (br $fields)))
          (if (select
                (i32.ne (local.get $groups) (i32.const 8))
                (i32.gt_s (local.get $groups) (i32.const 7))
                (i32.lt_s (local.get $gap) (i32.const 0)))
            (then (br $stop)))
          ;; The `::` filled with zeros: the groups after it move to the end.
          (if (i32.ge_s (local.get $gap) (i32.const 0))
            (then
              ;; In one SIMD step (memory.copy and memory.fill of a few bytes are calls out of the compiled
              ;; code): byte b of the result is byte b for the groups before the gap, byte b - 2z after it (z: the
              ;; zero groups), 0 in it (a swizzle index of 128 or more gives 0).
              (local.set $z (i32.shl (i32.sub (i32.const 8) (local.get $groups)) (i32.const 1)))
              (local.set $iota (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))
              (v128.store (local.get $g)
                (i8x16.swizzle (v128.load (local.get $g))
                  (v128.bitselect (local.get $iota)
                    (v128.or (i8x16.sub (local.get $iota) (i8x16.splat (local.get $z)))
                      (i8x16.lt_u (local.get $iota)
                        (i8x16.splat (i32.add (i32.shl (local.get $gap) (i32.const 1)) (local.get $z)))))
                    (i8x16.lt_u (local.get $iota) (i8x16.splat (i32.shl (local.get $gap) (i32.const 1))))))))))
        (if (i32.gt_u (i32.sub (local.get $i) (local.get $start)) (i32.const 45)) (then (br $stop)))
        (local.set $len (i32.const 128))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 47))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $len (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
            (if (i32.gt_u (local.get $len) (i32.const 9)) (then (br $stop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (block $digits
              (loop $digit
                (br_if $digits (i32.ge_u (local.get $more) (i32.const 2)))
                (local.set $d (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
                (br_if $digits (i32.gt_u (local.get $d) (i32.const 9)))
                (if (i32.eqz (local.get $len)) (then (br $stop))) ;; leading zero
                (local.set $len (i32.add (i32.mul (local.get $len) (i32.const 10)) (local.get $d)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $more (i32.add (local.get $more) (i32.const 1)))
                (br $digit)))
            (if (i32.gt_u (local.get $len) (i32.const 128)) (then (br $stop)))
            (if (i32.le_u (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)) (i32.const 9))
              (then (br $stop)))))
        (loop $blanks
          (local.set $c (i32.load8_u (local.get $i)))
          (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
                (i32.eq (local.get $c) (i32.const 13)))
            (then
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $blanks))))
        (if (i32.eq (local.get $c) (i32.const 10))
          (then (local.set $next (i32.add (local.get $i) (i32.const 1))))
          (else
            (if (i32.ne (local.get $c) (i32.const 35)) (then (br $stop)))
            ;; A comment: the line ends at the next newline (the sentinel at the latest).
            (loop $comment
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $comment (i32.ne (i32.load8_u (local.get $i)) (i32.const 10))))
            (local.set $next (i32.add (local.get $i) (i32.const 1)))))
        (if (i32.gt_u (local.get $next) (local.get $end)) (then (local.set $next (local.get $end))))
        ;; The address as two i64 (the groups' order reversed in each half by one byte shuffle), then its length's
        ;; mask.
        (local.set $x
          (i8x16.shuffle 6 7 4 5 2 3 0 1 14 15 12 13 10 11 8 9 (v128.load (local.get $g)) (v128.const i64x2 0 0)))
        (local.set $h (i64x2.extract_lane 0 (local.get $x)))
        (local.set $l (i64x2.extract_lane 1 (local.get $x)))
        (if (i32.ge_u (local.get $len) (i32.const 64))
          (then
            (local.set $mh (i64.const -1))
            (local.set $ml
              (if (result i64) (i32.eq (local.get $len) (i32.const 64))
                (then (i64.const 0))
                (else (i64.shl (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 128) (local.get $len))))))))
          (else
            (local.set $ml (i64.const 0))
            (local.set $mh
              (if (result i64) (i32.eqz (local.get $len))
                (then (i64.const 0))
                (else (i64.shl (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $len)))))))))
        (if (i64.ne
              (i64.or (i64.and (local.get $h) (i64.xor (local.get $mh) (i64.const -1)))
                (i64.and (local.get $l) (i64.xor (local.get $ml) (i64.const -1))))
              (i64.const 0))
          (then (local.set $hostBits (i32.add (local.get $hostBits) (i32.const 1)))))
        (if (local.get $norm)
          (then
            (local.set $h (i64.and (local.get $h) (local.get $mh)))
            (local.set $l (i64.and (local.get $l) (local.get $ml)))))
        ;; Stored at the output, which moves on.
        (v128.store (local.get $ow)
          (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
            (i64x2.replace_lane 1 (i64x2.splat (local.get $h)) (local.get $l)) (v128.const i64x2 0 0)))
        (i32.store8 (local.get $ol) (local.get $len))
        (local.set $ow (i32.add (local.get $ow) (i32.const 16)))
        (local.set $ol (i32.add (local.get $ol) (i32.const 1)))
        (local.set $taken (i32.add (local.get $taken) (i32.const 1)))
        (local.set $pos (local.get $next))
        (br $lines)))
    (global.set $taken (local.get $taken))
    (global.set $hostBits (local.get $hostBits))
    (global.set $outWords (local.get $ow))
    (global.set $outLens (local.get $ol))
    (local.get $pos))

  ;; A strict dotted quad at i (no leading zeros, octets <= 255): stores it as groups k and k + 1 at g; returns
  ;; the index after it, or -1.
  (func $embedded (param $i i32) (param $g i32) (param $k i32) (result i32)
    (local $octet i32) (local $v i32) (local $d i32) (local $value i32) (local $more i32)
    (loop $octets
      (if (local.get $octet)
        (then
          (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 46)) (then (return (i32.const -1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (local.set $v (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
      (if (i32.gt_u (local.get $v) (i32.const 9)) (then (return (i32.const -1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $more (i32.const 0))
      (block $digits
        (loop $digit
          (br_if $digits (i32.ge_u (local.get $more) (i32.const 2)))
          (local.set $d (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
          (br_if $digits (i32.gt_u (local.get $d) (i32.const 9)))
          (if (i32.eqz (local.get $v)) (then (return (i32.const -1)))) ;; leading zero
          (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (local.get $d)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $more (i32.add (local.get $more) (i32.const 1)))
          (br $digit)))
      (if (i32.gt_u (local.get $v) (i32.const 255)) (then (return (i32.const -1))))
      (local.set $value (i32.or (i32.shl (local.get $value) (i32.const 8)) (local.get $v)))
      (local.set $octet (i32.add (local.get $octet) (i32.const 1)))
      (br_if $octets (i32.lt_u (local.get $octet) (i32.const 4))))
    (i32.store16 (i32.add (local.get $g) (i32.shl (local.get $k) (i32.const 1)))
      (i32.shr_u (local.get $value) (i32.const 16)))
    (i32.store16 (i32.add (local.get $g) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 1)))
      (local.get $value))
    (local.get $i)))
