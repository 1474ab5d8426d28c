// A run-length list of IOS command lines rendered on demand: at 1M changes the strings never exist all at once,
// only the window being sent (the session reads them in order). Lines come in runs (a group's adds, its removes).

export interface RenderedCommands {
  readonly lines: readonly string[];
  /** Member changes each line makes (1 per member line, the member count for a group delete, else 0). */
  readonly weights: readonly number[];
}

/** `count` lines rendered on demand (line j = render(j)), each making `weight` member changes. */
export interface LineRun {
  readonly count: number;
  readonly weight: number;
  readonly render: (j: number) => string;
}

export class IosCommandList {
  private readonly runs: LineRun[] = [];
  /** Index of each run's first line, then the line count. */
  private readonly starts: number[] = [0];
  /** Member changes made by the lines before each run, then the total. */
  private readonly doneBefore: number[] = [0];
  /** Run of the last lookup: reads are sequential, so the search usually starts right. */
  private cursor = 0;

  get length(): number {
    return this.starts[this.starts.length - 1] ?? 0;
  }

  /** Member changes made by all the lines. */
  get total(): number {
    return this.doneBefore[this.doneBefore.length - 1] ?? 0;
  }

  pushLine(line: string, weight: number): void {
    this.pushRun({ count: 1, weight, render: () => line });
  }

  /** Appends every run of another list (which stays usable). */
  append(other: IosCommandList): void {
    for (const run of other.runs) this.pushRun(run);
  }

  pushRun(run: LineRun): void {
    if (run.count === 0) return;
    this.runs.push(run);
    this.starts.push(this.length + run.count);
    this.doneBefore.push(this.total + run.count * run.weight);
  }

  at(index: number): string | undefined {
    if (!(index >= 0 && index < this.length)) return undefined;
    const r = this.findRun(index);
    return this.runs[r]?.render(index - (this.starts[r] ?? 0));
  }

  /** Member changes made by the first n lines (n = lines the device confirmed). */
  doneAfter(n: number): number {
    if (n <= 0) return 0;
    if (n >= this.length) return this.total;
    const r = this.findRun(n);
    return (this.doneBefore[r] ?? 0) + (n - (this.starts[r] ?? 0)) * (this.runs[r]?.weight ?? 0);
  }

  /** Every line and its weight as arrays (golden files, tests; never for a big plan). */
  materialise(): RenderedCommands {
    const lines: string[] = [];
    const weights: number[] = [];
    for (const run of this.runs) {
      for (let j = 0; j < run.count; j++) {
        lines.push(run.render(j));
        weights.push(run.weight);
      }
    }
    return { lines, weights };
  }

  /** The run holding line `index` (0 <= index < length). */
  private findRun(index: number): number {
    const c = this.cursor;
    if (index >= (this.starts[c] ?? 0) && index < (this.starts[c + 1] ?? 0)) return c;
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    this.cursor = lo;
    return lo;
  }
}
