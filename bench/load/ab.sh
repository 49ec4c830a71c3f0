#!/bin/sh
# The cost of logging every list and page: `make load` as an A/B in one session, interleaved ON/OFF, OFF/ON...
# ON is the product as shipped; OFF sets JIAYUAN_ACCESS_LOG_LISTS=0 (lists and pages that record nothing
# themselves write no row; refusals and the pages' own rows - records opened, searches, exports - still do).
# AB_ROUNDS (3) pairs; the LOAD_* tunables of scripts/load.sh apply to every run. Each run's figures go to
# bench/out/load/ab.tsv; the end prints the medians of each side and their ratio.
set -eu
cd "$(dirname "$0")/../.."
OUT=bench/out/load
ROUNDS=${AB_ROUNDS:-3}
DB=${LOAD_DB:-jiayuan_load}
mkdir -p "$OUT"
printf 'round\tmode\trequests\trps\tp50_ms\tp95_ms\tfailures\tlog_rows\tcount_check\tload_avg\n' >"$OUT/ab.tsv"
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then order="on off"; else order="off on"; fi
    for mode in $order; do
        flag=1
        [ "$mode" = off ] && flag=0
        load=$(cut -d' ' -f1 /proc/loadavg)
        printf '\n== round %s, list logging %s (load average %s)\n' "$round" "$mode" "$load"
        if JIAYUAN_ACCESS_LOG_LISTS=$flag sh scripts/load.sh >"$OUT/ab-$round-$mode.log" 2>&1; then check=ok; else check=FAILED; fi
        rows=$(psql "postgres://jiayuan:jiayuan@127.0.0.1:5432/$DB" -Atqc \
            "select count(*) from audit_accesslog where at > now() - interval '10 minutes'" 2>/dev/null || echo "?")
        .venv/bin/python - "$OUT/results.json" "$round" "$mode" "$rows" "$check" "$load" >>"$OUT/ab.tsv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))["summary"]
round_, mode, rows, check, load = sys.argv[2:]
print(f"{round_}\t{mode}\t{s['requests']}\t{s['rps']:.2f}\t{s['p50_ms']:.0f}\t{s['p95_ms']:.0f}\t{s['failures']}\t{rows}\t{check}\t{load}")
PY
        tail -n 1 "$OUT/ab.tsv"
    done
done
.venv/bin/python - "$OUT/ab.tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
def med(mode, key):
    return statistics.median(float(r[key]) for r in rows if r["mode"] == mode)
on_rps, off_rps = med("on", "rps"), med("off", "rps")
on_p95, off_p95 = med("on", "p95_ms"), med("off", "p95_ms")
print(f"\nmedian throughput: logging on {on_rps:.2f} req/s, off {off_rps:.2f} req/s, ratio on/off {on_rps / off_rps:.3f}")
print(f"median p95: logging on {on_p95:.0f} ms, off {off_p95:.0f} ms, ratio on/off {on_p95 / off_p95:.3f}")
print(f"failures: {sum(int(r['failures']) for r in rows)}; count checks: {', '.join(r['count_check'] for r in rows)}")
PY
