// Lines under a character budget, for the pull-request comment: a section that does not fit is cut where it stops
// fitting, marked there with a short line, and remembered, so that one note can say what was left out.

/** Room kept, while a section is cut, for the line marking the cut. */
const MARK_ROOM = 80;

export interface Cut {
  /** What was left out, e.g. "table rows". */
  readonly what: string;
  /** How many; null: an unknown number (a generated list is not counted to the end). */
  readonly count: number | null;
}

export class Budget {
  private readonly lines: string[] = [];
  private used = 0;
  private reserved = 0;
  readonly cuts: Cut[] = [];

  constructor(private readonly limit: number) {}

  /** Characters a list of lines takes, each with its newline. */
  static size(lines: readonly string[]): number {
    return lines.reduce((n, l) => n + l.length + 1, 0);
  }

  fits(lines: readonly string[], extra = 0): boolean {
    return this.used + Budget.size(lines) + extra + this.reserved <= this.limit;
  }

  /** Adds the lines if they all fit; else none of them. */
  pushIfFits(...lines: string[]): boolean {
    if (!this.fits(lines)) return false;
    for (const line of lines) this.lines.push(line);
    this.used += Budget.size(lines);
    return true;
  }

  /**
   * Pushes lines while they fit (within `share` of the budget left, when given); a list cut short ends with
   * `mark` and is remembered as a cut of `what`. `total` counts the list when it is known.
   */
  pushAll(lines: Iterable<string>, cut: { what: string; mark: string; total?: number }, share = 1): void {
    const stopAt = this.used + Math.floor(share * (this.limit - this.reserved - this.used));
    let shown = 0;
    for (const line of lines) {
      if (!this.fits([line], MARK_ROOM) || this.used + line.length + 1 > stopAt) {
        this.pushIfFits(cut.mark);
        this.cuts.push({ what: cut.what, count: cut.total === undefined ? null : cut.total - shown });
        return;
      }
      this.pushIfFits(line);
      shown++;
    }
  }

  reserve(n: number): void {
    this.reserved += n;
  }

  release(n: number): void {
    this.reserved -= n;
  }

  text(): string {
    return this.lines.join('\n');
  }
}
