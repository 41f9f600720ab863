#!/usr/bin/env bash
# Builds the off-heap image fuzzer (libFuzzer + AddressSanitizer) and runs it for a bounded time
# on a copy of the committed seed corpus. Usage: Fuzz/run-image-fuzzer.sh [seconds]   (default 60)
# The fuzzer is a package of its own (Fuzz/Package.swift); see Fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
swift build -c release --package-path Fuzz --product ImageFuzzer --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DIMAGE_FUZZER
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The first directory collects new inputs; the committed corpus is only read.
.build-fuzz/release/ImageFuzzer -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work" Fuzz/Corpus
