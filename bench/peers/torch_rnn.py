#!/usr/bin/env python3
"""PyTorch's training step (forward, backward, parameter gradients) for the recurrent shapes of
`npm run bench:rnn`, at 1 and 2 threads, medians in ms. Run by bench/rnn.cjs --torch."""
import statistics
import time

import torch

SHAPES = [('lstm', 50, 32, 64, 128), ('gru', 50, 32, 64, 128), ('lstm', 50, 32, 64, 512), ('gru', 50, 32, 64, 512)]


def bench(cell, T, B, I, H, threads, repeat=7):
    torch.set_num_threads(threads)
    layer = (torch.nn.LSTM if cell == 'lstm' else torch.nn.GRU)(I, H)
    x = torch.randn(T, B, I, requires_grad=True)

    def step():
        layer.zero_grad()
        out, _ = layer(x)
        out.sum().backward()

    for _ in range(3):
        step()
    samples = []
    for _ in range(repeat):
        n, t0 = 0, time.perf_counter()
        while True:
            step()
            n += 1
            if time.perf_counter() - t0 > 0.2:
                break
        samples.append((time.perf_counter() - t0) / n * 1000)
    return statistics.median(samples)


print(f'PyTorch {torch.__version__} training step, median ms (1 thread / 2 threads)')
for cell, T, B, I, H in SHAPES:
    one, two = bench(cell, T, B, I, H, 1), bench(cell, T, B, I, H, 2)
    print(f'{cell} step T={T} B={B} I={I} H={H}'.ljust(34), f'{one:10.3f} {two:10.3f}')
