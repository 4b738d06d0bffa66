#!/usr/bin/env bash
# Builds the peak-FMA microbenchmark into bench/out/peak_fma (no -march: the kernels carry
# their own target attributes).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p bench/out
"${CXX:-g++}" -O2 -std=c++17 -pthread bench/peak/peak_fma.cpp -o bench/out/peak_fma
echo "built bench/out/peak_fma"
