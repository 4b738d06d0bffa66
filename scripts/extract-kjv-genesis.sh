#!/usr/bin/env bash
# Writes data/kjv-genesis.txt, the corpus of the character-level language model example
# (src/examples/charlm.ts): the Book of Genesis, King James Version, one verse per line with the
# verse numbers removed and a blank line between chapters.
#
# Source: Debian's bible-kjv-text package (the KJV text; its copyright file states that the
# copyright of the 1611 translation has expired) read through the bible program of the
# bible-kjv package:   apt-get install bible-kjv bible-kjv-text
set -euo pipefail
cd "$(dirname "$0")/.."
bible -l0 "Genesis 1:1-50:26" |
  awk '/^Genesis [0-9]+$/ { if (started) print ""; started = 1; next }
       /^ *[0-9]+ / { sub(/^ *[0-9]+ /, ""); print }' > data/kjv-genesis.txt
wc -lc data/kjv-genesis.txt
