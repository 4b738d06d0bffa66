#!/usr/bin/env python3
"""Golden fixture for neurite's recurrent layers, made with PyTorch.

For a stacked (2 layers) bidirectional LSTM and GRU it writes, under test/fixtures/rnn/:
  <name>.state.safetensors   the module's state dict, as PyTorch names it
  <name>.golden.safetensors  the input batch x and initial states h0 (c0), the loss weights,
                             the outputs (output, h_n, c_n), and the gradient of a fixed loss
                             (grad.<param>, grad.x, grad.h0, grad.c0)
The loss is sum(output * w_out) + sum(h_n * w_h) (+ sum(c_n * w_c)). A third case runs the LSTM on
a padded batch through pack_padded_sequence (lengths 5, 3, 2) so masks can be checked against
PyTorch's packed sequences. test/layers/golden.test.ts replays all of it (CI has no PyTorch).

Run with Debian's PyTorch:  /usr/bin/python3 scripts/make-rnn-fixture.py
The safetensors bytes are written here directly (8-byte little-endian header length, a JSON
header of {name: {dtype, shape, data_offsets}}, then the raw little-endian float32 data).
"""
import json
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'rnn')
T, B, I, H, L = 5, 3, 3, 4, 2


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().to(torch.float32).contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)  # pad so the data starts 8-byte aligned
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def run(name, module, lstm, lengths=None):
    g = torch.Generator().manual_seed(7)
    x = torch.randn(T, B, I, generator=g).requires_grad_(True)
    h0 = (0.5 * torch.randn(L * 2, B, H, generator=g)).requires_grad_(True)
    c0 = (0.5 * torch.randn(L * 2, B, H, generator=g)).requires_grad_(True)
    w_out = torch.rand(T, B, 2 * H, generator=g) + 0.5
    w_h = torch.rand(L * 2, B, H, generator=g) + 0.5
    w_c = torch.rand(L * 2, B, H, generator=g) + 0.5
    inp = x
    if lengths is not None:
        inp = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
    if lstm:
        out, (h_n, c_n) = module(inp, (h0, c0))
    else:
        out, h_n = module(inp, h0)
    if lengths is not None:
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=T)
    loss = (out * w_out).sum() + (h_n * w_h).sum()
    if lstm:
        loss = loss + (c_n * w_c).sum()
    module.zero_grad()
    loss.backward()
    golden = {'x': x, 'h0': h0, 'w_out': w_out, 'w_h': w_h, 'output': out, 'h_n': h_n,
              'loss': loss.reshape(1), 'grad.x': x.grad, 'grad.h0': h0.grad}
    if lstm:
        golden.update({'c0': c0, 'w_c': w_c, 'c_n': c_n, 'grad.c0': c0.grad})
    if lengths is not None:
        golden['lengths'] = torch.tensor(lengths, dtype=torch.float32)
    for pname, p in module.named_parameters():
        golden['grad.' + pname] = p.grad
    write_safetensors(os.path.join(OUT, name + '.golden.safetensors'), golden)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(3)
    lstm = torch.nn.LSTM(I, H, num_layers=L, bidirectional=True)
    gru = torch.nn.GRU(I, H, num_layers=L, bidirectional=True)
    write_safetensors(os.path.join(OUT, 'lstm.state.safetensors'), lstm.state_dict())
    write_safetensors(os.path.join(OUT, 'gru.state.safetensors'), gru.state_dict())
    run('lstm', lstm, True)
    run('gru', gru, False)
    run('lstm-packed', lstm, True, lengths=[5, 3, 2])
    run('gru-packed', gru, False, lengths=[2, 5, 4])
    print('torch', torch.__version__, '->', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
