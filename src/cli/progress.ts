/**
 * Training progress: on a TTY, one line redrawn in place (bar, batches, ETA, throughput,
 * running loss), at most ten times a second; elsewhere (pipes, CI logs), a plain line every
 * `logEvery` batches. The formatting functions are pure, for tests.
 */

export interface ProgressStats {
  /** Batches done in this epoch. */
  done: number;
  /** Batches in this epoch. */
  total: number;
  /** Samples processed in this epoch so far. */
  samples: number;
  /** Seconds since the epoch started. */
  elapsed: number;
  /** Running mean of the loss over this epoch's batches. */
  loss: number;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

function rate(stats: ProgressStats): number {
  return stats.elapsed > 0 ? stats.samples / stats.elapsed : 0;
}

function eta(stats: ProgressStats): number {
  return stats.done > 0 ? (stats.elapsed / stats.done) * (stats.total - stats.done) : NaN;
}

/** The in-place TTY line, fitted to `columns`. */
export function renderBar(label: string, stats: ProgressStats, columns = 80): string {
  const counts = `${String(stats.done).padStart(String(stats.total).length)}/${stats.total}`;
  const tail = ` ${counts}  ETA ${formatDuration(eta(stats))}  ${rate(stats).toFixed(0)} samples/s  loss ${stats.loss.toFixed(4)}`;
  const width = Math.max(10, Math.min(30, columns - label.length - tail.length - 4));
  const filled = stats.total > 0 ? Math.round((width * stats.done) / stats.total) : 0;
  const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (stats.done >= stats.total ? '=' : '>') : '') + ' '.repeat(width - filled);
  return `${label} [${bar}]${tail}`.slice(0, Math.max(20, columns - 1));
}

/** A plain log line (non-TTY). */
export function renderLine(label: string, stats: ProgressStats): string {
  return `${label} batch ${stats.done}/${stats.total}  loss ${stats.loss.toFixed(4)}  ${rate(stats).toFixed(0)} samples/s  ETA ${formatDuration(eta(stats))}`;
}

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class Progress {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
    private readonly logEvery: number,
    private readonly tty = sink.isTTY === true,
  ) {}

  update(stats: ProgressStats): void {
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && stats.done < stats.total) return;
      this.lastDraw = now;
      this.sink.write(`\r\x1b[2K${renderBar(this.label, stats, this.sink.columns || 80)}`);
      this.drawn = true;
    } else if (stats.done % this.logEvery === 0 || stats.done === stats.total) {
      this.sink.write(renderLine(this.label, stats) + '\n');
    }
  }

  /** Clears the TTY line (the caller prints the epoch summary next). */
  end(): void {
    if (this.tty && this.drawn) this.sink.write('\r\x1b[2K');
    this.drawn = false;
  }
}
