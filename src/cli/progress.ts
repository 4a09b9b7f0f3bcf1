/**
 * A progress line on stderr for long runs (load, analyse, write), shown only on a terminal and never in
 * CI or a pipe, and only once a run has taken longer than a moment, so quick commands never flash it.
 * The analysis is synchronous, so no timer could fire during it: the line is drawn when a phase starts
 * and as the output is written (`tick`), whenever the run is already past the delay.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** A progress line is for a person at a terminal: stderr is a TTY and the CI variable is unset (or false). */
export function progressWanted(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  const ci = env['CI'];
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return stream.isTTY === true && !inCi && env['BULKHEAD_NO_PROGRESS'] === undefined;
}

export interface ProgressSink {
  write(text: string): unknown;
}

export class Progress {
  private readonly start: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private phaseName = '';
  private count = 0;
  private unit = '';
  private shown = false;
  private lastDraw = 0;
  private silenced = false;

  constructor(
    private readonly enabled: boolean,
    private readonly out: ProgressSink = process.stderr,
    private readonly delayMs = 1500,
    private readonly now: () => number = Date.now,
  ) {
    this.start = now();
  }

  /** Enters a phase ("loading", "analysing", "writing"); drawn at once when the run is already slow. */
  phase(name: string, unit = ''): void {
    this.phaseName = name;
    this.count = 0;
    this.unit = unit;
    this.draw(true);
    // Between synchronous stretches (reading files, waiting for a full pipe) a timer can redraw.
    if (this.enabled && !this.timer) this.timer = setInterval(() => this.draw(false), 500).unref();
  }

  /** Counts one more item of the current phase (a connection written); redrawn a few times a second. */
  tick(n = 1): void {
    this.count += n;
    if ((this.count & 1023) === 0 || n > 1) this.draw(false);
  }

  /** Clears the line and draws no more: the report is about to go to the same terminal. */
  silence(): void {
    this.done();
    this.silenced = true;
  }

  /** Clears the line (before the command ends, or before other text goes to stderr). */
  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) this.out.write('\r\u001b[K');
    this.shown = false;
  }

  private draw(force: boolean): void {
    if (!this.enabled || this.silenced) return;
    const t = this.now();
    const elapsed = t - this.start;
    if (elapsed < this.delayMs || (!force && t - this.lastDraw < 250)) return;
    this.lastDraw = t;
    const counted = this.unit ? ` ${this.count.toLocaleString('en-US')} ${this.unit}` : '';
    this.out.write(`\r\u001b[Kbulkhead: ${this.phaseName}...${counted} (${Math.round(elapsed / 1000)} s)`);
    this.shown = true;
  }
}

/** The delay before a progress line, in ms: BULKHEAD_PROGRESS_DELAY_MS (for tests), else 1.5 s. */
function delayFrom(env: Env): number {
  const v = Number(env['BULKHEAD_PROGRESS_DELAY_MS']);
  return Number.isFinite(v) && v >= 0 && env['BULKHEAD_PROGRESS_DELAY_MS'] !== '' ? v : 1500;
}

/** The run's progress line (one command runs per process). */
export const progress = new Progress(progressWanted(process.stderr), process.stderr, delayFrom(process.env));
