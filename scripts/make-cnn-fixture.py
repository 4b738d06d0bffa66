#!/usr/bin/env python3
"""Writes test/fixtures/cnn-golden.safetensors: a small CNN in PyTorch with strided, padded,
dilated, grouped and depthwise convolutions, BatchNorm, max and average pooling, global
average pooling and a linear head; its state dict before the forward pass, an input batch,
the training-mode output, the gradients of the input and of every parameter for a fixed
output gradient, the running statistics after that pass, and the eval-mode output.

Replayed by test/layers/cnn-golden.test.ts. Run with Debian's python3-torch:
    /usr/bin/python3 scripts/make-cnn-fixture.py
The safetensors file is written by hand (8-byte little-endian header length, JSON header,
raw little-endian data), so no package beyond torch is needed.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F


class GoldenNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2)
        self.pool1 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.pool2 = nn.AvgPool2d(2, stride=1, padding=1)
        self.conv4 = nn.Conv2d(8, 6, (1, 2), stride=(1, 2), padding=(0, 1))
        self.fc = nn.Linear(6, 5)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.conv2(x))
        x = self.pool1(x)
        x = self.conv3(x)
        x = self.pool2(x)
        x = torch.tanh(self.conv4(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        data = t.numpy().astype("<" + t.numpy().dtype.str[1:]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt", "source": "scripts/make-cnn-fixture.py", "torch": torch.__version__}
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * ((8 - len(blob) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for c in chunks:
            f.write(c)


def main():
    torch.manual_seed(0)
    model = GoldenNet()
    with torch.no_grad():
        # Non-trivial BatchNorm affine parameters and running statistics.
        model.bn1.weight.uniform_(0.5, 1.5)
        model.bn1.bias.uniform_(-0.5, 0.5)
        model.bn1.running_mean.uniform_(-0.2, 0.2)
        model.bn1.running_var.uniform_(0.5, 1.5)
    out = {f"state.{k}": v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(2, 3, 12, 10, requires_grad=True)
    model.train()
    y = model(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    out["input"] = x.detach()
    out["output"] = y.detach()
    out["grad_output"] = dy
    out["grad.input"] = x.grad
    for name, p in model.named_parameters():
        out[f"grad.{name}"] = p.grad
    for name, b in model.named_buffers():
        out[f"after.{name}"] = b.clone()
    model.eval()
    with torch.no_grad():
        out["output_eval"] = model(x)
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "cnn-golden.safetensors")
    write_safetensors(os.path.normpath(path), out)
    print(f"wrote {os.path.normpath(path)}: {len(out)} tensors, output {tuple(y.shape)}")


if __name__ == "__main__":
    main()
