#!/usr/bin/env python3
"""PyTorch's training steps for the workloads of `neurite bench` (src/bench/steps.ts,
targetStepSpecs): the same networks, batch, cross-entropy loss and Adam (lr 1e-3), one fixed
batch, zero_grad/forward/loss/backward/step. Run by bench/peers/run.cjs.

    torch_steps.py THREADS REPEAT MIN_TIME_MS wall|cpu KEY...

Prints one JSON line per key: {"key", "bestMs", "medianMs", "samplesMs"}. The cpu clock is the
process's CPU time (time.process_time), meaningful at one thread."""
import json
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


class RecurrentClassifier(nn.Module):
    def __init__(self, cell, hidden):
        super().__init__()
        self.rnn = (nn.LSTM if cell == 'lstm' else nn.GRU)(64, hidden)
        self.head = nn.Linear(hidden, 10)

    def forward(self, x):
        _, h = self.rnn(x)
        if isinstance(h, tuple):
            h = h[0]
        return self.head(h[-1])


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def cifar_cnn():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 256), nn.ReLU(), nn.Linear(256, 10))


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


# key -> (model builder, input shape, batch)
WORKLOADS = {
    'lenet5': (lenet5, (64, 1, 28, 28), 64),
    'cifar': (cifar_cnn, (32, 3, 32, 32), 32),
    'lstm128': (lambda: RecurrentClassifier('lstm', 128), (50, 32, 64), 32),
    'gru128': (lambda: RecurrentClassifier('gru', 128), (50, 32, 64), 32),
    'lstm512': (lambda: RecurrentClassifier('lstm', 512), (50, 32, 64), 32),
    'gru512': (lambda: RecurrentClassifier('gru', 512), (50, 32, 64), 32),
    'mlp': (mlp, (128, 784), 128),
}


def bench(key, repeat, min_time_ms, now):
    build, shape, batch = WORKLOADS[key]
    torch.manual_seed(1)
    model = build()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(*shape)
    y = torch.arange(batch) % 10

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    samples = []
    for _ in range(repeat):
        n, t0 = 0, now()
        while True:
            step()
            n += 1
            if (now() - t0) * 1000 >= min_time_ms:
                break
        samples.append((now() - t0) / n * 1000)
    return {'key': key, 'bestMs': min(samples), 'medianMs': statistics.median(samples), 'samplesMs': samples}


def main():
    threads, repeat, min_time_ms, clock = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    torch.set_num_threads(threads)
    now = time.process_time if clock == 'cpu' else time.perf_counter
    for key in sys.argv[5:]:
        print(json.dumps(bench(key, repeat, min_time_ms, now)), flush=True)


if __name__ == '__main__':
    main()
