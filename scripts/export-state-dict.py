#!/usr/bin/env python3
"""Converts a PyTorch state dict (a .pth/.pt file saved with torch.save(model.state_dict()),
for example torchvision's resnet18 weights) to a float32 safetensors file that neurite's
loadWeights() reads by name:

    /usr/bin/python3 scripts/export-state-dict.py resnet18-f37072fd.pth resnet18.safetensors

Integer tensors (BatchNorm's num_batches_tracked is int64) are cast to float32, since
neurite reads floating-point safetensors only. The file is written by hand (8-byte
little-endian header length, JSON header, raw little-endian data): only torch is needed.
"""
import json
import struct
import sys

import torch


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: export-state-dict.py <state_dict.pth> <out.safetensors>")
    state = torch.load(sys.argv[1], map_location="cpu")
    if not isinstance(state, dict):
        state = state.state_dict()
    header, chunks, offset = {}, [], 0
    for name, t in state.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * ((8 - len(blob) % 8) % 8)
    with open(sys.argv[2], "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for c in chunks:
            f.write(c)
    print(f"wrote {sys.argv[2]}: {len(state)} tensors")


if __name__ == "__main__":
    main()
