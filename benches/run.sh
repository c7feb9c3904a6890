#!/usr/bin/env bash
# Runs every benchmark and writes target/bench-report.md (issue 8).
#
#   bash benches/run.sh            # the full size (about 40–60 minutes on 2 cores)
#   QUICK=1 bash benches/run.sh    # a reduced size (about 10 minutes), for a first look
#
# Needs: PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres,
# a role that may create databases) and pgbench on PATH. Each JSON result goes to
# target/bench/, the report to target/bench-report.md. Run it on an otherwise idle machine:
# the report records the one-minute load average at the start of each measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
out=target/bench
rm -rf "$out" target/criterion
mkdir -p "$out"
log() { printf '\n==> %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

if [ "${QUICK:-0}" = 1 ]; then
    criterion_args=(--warm-up-time 1 --measurement-time 2)
    sled_ops=100; pg_seconds=5; cases=(100000); load_seconds=10; soak_seconds=60; drill_cycles=5
else
    criterion_args=()
    sled_ops=300; pg_seconds=15; cases=(100000 1000000); load_seconds=20; soak_seconds=300; drill_cycles=20
fi

log "building (release)"
cargo build --release --locked -p sigap-server --bin sigap -p sigap-benches --bins
bench=target/release/sigap-bench
load=target/release/sigap-load

log "criterion: calendar and engine"
cargo bench --locked -p sigap-benches --bench calendar --bench engine -- "${criterion_args[@]}"

log "sled beside raw sled"
$bench sled --ops "$sled_ops" --out "$out/sled.json"

log "PostgreSQL beside pgbench"
$bench postgres --seconds "$pg_seconds" --out "$out/postgres.json"

for n in "${cases[@]}"; do
    for store in sled postgres; do
        log "queries over $n open cases on $store"
        $bench queries --store "$store" --cases "$n" --out "$out/queries-$store-$n.json"
    done
done

for store in sled postgres; do
    for kind in submit note; do
        log "server under load: $kind on $store"
        $load latency --store "$store" --kind "$kind" --seconds "$load_seconds" --out "$out/latency-$store-$kind.json"
    done
done

log "sigap due --batch: deadlines per second"
batch_lines=$([ "${QUICK:-0}" = 1 ] && echo 100000 || echo 1000000)
awk -v n="$batch_lines" 'BEGIN { print "start,duration"; for (i = 0; i < n; i++) printf "2026-%02d-%02dT%02d:%02d:00+07:00,%dwd\n", 1 + i % 12, 1 + i % 28, 7 + i % 10, i % 60, 1 + i % 5 }' > "$out/batch.csv"
started=$(date +%s.%N)
target/release/sigap due --calendar workflows/sumbar/kalender.toml --batch "$out/batch.csv" > "$out/batch-out.csv"
finished=$(date +%s.%N)
awk -v n="$batch_lines" -v a="$started" -v b="$finished" 'BEGIN { s = b - a; printf "{\"lines\": %d, \"seconds\": %.3f, \"per_second\": %.0f}\n", n, s, n / s }' | tee "$out/batch.json"

log "soak"
$load soak --store sled --seconds "$soak_seconds" --out "$out/soak-sled.json"

for store in sled postgres; do
    log "crash drill on $store"
    $load drill --store "$store" --cycles "$drill_cycles" --out "$out/drill-$store.json"
done

log "report"
$bench report --dir "$out" --criterion target/criterion --out target/bench-report.md
