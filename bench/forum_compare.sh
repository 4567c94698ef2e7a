#!/usr/bin/env bash
# Seminar's week page against an established Django forum's topic page (Spirit 0.14, from
# PyPI), each with the same 300 posts, served by the same gunicorn (4 gthread workers x 4
# threads), on the same kind of database, measured by the same client
# (`manage.py bench_page`: logged in, keep-alive, 8 threads, 20 s after a 3 s warm-up).
#
#   bash bench/forum_compare.sh                    # SQLite (each app its own file)
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar bash bench/forum_compare.sh
#
# Spirit lives in .bench/spirit (its own venv and project, rebuilt each run; on
# PostgreSQL its database is spirit_bench on the same server). Only 127.0.0.1 is used.
# Environment: POSTS (300), BENCH_SECONDS (20), BENCH_CONCURRENCY (8).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
POSTS=${POSTS:-300}
RUN_SECONDS=${BENCH_SECONDS:-20}
THREADS=${BENCH_CONCURRENCY:-8}
PY=$ROOT/.venv/bin/python
WORK=$ROOT/.bench/spirit
[ -x "$PY" ] || make install
"$PY" manage.py migrate -v0

echo "==> Spirit (django-spirit 0.14.3) in $WORK"
[ -x "$WORK/venv/bin/python" ] || python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check \
    "django-spirit==0.14.3" "gunicorn>=23" "psycopg[binary]>=3.2"
rm -rf "$WORK/site" && mkdir -p "$WORK/site"
(cd "$WORK/site" && PATH="$WORK/venv/bin:$PATH" spirit startproject forumsite >/dev/null)
SITE=$WORK/site/forumsite
cp bench/spirit_settings.py "$SITE/forumsite/settings/bench.py"

case "${DATABASE_URL:-}" in
  postgres*)
    SPIRIT_DATABASE_URL="${DATABASE_URL%/*}/spirit_bench"
    "$PY" - "$DATABASE_URL" <<'PYEOF'
import sys
from urllib.parse import urlsplit
import psycopg
url = urlsplit(sys.argv[1])
with psycopg.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                     password=url.password, dbname="postgres", autocommit=True) as conn:
    conn.execute("DROP DATABASE IF EXISTS spirit_bench WITH (FORCE)")
    conn.execute("CREATE DATABASE spirit_bench")
PYEOF
    ;;
  *) SPIRIT_DATABASE_URL="sqlite:///$WORK/spirit.sqlite3"; rm -f "$WORK/spirit.sqlite3" ;;
esac
export SPIRIT_DATABASE_URL
export DJANGO_SETTINGS_MODULE=forumsite.settings.bench
(cd "$SITE" && "$WORK/venv/bin/python" manage.py migrate -v0)
# The same post texts as bench_week's (one source: Seminar's own module).
DJANGO_SETTINGS_MODULE=seminar.settings "$PY" -c "import django, json; django.setup(); \
from discussions.management.commands.bench_week import ANSWER, REPLY; \
print(json.dumps({'answer': ANSWER, 'reply': REPLY}))" > "$WORK/texts.json"
SEED=$(cd "$SITE" && POSTS=$POSTS POST_TEXTS="$WORK/texts.json" "$WORK/venv/bin/python" manage.py shell < "$ROOT/bench/spirit_seed.py" | grep '^SEED ')
TOPIC_PATH=$(echo "$SEED" | cut -d' ' -f2)
COOKIE=$(echo "$SEED" | cut -d' ' -f3)
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SPIRIT_PID=
trap '[ -z "$SPIRIT_PID" ] || kill $SPIRIT_PID 2>/dev/null || true' EXIT

# Spirit shows a topic's posts 20 to a page by default, at most 100 (its admin's limit):
# measure both. A page of its topic, as the same logged-in reader.
spirit_page() {
  (cd "$SITE" && "$WORK/venv/bin/python" manage.py shell -c \
    "from djconfig.models import Config; Config.objects.update_or_create(key='comments_per_page', defaults={'value': '$1'})" >/dev/null)
  (cd "$SITE" && exec "$WORK/venv/bin/gunicorn" forumsite.wsgi --bind "127.0.0.1:$PORT" \
      --workers 4 --threads 4 --worker-class gthread --log-level warning --timeout 120 \
      2>>"$WORK/gunicorn.log") &
  SPIRIT_PID=$!
  echo "==> Spirit's topic page ($POSTS posts in the topic, $1 on a page): $TOPIC_PATH" >&2
  env -u DJANGO_SETTINGS_MODULE "$PY" manage.py bench_page --url "http://127.0.0.1:$PORT$TOPIC_PATH" \
      --cookie "$COOKIE" --seconds "$RUN_SECONDS" --concurrency "$THREADS" | tee /dev/stderr | tail -1
  kill $SPIRIT_PID; wait $SPIRIT_PID 2>/dev/null || true
  SPIRIT_PID=
}
SPIRIT_20=$(spirit_page 20)
SPIRIT_100=$(spirit_page 100)
unset DJANGO_SETTINGS_MODULE

echo "==> Seminar's week page, $POSTS comments"
OURS_LINE=$("$PY" manage.py bench_page --comments "$POSTS" --seconds "$RUN_SECONDS" \
    --concurrency "$THREADS" | tee /dev/stderr | tail -1)

"$PY" - "$POSTS" "$SPIRIT_20" "$SPIRIT_100" "$OURS_LINE" <<'PYEOF'
import re, sys
posts = int(sys.argv[1])
def parse(line):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)}
rows = [("Spirit topic page, 20 posts a page", parse(sys.argv[2]), 20),
        ("Spirit topic page, 100 posts a page", parse(sys.argv[3]), 100),
        (f"Seminar week page, all {posts} comments", parse(sys.argv[4]), posts)]
print(f"\n| page | KB | req/s | errors | p50 ms | posts shown/s |\n|---|---:|---:|---:|---:|---:|")
for name, m, shown in rows:
    print(f"| {name} | {m['kb']:.0f} | {m['page_rps']:.1f} | {m['errors']:.0f} | {m['p50_ms']:.0f} |"
          f" {m['page_rps'] * shown:,.0f} |")
ours = rows[2][1]["page_rps"]
for name, m, _ in rows[:2]:
    if m["page_rps"]:
        print(f"Seminar / {name}: {ours / m['page_rps']:.2f}x the requests per second")
PYEOF
