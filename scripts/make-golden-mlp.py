#!/usr/bin/python3
"""Writes test/fixtures/golden-mlp/: a PyTorch reference that test/golden/mlp.test.ts replays.

    /usr/bin/python3 scripts/make-golden-mlp.py        # Debian's python3-torch (PyTorch 1.13)

Contents:
  model.safetensors   state dict of nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3)), seed below;
                      written byte by byte here (the safetensors package is not needed)
  golden.safetensors  the input batch x [5, 4], the output [5, 3], the targets, and for every
                      loss entry the gradients wrt each parameter ("grad/<entry>/<param>") and
                      wrt the output ("grad/<entry>/output")
  golden.json         one entry per loss and reduction: formula, PyTorch expression, value

Each loss is the issue's formula (y = output, t = target, mean over elements or, for the class
losses, over rows). Where PyTorch's module differs, the entry says how: MultiMarginLoss divides
each row's sum by the number of classes C, so the formula's value is C times PyTorch's (the
gradient too). Hinge, squared hinge and pseudo-Huber have no torch.nn module and are written
from the formula with torch ops. The data is chosen so that no ReLU, hinge or |y - t| sits
within 1e-2 of its kink, where float32 rounding could pick the other side.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "golden-mlp")
N, I, H, C = 5, 4, 8, 3
KINK = 1e-2


def write_safetensors(path, tensors, metadata=None):
    """safetensors by hand: u64 LE header length, JSON header (padded to 8 with spaces), F32 LE data."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def hinge(y, t, r):
    v = torch.clamp(1 - y * t, min=0)
    return v.mean() if r == "mean" else v.sum()


def squared_hinge(y, t, r):
    v = torch.clamp(1 - y * t, min=0) ** 2
    return v.mean() if r == "mean" else v.sum()


def pseudo_huber(delta):
    def f(y, t, r):
        v = delta**2 * (torch.sqrt(1 + ((y - t) / delta) ** 2) - 1)
        return v.mean() if r == "mean" else v.sum()
    return f


# name, target, applied to, PyTorch expression (as a string for the record), function, options
LOSSES = [
    ("hinge", "target_pm1", "output", "clamp(1 - y*t, min=0).mean|sum()", hinge, {}),
    ("squaredHinge", "target_pm1", "output", "(clamp(1 - y*t, min=0)**2).mean|sum()", squared_hinge, {}),
    ("binaryCrossEntropy", "target_prob", "sigmoid(output)", "F.binary_cross_entropy(sigmoid(y), t)",
     lambda y, t, r: F.binary_cross_entropy(torch.sigmoid(y), t, reduction=r), {}),
    ("binaryCrossEntropyWithLogits", "target_prob", "output", "F.binary_cross_entropy_with_logits(y, t)",
     lambda y, t, r: F.binary_cross_entropy_with_logits(y, t, reduction=r), {}),
    ("multiMargin", "target_class", "output", "C * F.multi_margin_loss(y, t, p=1)",
     lambda y, t, r: C * F.multi_margin_loss(y, t.long(), p=1, reduction=r), {}),
    ("squaredMultiMargin", "target_class", "output", "C * F.multi_margin_loss(y, t, p=2)",
     lambda y, t, r: C * F.multi_margin_loss(y, t.long(), p=2, reduction=r), {}),
    ("crossEntropy", "target_class", "output", "F.cross_entropy(y, t)",
     lambda y, t, r: F.cross_entropy(y, t.long(), reduction=r), {}),
    ("mse", "target_reg", "output", "F.mse_loss(y, t)", lambda y, t, r: F.mse_loss(y, t, reduction=r), {}),
    ("l1", "target_reg", "output", "F.l1_loss(y, t)", lambda y, t, r: F.l1_loss(y, t, reduction=r), {}),
    ("pseudoHuber", "target_reg", "output", "delta**2 * (sqrt(1 + ((y - t)/delta)**2) - 1)", pseudo_huber(1.0), {"delta": 1.0}),
    ("pseudoHuber", "target_reg", "output", "delta**2 * (sqrt(1 + ((y - t)/delta)**2) - 1)", pseudo_huber(0.5), {"delta": 0.5}),
]


def formula_check(name, y, t, r, options):
    """The issue's formulas in float64, written out independently of the PyTorch calls above."""
    y = y.double()
    t = t.double()
    red = (lambda v: v.mean()) if r == "mean" else (lambda v: v.sum())
    if name in ("multiMargin", "squaredMultiMargin", "crossEntropy"):
        rows = []
        for i in range(y.shape[0]):
            k = int(t[i])
            if name == "crossEntropy":
                rows.append(-torch.log_softmax(y[i], 0)[k])
            else:
                p = 1 if name == "multiMargin" else 2
                rows.append(sum(max(0.0, 1 - (y[i, k] - y[i, j]).item()) ** p for j in range(y.shape[1]) if j != k))
        v = torch.tensor([float(x) for x in rows], dtype=torch.float64)
        return float(red(v))
    if name == "binaryCrossEntropy":
        p = torch.sigmoid(y)
        return float(red(-(t * torch.log(p) + (1 - t) * torch.log(1 - p))))
    if name == "binaryCrossEntropyWithLogits":
        p = torch.sigmoid(y)
        return float(red(-(t * torch.log(p) + (1 - t) * torch.log(1 - p))))
    if name == "hinge":
        return float(red(torch.clamp(1 - y * t, min=0)))
    if name == "squaredHinge":
        return float(red(torch.clamp(1 - y * t, min=0) ** 2))
    if name == "mse":
        return float(red((y - t) ** 2))
    if name == "l1":
        return float(red((y - t).abs()))
    if name == "pseudoHuber":
        d = options["delta"]
        return float(red(d**2 * (torch.sqrt(1 + ((y - t) / d) ** 2) - 1)))
    raise ValueError(name)


def both_sides(y, targets):
    """At least 3 active and 3 inactive terms in the hinge and in the multiclass hinge."""
    m = 1 - y * targets["target_pm1"]
    margins = []
    for i in range(N):
        k = int(targets["target_class"][i])
        margins += [1 - (y[i, k] - y[i, j]).item() for j in range(C) if j != k]
    return all(sum(v > 0 for v in vs) >= 3 and sum(v < 0 for v in vs) >= 3 for vs in (m.flatten().tolist(), margins))


def far_from_kinks(model, x, y, targets):
    pre = model[0](x)
    if pre.abs().min() < KINK:
        return False
    if (1 - y * targets["target_pm1"]).abs().min() < KINK:
        return False
    if (y - targets["target_reg"]).abs().min() < KINK:
        return False
    for i in range(N):
        k = int(targets["target_class"][i])
        for j in range(C):
            if j != k and abs(1 - (y[i, k] - y[i, j]).item()) < KINK:
                return False
    return True


def build(seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(I, H), nn.ReLU(), nn.Linear(H, C))
    with torch.no_grad():
        # Outputs of order 1, so that some hinge and margin terms are active and some are not.
        model[2].weight.mul_(6)
        model[2].bias.mul_(6)
    x = torch.randn(N, I)
    prob = torch.rand(N, C)
    prob[0, 0], prob[1, 1], prob[2, 2] = 0.0, 1.0, 1.0
    targets = {
        "target_pm1": torch.where(torch.rand(N, C) < 0.5, -1.0, 1.0),
        "target_prob": prob,
        "target_class": torch.randint(0, C, (N,)).float(),
        "target_reg": torch.randn(N, C),
    }
    with torch.no_grad():
        y = model(x)
    return model, x, y, targets


def main():
    seed = 0
    while True:
        model, x, y, targets = build(seed)
        if far_from_kinks(model, x, y, targets) and both_sides(y, targets) and len(set(targets["target_class"].tolist())) == C:
            break
        seed += 1
    os.makedirs(OUT, exist_ok=True)
    params = dict(model.named_parameters())
    write_safetensors(os.path.join(OUT, "model.safetensors"), {k: v for k, v in model.state_dict().items()}, {"format": "pt"})

    tensors = {"x": x, "output": y, **targets}
    entries = []
    for name, target, applied, expr, fn, options in LOSSES:
        for reduction in ("mean", "sum"):
            model.zero_grad()
            out = model(x)
            out.retain_grad()
            loss = fn(out, targets[target], reduction)
            loss.backward()
            key = f"{name}{'_delta' + str(options['delta']) if 'delta' in options else ''}/{reduction}"
            check = formula_check(name, out.detach(), targets[target], reduction, options)
            assert abs(check - loss.item()) <= 1e-5 * max(1.0, abs(check)), (key, check, loss.item())
            for pname, p in params.items():
                tensors[f"grad/{key}/{pname}"] = p.grad.clone()
            tensors[f"grad/{key}/output"] = out.grad.clone()
            entries.append({
                "key": key, "loss": name, "reduction": reduction, "options": options, "target": target,
                "input": applied, "torch": expr, "value": loss.item(), "formula_float64": check,
            })
    write_safetensors(os.path.join(OUT, "golden.safetensors"), tensors)
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump({
            "made_by": "scripts/make-golden-mlp.py",
            "torch_version": torch.__version__,
            "seed": seed,
            "model": "nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))",
            "shapes": {"N": N, "I": I, "H": H, "C": C},
            "losses": entries,
        }, f, indent=1)
        f.write("\n")
    print(f"seed {seed}: {len(entries)} loss entries, {len(tensors)} tensors in golden.safetensors")


if __name__ == "__main__":
    main()
