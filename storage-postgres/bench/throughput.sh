#!/usr/bin/env bash
# Durable appends/s beside pgbench on the same server, in one run. By hand:
#   bash storage-postgres/bench/throughput.sh [seconds]
# Needs the server at 127.0.0.1:5432 (user postgres, trust) and pgbench.
set -euo pipefail
cd "$(dirname "$0")/../.."
T=${1:-10}
PG=(-h 127.0.0.1 -U postgres)
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
psql "${PG[@]}" -Atc "select version()"
psql "${PG[@]}" -Atc "select 'synchronous_commit=' || current_setting('synchronous_commit') || ' fsync=' || current_setting('fsync') || ' wal_sync_method=' || current_setting('wal_sync_method') || ' shared_buffers=' || current_setting('shared_buffers')"
cargo build -q --release -p sigap-storage-postgres --example append_rate
for db in pgbench_scratch sigap_bench; do
    psql "${PG[@]}" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done
pgbench "${PG[@]}" -i -q -s 10 pgbench_scratch 2>&1 | tail -1
for c in 1 32; do
    j=$(( c < 2 ? 1 : 2 ))
    echo "== pgbench TPC-B-like, -c $c -j $j -T $T"
    pgbench "${PG[@]}" -c "$c" -j "$j" -T "$T" pgbench_scratch 2>&1 | grep -E '^(tps|latency average)'
    echo "== pgbench -N (simple update), -c $c -j $j -T $T"
    pgbench "${PG[@]}" -N -c "$c" -j "$j" -T "$T" pgbench_scratch 2>&1 | grep -E '^(tps|latency average)'
done
echo "== sigap appends (Service::execute → PgStore::append)"
target/release/examples/append_rate postgres://postgres@127.0.0.1:5432/sigap_bench "$T" 1 32
psql "${PG[@]}" -qc "DROP DATABASE pgbench_scratch" -c "DROP DATABASE sigap_bench"
