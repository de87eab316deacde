#!/usr/bin/env bash
# Whole-process benchmark: time and peak memory of esgx as a user runs it, on generated datasets of
# 10k, 100k and 1M facts (bench/gen_dataset.py), side by side with Arelle and with lxml merely
# parsing the same XML filing, when those are installed. Nothing here is a test: it prints a table.
#
# usage: bench/run.sh [SIZES...]        (default: 10000 100000 1000000)
# env:   ARELLE=path/to/arelleCmdLine   run Arelle on the XML filing (default: /tmp/arelle-venv's,
#                                        if present; ARELLE=none skips it). Arelle runs only up to
#                                        ARELLE_MAX_FACTS facts (default 100000: it takes minutes).
#        PYTHON=python3                 a Python with lxml for the parse anchor (skipped without)
#        BENCH_DIR=DIR                  where the data goes (default: a temp folder, removed)
#        RUNS=3                         rounds of every command (and of the lxml parse), one after
#                                        the other, for sizes up to RUNS_MAX_FACTS (default 100000;
#                                        larger sizes run once); the median time and memory are
#                                        printed, with the range of the times
#        EXTRA_CONCEPTS=5000            also time export and validate of the same dataset with a
#                                        company extension this many concepts larger (0 skips it),
#                                        up to EXTRA_MAX_FACTS facts (default 100000); the ratio
#                                        printed is to the same command without them
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
dir="${BENCH_DIR:-$(mktemp -d)}"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"
arelle="${ARELLE:-/tmp/arelle-venv/bin/arelleCmdLine}"
[ -x "$arelle" ] || arelle=none
arelle_max="${ARELLE_MAX_FACTS:-100000}"
python="${PYTHON:-python3}"
extra="${EXTRA_CONCEPTS:-5000}"
extra_max="${EXTRA_MAX_FACTS:-100000}"
runs="${RUNS:-3}"
runs_max="${RUNS_MAX_FACTS:-100000}"
have_lxml=0
"$python" -c "import lxml.etree" 2>/dev/null && have_lxml=1

cargo build --release --locked -q
esgx="$PWD/target/release/esgx"
export SOURCE_DATE_EPOCH=1700000000
# A 1M-fact XML filing is over 1 GB, past esgx's default input limit of 256 MiB.
export ESGX_MAX_INPUT_BYTES="${ESGX_MAX_INPUT_BYTES:-17179869184}"

# run LABEL CMD...: prints "seconds peak_MiB" and keeps the output in $dir/LABEL.log
# A command that fails (not a finding: exit 2 or worse) is reported as such, never timed.
run() {
  local label="$1"; shift
  local code=0
  /usr/bin/time -f "%e %M" -o "$dir/$label.time" "$@" >"$dir/$label.log" 2>&1 || code=$?
  if [ "$code" -ge 2 ]; then
    echo "failed(exit-$code) -"
    return
  fi
  tail -n 1 "$dir/$label.time" | awk '{printf "%.2f %.0f\n", $1, $2 / 1024}'
}

# median LINES: of "seconds peak_MiB" lines (one per round), the median of each, and the range
# of the seconds; a failed run stands for the whole.
median() {
  local lines
  lines="$(printf '%s' "$1" | sed '/^$/d')"
  if grep -q failed <<<"$lines"; then
    grep -m 1 failed <<<"$lines"
    return
  fi
  local n t m
  n="$(wc -l <<<"$lines")"
  t="$(cut -d' ' -f1 <<<"$lines" | sort -g)"
  m="$(cut -d' ' -f2 <<<"$lines" | sort -g)"
  printf '%s %s %s\n' "$(sed -n "$(( (n + 1) / 2 ))p" <<<"$t")" "$(sed -n "$(( (n + 1) / 2 ))p" <<<"$m")" \
    "$([ "$n" -gt 1 ] && echo "($n runs, $(head -1 <<<"$t")-$(tail -1 <<<"$t") s)" || echo -)"
}

printf '%-10s %-28s %10s %10s %12s\n' facts command seconds "peak MiB" "vs lxml"
for n in "${sizes[@]}"; do
  data="$dir/dataset-$n.json"
  python3 bench/gen_dataset.py "$n" "$data" 2>/dev/null
  out="$dir/out-$n"
  lx_t=""; lx_m=""
  declare -A res=() all=()
  ext="$dir/dataset-$n-ext.json"
  [ "$extra" -gt 0 ] && [ "$n" -le "$extra_max" ] && python3 bench/gen_dataset.py "$n" "$ext" --extra-concepts "$extra" 2>/dev/null
  # Each round runs every command once, so that the machine's drift spreads over all of them.
  rounds="$runs"
  [ "$n" -le "$runs_max" ] || rounds=1
  for ((r = 1; r <= rounds; r++)); do
    rm -rf "$out"
    all[export]+="$(run "export-$n" "$esgx" export "$data" --out "$out")"$'\n'
    all[validate-dataset]+="$(run "vds-$n" "$esgx" validate "$data" --fail-on never)"$'\n'
    all[validate-xml]+="$(run "vxml-$n" "$esgx" validate "$out/report.xbrl" --fail-on never)"$'\n'
    all[validate-json]+="$(run "vjson-$n" "$esgx" validate "$out/report.json" --fail-on never)"$'\n'
    all[validate-csv]+="$(run "vcsv-$n" "$esgx" validate "$out/report-metadata.json" --fail-on never)"$'\n'
    if [ "$have_lxml" = 1 ]; then
      all[lxml-parse]+="$(run "lxml-$n" "$python" -c "import sys, lxml.etree as e; e.parse(sys.argv[1])" "$out/report.xbrl")"$'\n'
    fi
    if [ "$extra" -gt 0 ] && [ "$n" -le "$extra_max" ]; then
      rm -rf "$out-ext"
      all[export+$extra-concepts]+="$(run "export-ext-$n" "$esgx" export "$ext" --out "$out-ext")"$'\n'
      all[validate-dataset+$extra-concepts]+="$(run "vds-ext-$n" "$esgx" validate "$ext" --fail-on never)"$'\n'
    fi
  done
  for k in "${!all[@]}"; do res[$k]="$(median "${all[$k]}")"; done
  [ -z "${res[lxml-parse]:-}" ] || read -r lx_t lx_m _ <<<"${res[lxml-parse]}"
  if [ "$arelle" != none ] && [ "$n" -le "$arelle_max" ]; then
    res[arelle-xml]="$(run "arelle-$n" "$arelle" --file "$out/report.xbrl" --validate --calc c11r --utr --workOffline) -"
  fi
  for k in export validate-dataset validate-xml validate-json validate-csv lxml-parse arelle-xml \
    "export+$extra-concepts" "validate-dataset+$extra-concepts"; do
    [ -n "${res[$k]:-}" ] || continue
    read -r t m range <<<"${res[$k]}"
    ratio=""
    if [ "${k%+*}" != "$k" ] && [ -n "${res[${k%+*}]:-}" ] && [ "$m" != - ]; then
      # the same command without the extra concepts
      read -r bt bm <<<"${res[${k%+*}]}"
      ratio="$(awk -v a="$t" -v b="$bt" -v c="$m" -v d="$bm" 'BEGIN { if (b > 0 && d > 0) printf "%.2fx t, %.2fx mem (vs without)", a / b, c / d }')"
    elif [ -n "$lx_t" ] && [ "$k" != lxml-parse ] && [ "$m" != - ]; then
      ratio="$(awk -v a="$t" -v b="$lx_t" -v c="$m" -v d="$lx_m" 'BEGIN { if (b > 0 && d > 0) printf "%.2fx t, %.2fx mem", a / b, c / d }')"
    fi
    [ "$range" = - ] && range=""
    printf '%-10s %-28s %10s %10s %12s %s\n' "$n" "$k" "$t" "$m" "$ratio" "$range"
  done
  unset res all
  for f in "$out"/report.* "$out"/report-facts.csv "$out"/facts.*; do printf "%-10s %-28s %10s bytes/fact\n" "$n" "$(basename "$f")" "$(( $(stat -c %s "$f") / n ))"; done
done
