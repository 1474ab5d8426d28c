// ASA configuration lines rendered on demand, in runs (a child's adds, its removes): at 100k+ members only the
// lines being sent exist as strings. Each run says how many member changes one of its lines makes, so progress
// and `reached` are computed from positions, never from a per-line array.

export interface LineRun {
  readonly count: number;
  /** Member changes each line of the run makes (1 per member line, 0 for structure lines). */
  readonly weight: number;
  readonly line: (j: number) => string;
}

export class AsaCommandList {
  private readonly runs: LineRun[] = [];
  /** firstLine[r]: index of run r's first line; the last entry is the line count. */
  private readonly firstLine: number[] = [0];
  /** weightBefore[r]: member changes made by the runs before r; the last entry is the total. */
  private readonly weightBefore: number[] = [0];
  private lastRun = 0;

  get length(): number {
    return this.firstLine[this.runs.length] ?? 0;
  }

  get total(): number {
    return this.weightBefore[this.runs.length] ?? 0;
  }

  push(line: string, weight = 0): void {
    this.pushRun({ count: 1, weight, line: () => line });
  }

  pushRun(run: LineRun): void {
    if (run.count <= 0) return;
    const lines = this.length;
    const total = this.total;
    this.runs.push(run);
    this.firstLine.push(lines + run.count);
    this.weightBefore.push(total + run.count * run.weight);
  }

  append(other: AsaCommandList): void {
    for (const r of other.runs) this.pushRun(r);
  }

  at(i: number): string | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const r = this.runOf(i);
    return this.runs[r]?.line(i - (this.firstLine[r] ?? 0));
  }

  /** Member changes made by the first n lines. */
  doneAfter(n: number): number {
    if (n <= 0) return 0;
    if (n >= this.length) return this.total;
    const r = this.runOf(n);
    return (this.weightBefore[r] ?? 0) + (n - (this.firstLine[r] ?? 0)) * (this.runs[r]?.weight ?? 0);
  }

  /** Every line with its weight (golden files and tests only). */
  materialise(): { lines: string[]; weights: number[] } {
    const lines: string[] = [];
    const weights: number[] = [];
    for (const r of this.runs) {
      for (let j = 0; j < r.count; j++) {
        lines.push(r.line(j));
        weights.push(r.weight);
      }
    }
    return { lines, weights };
  }

  /** The run holding line i (0 <= i < length); reads are mostly sequential, so the last run is tried first. */
  private runOf(i: number): number {
    const c = this.lastRun;
    if (i >= (this.firstLine[c] ?? 0) && i < (this.firstLine[c + 1] ?? 0)) return c;
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.firstLine[mid] ?? 0) <= i) lo = mid;
      else hi = mid - 1;
    }
    this.lastRun = lo;
    return lo;
  }
}
