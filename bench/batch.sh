#!/usr/bin/env bash
# Batch benchmark: `esgx export` of N copies of the Qifu dataset (default 200) in one run, on one
# thread (RAYON_NUM_THREADS=1) and on every core (the default), whole-process wall time, and the
# speed-up. Nothing here is a test: it prints a table.
#
# usage: bench/batch.sh [COPIES]       (default: 200)
# env:   BENCH_DIR=DIR                  where the data goes (default: a temp folder, removed)
#        THREADS="1 2"                  the thread counts to compare (default: 1, then every core)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200}"
dir="${BENCH_DIR:-$(mktemp -d)}"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/datasets"
cargo build --release --locked -q
esgx="$PWD/target/release/esgx"
export SOURCE_DATE_EPOCH=1700000000
for i in $(seq -f '%03g' 1 "$n"); do cp examples/qifu-2023/dataset.json "$dir/datasets/qifu-$i.json"; done
cores="$(nproc)"
threads="${THREADS:-1 $cores}"

printf '%-8s %-8s %10s %10s %10s\n' copies threads seconds summaries speed-up
base=""
for t in $threads; do
  rm -rf "$dir/out"
  start=$(date +%s.%N)
  code=0
  RAYON_NUM_THREADS="$t" "$esgx" export "$dir/datasets" --out "$dir/out" --summary "$dir/summary-$t.jsonl" \
    2>"$dir/stderr-$t.log" || code=$?
  end=$(date +%s.%N)
  if [ "$code" -ne 0 ]; then
    echo "threads=$t: esgx exited $code (see $dir/stderr-$t.log)" >&2
    exit 1
  fi
  secs=$(echo "$end - $start" | bc -l)
  lines=$(wc -l <"$dir/summary-$t.jsonl")
  [ -n "$base" ] || base="$secs"
  printf '%-8s %-8s %10.2f %10s %9.2fx\n' "$n" "$t" "$secs" "$lines" "$(echo "$base / $secs" | bc -l)"
done
