"""
Page throughput at a large SIG's scale, measured side by side with the cheapest Django view on the same server.

    .venv/bin/python bench/generate.py --db bench_small --factor 0.01
    .venv/bin/python bench/generate.py --db bench_large --factor 1
    .venv/bin/python bench/pages.py --db bench_large --small-db bench_small

The portal runs under gunicorn with production settings (DEBUG off, PostgreSQL, Redis cache and sessions, whitenoise)
on the database that bench/generate.py filled; its manifest (var/bench/<db>.json) names the pages to hit and the bench
member's login. wrk drives each page at a fixed concurrency, first as a visitor (no cookie) and then as a logged-in
member (a real session cookie). The trivial view (/_bench/trivial/, BENCH_MODE only) is measured in the same run, before
and after the pages, and every page is reported as a ratio to it: the figures of one run on one machine compare with
each other, not with another machine's. Queries per request come from the X-Query-Count header; with --small-db they
are read on the small data set too, and must be equal.

Nothing here asserts a time: it prints a table (and writes it as JSON next to the manifest).
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PAGES = ["home", "events", "event", "forums", "forum", "long_topic", "directory", "committee"]
# Pages a visitor is sent to log in for: measured for members only.
MEMBERS_ONLY = {"directory"}

# Run in a manage.py shell on the bench database: a real session for the bench member, as a log-in would make it.
SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import SessionBase
from importlib import import_module
from django.conf import settings
user = get_user_model().objects.get(email={email!r})
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.save()
print(store.session_key)
"""


def manifest(db):
    path = common.ROOT / "var" / "bench" / f"{db}.json"
    if not path.exists():
        sys.exit(f"No manifest at {path}: fill the database first with bench/generate.py --db {db}")
    return json.loads(path.read_text())


def member_cookie(env, email):
    out = subprocess.run(  # noqa: S603
        [common.PYTHON, "manage.py", "shell", "-c", SESSION_SCRIPT.format(email=email)],
        cwd=common.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {"Cookie": f"sessionid={out.strip().splitlines()[-1]}"}


def query_counts(base, targets, cookie):
    """Queries per request for each page, as a visitor and as the member (after one warm-up request)."""
    counts = {}
    for page in PAGES:
        for role, headers in (("visitor", {}), ("member", cookie)):
            if role == "visitor" and page in MEMBERS_ONLY:
                continue
            url = base + targets[page]
            common.fetch(url, headers)
            status, queries, size = common.fetch(url, headers)
            counts[(page, role)] = {"status": status, "queries": queries, "bytes": size}
    return counts


def serve(db, static_root, workers):
    port = common.free_port()
    env = common.production_env(db, port, static_root)
    return env, port


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the large database, filled by bench/generate.py")
    parser.add_argument("--small-db", help="a small database, to compare queries per request")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration for each page and role (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--pages", nargs="*", default=PAGES, help="only these pages")
    args = parser.parse_args()

    common.require_wrk()
    info = manifest(args.db)
    targets = info["targets"]
    static_root = Path(tempfile.mkdtemp(prefix="sigportal-static-"))

    small_counts = None
    if args.small_db:
        small = manifest(args.small_db)
        env, port = serve(args.small_db, static_root, args.workers)
        common.manage(env, "collectstatic", "--no-input", "-v0")
        cookie = member_cookie(env, small["targets"]["member_email"])
        with common.gunicorn(env, port, workers=2) as base:
            small_counts = query_counts(base, small["targets"], cookie)

    env, port = serve(args.db, static_root, args.workers)
    common.manage(env, "collectstatic", "--no-input", "-v0")
    cookie = member_cookie(env, targets["member_email"])
    rows = []
    with common.gunicorn(env, port, workers=args.workers) as base:
        counts = query_counts(base, targets, cookie)
        run = {"seconds": args.seconds, "connections": args.connections}
        common.wrk(base + "/_bench/trivial/", seconds=2, connections=args.connections)  # warm-up
        trivial = [common.wrk(base + "/_bench/trivial/", **run)]
        for page in args.pages:
            for role, headers in (("visitor", {}), ("member", cookie)):
                if role == "visitor" and page in MEMBERS_ONLY:
                    continue
                result = common.wrk(base + targets[page], headers=headers, **run)
                rows.append({"page": page, "role": role, "path": targets[page], **result, **counts[(page, role)]})
                if small_counts:
                    rows[-1]["queries_small"] = small_counts[(page, role)]["queries"]
                print(f"  {page:<11} {role:<8} {result['rps']:8.0f} req/s  p95 {result['p95_ms']:6.1f} ms", flush=True)
        trivial.append(common.wrk(base + "/_bench/trivial/", **run))

    ceiling = statistics.mean(t["rps"] for t in trivial)
    targets_ratio = {"visitor": 0.5, "member": 0.2}
    print()
    print(f"Machine: {common.machine()}")
    print(
        f"Data: {args.db} (factor {info.get('factor')}); gunicorn {args.workers} sync workers; "
        f"wrk {args.connections} connections, {args.seconds} s per page"
    )
    print(
        f"Trivial view: {trivial[0]['rps']:.0f} req/s before, {trivial[1]['rps']:.0f} after "
        f"(ceiling = mean {ceiling:.0f}); p95 {max(t['p95_ms'] for t in trivial):.1f} ms"
    )
    print()
    header = "| page | as | req/s | ratio | target | p50 ms | p95 ms | queries | queries (small) | errors |"
    print(header)
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        row["ratio"] = row["rps"] / ceiling
        target = targets_ratio[row["role"]]
        ok = row["ratio"] >= target and row["p95_ms"] < 100 and row["errors"] == 0
        small_q = row.get("queries_small", "")
        print(
            f"| {row['page']} | {row['role']} | {row['rps']:.0f} | {row['ratio']:.2f} | {target}{'' if ok else ' ✗'} "
            f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries']} | {small_q} | {row['errors']} |"
        )
    out = common.ROOT / "var" / "bench" / f"pages-{args.db}.json"
    out.write_text(json.dumps({"machine": common.machine(), "trivial": trivial, "rows": rows}, indent=2))
    print(f"\nWritten to {out.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
