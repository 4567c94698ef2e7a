#!/usr/bin/env bash
# Does migrating a real database from before the restructuring keep every row?
#
#   bash bench/migrate_check.sh              # from 55abcca (main before the layers work)
#   bash bench/migrate_check.sh <commit>     # from another commit
#
# 1. exports <commit> (default 55abcca) into a temporary directory;
# 2. creates a fresh PostgreSQL database (PG_URL, default postgres://postgres@127.0.0.1:5432;
#    the database is named seminar_migrate_check_<pid> and is the only one this drops);
# 3. runs that checkout's `manage.py migrate` and `manage.py seed_demo --password x`
#    against it, with this repository's .venv python;
# 4. records the row count of every table (information_schema + one COUNT(*) per table),
#    and a checksum of the rows of the moved and renamed tables (participation_extension,
#    weeks_teammember -> weeks_weekduty);
# 5. runs this working tree's `manage.py migrate` against the same database and counts
#    again; the renamed table is compared under its new name;
# 6. drops the database, prints a report and exits non-zero on any difference.
# django_migrations is reported apart: it gains one row per migration applied.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OLD=${1:-55abcca}
PY=$ROOT/.venv/bin/python
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB=seminar_migrate_check_$$
URL=$PG_URL/$DB
TMP=$(mktemp -d)
CREATED=""

cleanup() {
    if [ -n "$CREATED" ]; then
        psql "$PG_URL/postgres" -qAtc \
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$DB'" \
            >/dev/null || true
        psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB" || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

COUNTS_SQL="SELECT table_name, (xpath('/row/c/text()', query_to_xml(format(
  'SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text
  FROM information_schema.tables
  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"

counts() {  # table|rows, one a line
    psql "$URL" -qAtF '|' -c "$COUNTS_SQL"
}

checksum() {  # the rows of one table, in id order, as one md5 (or "absent")
    local exists
    exists=$(psql "$URL" -qAtc "SELECT to_regclass('public.$1') IS NOT NULL")
    if [ "$exists" != "t" ]; then
        echo absent
        return
    fi
    psql "$URL" -qAtc "SELECT count(*) || ' rows, md5 ' ||
        coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), '-') FROM public.$1 t"
}

echo "==> $OLD exported to $TMP/old"
mkdir "$TMP/old"
git -C "$ROOT" archive "$OLD" | tar -x -C "$TMP/old"

echo "==> database $DB"
psql "$PG_URL/postgres" -qc "CREATE DATABASE $DB"
CREATED=1

echo "==> $OLD: migrate, seed_demo"
(cd "$TMP/old" && DATABASE_URL=$URL "$PY" manage.py migrate --noinput -v0 &&
    DATABASE_URL=$URL "$PY" manage.py seed_demo --password x >"$TMP/seed.log")
counts | sed 's/^weeks_teammember|/weeks_weekduty|/' >"$TMP/before"
ext_before=$(checksum participation_extension)
duty_before=$(checksum weeks_teammember)

echo "==> this tree: migrate"
DATABASE_URL=$URL "$PY" manage.py migrate --noinput -v1 | grep -E "Apply|No migrations" || true
counts >"$TMP/after"
ext_after=$(checksum participation_extension)
duty_after=$(checksum weeks_weekduty)

"$PY" - "$TMP/before" "$TMP/after" "$OLD" "$ext_before" "$ext_after" "$duty_before" \
    "$duty_after" <<'EOF'
import sys

before_file, after_file, old, ext_b, ext_a, duty_b, duty_a = sys.argv[1:]


def read(path):
    rows = {}
    for line in open(path):
        name, _, count = line.strip().partition("|")
        if name:
            rows[name] = int(count)
    return rows


before, after = read(before_file), read(after_file)
record = "django_migrations"
differences = []
print(f"\nTables at {old} (after seed_demo): {len(before)}; after migrating: {len(after)}")
print(f"{'table':40} {'before':>8} {'after':>8}")
for name in sorted(before):
    if name == record:
        continue
    b, a = before[name], after.get(name)
    mark = "" if a == b else "   <-- DIFFERENT"
    if a != b:
        differences.append(name)
    print(f"{name:40} {b:8} {'gone' if a is None else a:>8}{mark}")
new = sorted(set(after) - set(before))
for name in new:
    print(f"{name:40} {'new':>8} {after[name]:8}")
print(f"{record:40} {before.get(record, 0):8} {after.get(record, 0):8}   (one row per migration)")
print(f"\nparticipation_extension rows: {ext_b}\n                    after: {ext_a}")
print(f"weeks_teammember rows:        {duty_b}\nweeks_weekduty after:         {duty_a}")
if ext_b != ext_a:
    differences.append("participation_extension (values)")
if duty_b != duty_a:
    differences.append("weeks_weekduty (values)")
rows = sum(v for k, v in before.items() if k != record)
if differences:
    print(f"\nFAILED: {len(differences)} difference(s): {', '.join(differences)}")
    sys.exit(1)
print(f"\nOK: every one of {len(before) - 1} tables kept its {rows} rows in all")
print(f"({len(new)} new table(s); the moved and renamed tables keep the same values).")
EOF
