import { describe, expect, it } from 'vitest';
import { formatDuration, Progress, renderBar, renderLine } from '../../src/cli/progress';

describe('training progress', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(NaN)).toBe('--:--');
  });

  it('draws a bar with counts, ETA, throughput and running loss that fits the terminal', () => {
    const line = renderBar('epoch 2/5', { done: 50, total: 100, samples: 3200, elapsed: 2, loss: 0.53219 }, 100);
    expect(line).toMatch(/^epoch 2\/5 \[=+> +\]  50\/100  ETA 0:02  1600 samples\/s  loss 0\.5322$/);
    expect(line.length).toBeLessThan(100);
    const done = renderBar('e', { done: 100, total: 100, samples: 6400, elapsed: 4, loss: 0.4 }, 80);
    expect(done).toMatch(/\[=+\]/);
    expect(renderBar('epoch 1/1', { done: 1, total: 9, samples: 1, elapsed: 1, loss: 1 }, 30).length).toBeLessThan(30);
  });

  it('logs plain lines every logEvery batches and at the end when not on a TTY', () => {
    const written: string[] = [];
    const p = new Progress({ write: (s: string) => written.push(s), isTTY: false }, 'epoch 1/1', 4);
    for (let done = 1; done <= 10; done++) p.update({ done, total: 10, samples: done * 8, elapsed: done / 10, loss: 1 / done });
    p.end();
    expect(written.map((l) => /batch (\d+)\/10/.exec(l)![1])).toEqual(['4', '8', '10']);
    expect(written[2]).toBe(renderLine('epoch 1/1', { done: 10, total: 10, samples: 80, elapsed: 1, loss: 0.1 }) + '\n');
    expect(written.every((l) => !l.includes('\r'))).toBe(true);
  });

  it('redraws one line in place on a TTY and clears it at the end', () => {
    const written: string[] = [];
    const p = new Progress({ write: (s: string) => written.push(s), isTTY: true, columns: 80 }, 'epoch 1/1', 4);
    p.update({ done: 1, total: 2, samples: 8, elapsed: 0.1, loss: 1 });
    p.update({ done: 2, total: 2, samples: 16, elapsed: 0.2, loss: 0.5 });
    p.end();
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\r\x1b\[2Kepoch 1\/1 \[/);
    expect(written[1]).toContain('2/2');
    expect(written[2]).toBe('\r\x1b[2K');
  });
});
