import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'neurite-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SMALL = ['--train-size', '64', '--batch-size', '32', '--test-size', '50', '--log-every', '1'];

interface EvalJson {
  samples: number;
  loss: number;
  accuracy: number;
  classes: string[];
  confusion: number[][];
  perClass: number[];
}

function epochLine(stdout: string, epoch: number, of: number): string {
  const line = stdout.split('\n').find((l) => l.startsWith(`epoch ${epoch}/${of}  `));
  if (!line) throw new Error(`no summary of epoch ${epoch}/${of} in:\n${stdout}`);
  return line.replace(/\s+[\d.]+ s\s+\d+ samples\/s$/, '');
}

describe('neurite train and eval', () => {
  it('trains two batches of the MLP on the shipped subset and saves the run', async () => {
    const out = join(tmp, 'two');
    const r = await runCli(['train', ...SMALL, '--epochs', '1', '--out', out], { cwd: tmp });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mlp on Fashion-MNIST (subset shipped with neurite): 64 train / 50 test samples');
    expect(r.stdout).toMatch(/^epoch 1\/1 batch 1\/2 +loss [\d.]+ +\d+ samples\/s +ETA /m);
    expect(r.stdout).toMatch(/^epoch 1\/1 batch 2\/2 /m);
    expect(epochLine(r.stdout, 1, 1)).toMatch(/^epoch 1\/1 {2}loss [\d.]+ {2}accuracy [\d.]+ {2}val_loss [\d.]+ {2}val_accuracy [\d.]+$/);
    expect(r.stdout).toMatch(/^test {2}loss [\d.]+ {2}accuracy [\d.]+$/m);
    for (const f of ['model.json', 'model.safetensors', 'checkpoint.safetensors', 'run.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'completed', epochsDone: 1, layout: 'flat', settings: { model: 'mlp', batchSize: 32, optimizer: 'adam', trainSize: 64 } });
    expect(run.history).toHaveLength(1);
  });

  it('evaluates the saved model: loss, accuracy and a confusion matrix', async () => {
    const dir = join(tmp, 'two');
    const json = await runCli(['eval', dir, '--json'], { cwd: tmp });
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as EvalJson;
    expect(r.samples).toBe(50);
    expect(r.classes).toHaveLength(10);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(50);
    expect(r.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(new Array(10).fill(5));
    expect(r.accuracy).toBeCloseTo(r.confusion.reduce((s, row, k) => s + row[k]!, 0) / 50, 10);
    expect(Number.isFinite(r.loss) && r.loss > 0).toBe(true);
    // The same numbers the run reported for its test split.
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(r.accuracy).toBeCloseTo(run.test.accuracy, 6);
    expect(r.loss).toBeCloseTo(run.test.loss, 4);

    const text = await runCli(['eval', dir], { cwd: tmp });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^loss [\d.]+ {2}accuracy [\d.]+$/m);
    expect(text.stdout).toMatch(/^ 9 {2}Ankle boot( +\d+){10} +[\d.]+$/m);
  });

  it('--resume continues exactly where a run stopped', async () => {
    const straight = await runCli(['train', ...SMALL, '--epochs', '2', '--out', join(tmp, 'straight')], { cwd: tmp });
    expect(straight.code).toBe(0);
    const resumed = await runCli(['train', '--epochs', '2', '--resume', '--out', join(tmp, 'two')], { cwd: tmp });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('resuming after epoch 1 of 2');
    expect(resumed.stdout).not.toMatch(/^epoch 1\/2/m);
    expect(epochLine(resumed.stdout, 2, 2)).toBe(epochLine(straight.stdout, 2, 2));
  });

  it('stops after the current batch on Ctrl-C, saves, and resumes from the last checkpoint', async () => {
    const out = join(tmp, 'interrupted');
    let sent = false;
    const r = await runCli(
      ['train', '--train-size', '400', '--batch-size', '4', '--test-size', '20', '--epochs', '3', '--log-every', '1', '--out', out],
      {
        cwd: tmp,
        onStdout: (text, kill) => {
          if (!sent && /^epoch 1\/3 batch 3\/100 /m.test(text)) {
            sent = true;
            kill('SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('stopping after this batch');
    expect(r.stdout).toMatch(/interrupted in epoch 1: saved the model/);
    expect(r.stdout).not.toMatch(/^epoch 1\/3 batch 100\/100/m);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({ status: 'interrupted', epochsDone: 0 });

    const resumed = await runCli(['train', '--resume', '--epochs', '1', '--out', out], { cwd: tmp });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('resuming after epoch 0 of 1');
    expect(resumed.stdout).toMatch(/^epoch 1\/1 batch 100\/100 /m);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({ status: 'completed', epochsDone: 1 });
  });

  it.each(['lenet5', 'cnn', 'lstm', 'gru'])('trains two batches of the zoo %s and evaluates it', async (model) => {
    const out = join(tmp, `zoo-${model}`);
    const r = await runCli(['train', '--model', model, ...SMALL, '--epochs', '1', '--out', out], { cwd: tmp });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^epoch 1\/1 batch 2\/2 /m);
    const e = await runCli(['eval', out, '--json'], { cwd: tmp });
    expect(e.code).toBe(0);
    const json = JSON.parse(e.stdout) as EvalJson;
    expect(json.samples).toBe(50);
    expect(json.accuracy).toBeCloseTo(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).test.accuracy, 6);
  });

  it('trains on a CIFAR-10 binary directory, and says why a model cannot', async () => {
    // Six small batch files in the CIFAR-10 binary format: a label byte, then 3x32x32 pixels.
    const dir = join(tmp, 'cifar-10-batches-bin');
    mkdirSync(dir);
    const files = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat('test_batch.bin');
    files.forEach((name, f) => {
      const records = 20, bytes = new Uint8Array(records * 3073);
      for (let r = 0; r < records; r++) {
        bytes[r * 3073] = r % 10;
        for (let i = 1; i < 3073; i++) bytes[r * 3073 + i] = (r * 7 + i * 13 + f) & 255;
      }
      writeFileSync(join(dir, name), bytes);
    });
    const r = await runCli(['train', '--model', 'cnn', '--data', tmp, '--batch-size', '50', '--epochs', '1', '--out', join(tmp, 'cifar')], { cwd: tmp });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`cnn on CIFAR-10 in ${dir}: 100 train / 20 test samples`);
    expect(r.stdout).toMatch(/^epoch 1\/1 batch 2\/2 /m);
    const lstm = await runCli(['train', '--model', 'lstm', '--data', dir, '--out', join(tmp, 'cifar-lstm')], { cwd: tmp });
    expect(lstm.code).toBe(2);
    expect(lstm.stderr).toMatch(/lstm cannot train on CIFAR-10 .*: reads rows of 1-channel images, got 3 channels/);
  });

  it.each([
    [['train', '--epochs', '0'], /^neurite train: --epochs must be in \[1, 100000\], got 0/],
    [['train', '--model', 'transformer'], /^neurite train: --model must be one of /],
    [['train', '--optimizer', 'lbfgs'], /^neurite train: --optimizer must be one of sgd, momentum, adam, adamw, rmsprop/],
    [['train', '--lr'], /^neurite train: --lr needs a value/],
    [['eval'], /^neurite eval: missing <model-dir>/],
    [['eval', 'a', 'b'], /^neurite eval: unexpected argument "b"/],
  ])('%j is a usage error', async (args, message) => {
    const r = await runCli(args, { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses to overwrite a run, or to change its settings on --resume (usage errors)', async () => {
    const again = await runCli(['train', ...SMALL, '--out', join(tmp, 'two')], { cwd: tmp });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run \(use --resume/);
    const change = await runCli(['train', '--resume', '--lr', '0.1', '--out', join(tmp, 'two')], { cwd: tmp });
    expect(change.code).toBe(2);
    expect(change.stderr).toMatch(/--lr cannot change on --resume/);
  });

  it('fails with exit code 1 and one line for a missing run or dataset', async () => {
    for (const args of [['train', '--resume', '--out', join(tmp, 'none')], ['eval', join(tmp, 'none')], ['train', '--data', join(tmp, 'nodata')]]) {
      const r = await runCli(args, { cwd: tmp });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
