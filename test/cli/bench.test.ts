import { describe, expect, it } from 'vitest';
import { runCli } from './run';

interface Record {
  name: string;
  backend: string;
  threads: number;
  ms: number;
  gflops?: number;
  rssMB: number;
  allocKB: number;
}

describe('neurite bench', () => {
  it('--list names the workloads', async () => {
    const r = await runCli(['bench', '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sgemm NN 64x64x64$/m);
  });

  it('--json prints one array of records, native and js side by side', async () => {
    const r = await runCli(['bench', '--filter', '/^sgemm NN (64|256)x/', '--json', '--repeat', '2', '--min-time', '5', '--threads', '1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const records = JSON.parse(r.stdout) as Record[];
    expect(records.map((x) => `${x.name}/${x.backend}`)).toEqual([
      'sgemm NN 64x64x64/native', 'sgemm NN 64x64x64/js', 'sgemm NN 256x256x256/native', 'sgemm NN 256x256x256/js',
    ]);
    for (const x of records) {
      expect(Object.keys(x).sort()).toEqual(['allocKB', 'backend', 'gflops', 'ms', 'name', 'rssMB', 'threads']);
      expect(x.threads).toBe(1);
      expect(x.ms).toBeGreaterThan(0);
      expect(x.rssMB).toBeGreaterThan(10);
      // GFLOP/s is the work (2·M·N·K) over the time.
      const n = Number(/ (\d+)x/.exec(x.name)![1]);
      expect(x.gflops!).toBeCloseTo((2 * n ** 3) / (x.ms * 1e6), 1);
    }
  });

  it('covers conv, pooling, recurrent cells and training steps; GFLOP/s only where the work is counted', async () => {
    const list = (await runCli(['bench', '--list'])).stdout;
    for (const name of [/^conv2d forward /m, /^conv2d input /m, /^conv2d weight /m, /^maxPool2d /m, /^lstm cell fwd\+bwd /m,
      /^gru cell fwd\+bwd /m, /^train step mlp /m, /^train step lenet5 /m, /^train step cifar cnn /m, /^train step lstm /m, /^train step gru /m]) {
      expect(list).toMatch(name);
    }
    const r = await runCli(['bench', '--filter', '/^(maxPool2d|conv2d forward)/', '--backend', 'native', '--json', '--repeat', '1', '--min-time', '1']);
    expect(r.code).toBe(0);
    const records = JSON.parse(r.stdout) as Record[];
    // The forward pass of each of the five convolutions (LeNet-5's two, the CIFAR CNN's three).
    expect(records.map((x) => x.name.split(' ')[0])).toEqual([...Array<string>(5).fill('conv2d'), 'maxPool2d']);
    expect(records[0]!.gflops).toBeGreaterThan(0);
    expect('gflops' in records[records.length - 1]!).toBe(false);
  });

  it('prints a table with the native/js ratio', async () => {
    const r = await runCli(['bench', '--filter', 'sgemm NN 64x', '--repeat', '2', '--min-time', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^neurite \d+\.\d+\.\d+/);
    expect(r.stdout).toMatch(/workload\s+native ms\s+GFLOP\/s\s+js ms\s+GFLOP\/s\s+native\/js\s+rss MB\s+alloc KB/);
    expect(r.stdout).toMatch(/^sgemm NN 64x64x64\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+\d+\s+[\d.]+$/m);
  });

  it('reports the buffers a steady-state training step allocates: none', async () => {
    const r = await runCli(['bench', '--filter', 'train step lstm h128', '--backend', 'native', '--json', '--repeat', '2', '--min-time', '1', '--in-process']);
    expect(r.code).toBe(0);
    const records = JSON.parse(r.stdout) as Record[];
    expect(records).toHaveLength(1);
    expect(records[0]!.allocKB).toBe(0);
  });

  it('runs one backend with --backend', async () => {
    const r = await runCli(['bench', '--filter', 'sgemm NN 64x', '--backend', 'js', '--json', '--repeat', '1', '--min-time', '1', '--clock', 'cpu', '--in-process']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Record[]).map((x) => x.backend)).toEqual(['js']);
  });

  it('a filter that matches nothing is a usage error', async () => {
    const r = await runCli(['bench', '--filter', 'no-such-workload']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^neurite bench: no workload matches --filter no-such-workload/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
