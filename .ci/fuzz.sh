#!/usr/bin/env bash
# Short fuzzing runs of every cargo-fuzz target under fuzz/ (see fuzz/README.md).
#
#   bash .ci/fuzz.sh [seconds-per-target]     (default 30)
#
# Installs cargo-fuzz if missing, builds all targets once, then runs each for
# the given time with the committed seeds (fuzz/corpus/<target>/, read only),
# its dictionary if it has one (fuzz/dicts/<target>.dict) and a scratch
# corpus for what the run finds. Exits non-zero if any target
# crashes (a panic, a failed assertion, a timeout or running out of memory),
# after printing the input's path, its base64 and the command that replays it.
#
# The stable toolchain is enough: without a sanitizer every flag cargo-fuzz
# passes is stable. sigap-core forbids unsafe code, so AddressSanitizer adds
# little and costs a 4–5× slower run; FUZZ_SANITIZER=address turns it on
# (with RUSTC_BOOTSTRAP=1, as it needs -Zsanitizer). FUZZ_CODEGEN_UNITS
# (default 16) trades build time for fuzzing speed; cargo-fuzz's own default
# is 1, which builds about twice as slowly.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

seconds=${1:-30}
case "$seconds" in '' | *[!0-9]*) echo "usage: $0 [seconds-per-target]" >&2; exit 2 ;; esac
targets=(definition calendar form upload history)
sanitizer=${FUZZ_SANITIZER:-none}
if [ "$sanitizer" != none ]; then export RUSTC_BOOTSTRAP=1; fi
flags=(--sanitizer "$sanitizer" --debug-assertions --codegen-units "${FUZZ_CODEGEN_UNITS:-16}")

log() { printf '\n==> %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

if ! cargo fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
cargo fuzz --version

log "cargo fuzz build (${flags[*]})"
cargo fuzz build "${flags[@]}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
summary=()
failed=()
for target in "${targets[@]}"; do
    log "fuzzing $target for ${seconds}s"
    corpus="$scratch/corpus-$target"
    mkdir -p "$corpus" "fuzz/artifacts/$target"
    marker="$scratch/start-$target"
    touch "$marker"
    output="$scratch/$target.log"
    extra=()
    if [ -f "fuzz/dicts/$target.dict" ]; then extra+=(-dict="fuzz/dicts/$target.dict"); fi
    # The scratch directory comes first: libFuzzer writes new inputs there
    # and only reads the committed seeds.
    if cargo fuzz run "${flags[@]}" "$target" "$corpus" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 "${extra[@]}" >"$output" 2>&1; then
        status=ok
    else
        status=CRASH
        failed+=("$target")
    fi
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$output" | tail -n1 || true)
    execs=$(grep -E '^stat::number_of_executed_units:' "$output" | awk '{print $2}' || true)
    rate=$(grep -E '^stat::average_exec_per_sec:' "$output" | awk '{print $2}' || true)
    summary+=("$(printf '%-11s %-6s %9s execs %6s exec/s  %s' "$target" "$status" "${execs:-?}" "${rate:-?}" "${done_line#*DONE }")")
    if [ "$status" = CRASH ]; then
        tail -n 60 "$output"
        echo
        echo "--- the panic:"
        grep -m 3 -A 3 'panicked at' "$output" || echo "(no panic message: a timeout, running out of memory or a signal)"
        while IFS= read -r artifact; do
            echo
            echo "crash input: $artifact ($(wc -c <"$artifact") bytes)"
            if [ "$(wc -c <"$artifact")" -le 65536 ]; then
                echo "base64: $(base64 -w0 "$artifact")"
            fi
            echo "replay:  cargo fuzz run ${flags[*]} $target $artifact"
            echo "shrink:  cargo fuzz tmin ${flags[*]} $target $artifact"
        done < <(find "fuzz/artifacts/$target" -type f -newer "$marker")
    else
        tail -n 3 "$output" | grep -v '^$' || true
    fi
done

log "summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzzing found crashes in: ${failed[*]}"
    exit 1
fi
echo "no target crashed"
