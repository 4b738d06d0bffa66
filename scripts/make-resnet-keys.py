#!/usr/bin/env python3
"""Writes test/fixtures/resnet18-state-dict.json: the names and shapes, in order, of the
state dict of torchvision's resnet18 (ResNet with BasicBlocks [2, 2, 2, 2], 1000 classes),
and its parameter count. torchvision is not packaged for Debian's python3-torch, so the
architecture is written out here exactly as torchvision.models.resnet defines it (same
attribute names, hence the same state-dict keys). test/layers/cnn.test.ts checks neurite's
resnet18() against it, so a torchvision checkpoint exported with export-state-dict.py loads
by name.

    /usr/bin/python3 scripts/make-resnet-keys.py
"""
import json
import os

import torch.nn as nn


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample


class ResNet(nn.Module):
    def __init__(self, layers, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(64, layers[0])
        self.layer2 = self._make_layer(128, layers[1], 2)
        self.layer3 = self._make_layer(256, layers[2], 2)
        self.layer4 = self._make_layer(512, layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512, num_classes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        for _ in range(1, blocks):
            layers.append(BasicBlock(planes, planes))
        return nn.Sequential(*layers)


def main():
    model = ResNet([2, 2, 2, 2])
    out = {
        "parameters": sum(p.numel() for p in model.parameters()),
        "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()],
    }
    path = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "resnet18-state-dict.json"))
    with open(path, "w") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    print(f"wrote {path}: {len(out['state_dict'])} entries, {out['parameters']} parameters")


if __name__ == "__main__":
    main()
