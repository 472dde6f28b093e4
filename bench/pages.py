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

# The targets (issue 16): a page's throughput as a share of the trivial view's in the same run, and for members a
# 95th percentile under 50 ms. A miss is marked ✗ in the table.
TARGET_RATIO = {"visitor": 1.0, "member": 0.3}
TARGET_P95_MS = {"visitor": None, "member": 50}

PAGES = ["home", "events", "event", "forums", "forum", "long_topic", "directory", "committee"]
# Pages a visitor is sent to log in for: measured for members only.
MEMBERS_ONLY = {"directory"}

# Run in a manage.py shell on the bench database (Django is set up there): a real session for the bench member.
SESSION_SCRIPT = """
import sys
sys.path.insert(0, "bench")
from common import login_sessions
from django.contrib.auth import get_user_model
user = get_user_model().objects.get(email={email!r})
print(login_sessions([user])[user.pk])
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


def query_counts(base, targets, cookie, warm_up=12):
    """
    Queries per request for each page, as a visitor and as the member. Each page is first fetched `warm_up` times,
    so that every gunicorn worker has served it once (a worker's first requests also load what it keeps for its
    lifetime); then the fewest and the most queries of as many more requests are kept: they must agree.
    """
    counts = {}
    for page in PAGES:
        for role, headers in roles(page, cookie):
            url = base + targets[page]
            for _ in range(warm_up):
                common.fetch(url, headers)
            seen = [common.fetch(url, headers) for _ in range(warm_up)]
            statuses = {status for status, _, _ in seen}
            queries = sorted(q for _, q, _ in seen)
            if statuses != {200}:
                sys.exit(f"{url} as {role} answered {statuses}, not 200")
            counts[(page, role)] = queries[0] if queries[0] == queries[-1] else f"{queries[0]}-{queries[-1]}"
    return counts


def roles(page, cookie):
    """(role, headers) pairs measured for a page: visitors where they may read it, and the member."""
    pairs = [("visitor", {}), ("member", cookie)]
    return [(role, headers) for role, headers in pairs if not (role == "visitor" and page in MEMBERS_ONLY)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the large database, filled by bench/generate.py")
    parser.add_argument("--small-db", help="a small database, to compare queries per request")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration for each page and role (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--pages", nargs="*", default=PAGES, help="only these pages")
    parser.add_argument(
        "--no-uncached", action="store_true", help="skip the second run with the page caches switched off"
    )
    args = parser.parse_args()

    common.require_wrk()
    info = manifest(args.db)
    targets = info["targets"]
    static_root = Path(tempfile.mkdtemp(prefix="sigportal-static-"))
    run = {"seconds": args.seconds, "connections": args.connections}
    # Queries are compared with the caches off: a page served from the cache runs none at any size.
    uncached = {"PAGE_CACHE_SECONDS": "0"}

    small_counts = None
    if args.small_db:
        small = manifest(args.small_db)
        port = common.free_port()
        env = common.production_env(args.small_db, port, static_root, **uncached)
        common.manage(env, "collectstatic", "--no-input", "-v0")
        cookie = member_cookie(env, small["targets"]["member_email"])
        with common.gunicorn(env, port, workers=2) as base:
            small_counts = query_counts(base, small["targets"], cookie)

    port = common.free_port()
    env = common.production_env(args.db, port, static_root)
    common.manage(env, "collectstatic", "--no-input", "-v0")
    cookie = member_cookie(env, targets["member_email"])
    rows = {}
    with common.gunicorn(env, port, workers=args.workers) as base:
        counts = query_counts(base, targets, cookie)
        common.wrk(base + "/_bench/trivial/", seconds=2, connections=args.connections)  # warm-up
        trivial = [common.wrk(base + "/_bench/trivial/", **run)]
        for page in args.pages:
            for role, headers in roles(page, cookie):
                result = common.wrk(base + targets[page], headers=headers, **run)
                rows[(page, role)] = {"page": page, "role": role, "path": targets[page], **result}
                rows[(page, role)]["queries_served"] = counts[(page, role)]
                print(f"  {page:<11} {role:<8} {result['rps']:8.0f} req/s  p95 {result['p95_ms']:6.1f} ms", flush=True)
        trivial.append(common.wrk(base + "/_bench/trivial/", **run))

    if not args.no_uncached:
        # The same pages rendered for every request: what the caches save, and the queries a render runs.
        port = common.free_port()
        # The same secret key: the member's session (its auth hash is signed with it) stays valid.
        env = common.production_env(args.db, port, static_root, SECRET_KEY=env["SECRET_KEY"], **uncached)
        with common.gunicorn(env, port, workers=args.workers) as base:
            counts = query_counts(base, targets, cookie)
            for page in args.pages:
                for role, headers in roles(page, cookie):
                    result = common.wrk(base + targets[page], headers=headers, **run)
                    rows[(page, role)]["uncached_rps"] = result["rps"]
                    rows[(page, role)]["uncached_p95_ms"] = result["p95_ms"]
                    rows[(page, role)]["queries_render"] = counts[(page, role)]
                    print(f"  {page:<11} {role:<8} {result['rps']:8.0f} req/s without the page caches", flush=True)
    for key, row in rows.items():
        if small_counts:
            row["queries_render_small"] = small_counts[key]

    ceiling = statistics.mean(t["rps"] for t in trivial)
    print()
    print(f"Machine: {common.machine()}")
    print(
        f"Data: {args.db} (factor {info.get('factor')}); gunicorn {args.workers} sync workers; "
        f"wrk {args.connections} connections, {args.seconds} s per page and role"
    )
    print(
        f"Trivial view: {trivial[0]['rps']:.0f} req/s before the pages, {trivial[1]['rps']:.0f} after "
        f"(ceiling = their mean, {ceiling:.0f}); p95 {max(t['p95_ms'] for t in trivial):.1f} ms"
    )
    print(
        f"Targets: visitors at least {TARGET_RATIO['visitor']} of the trivial view; members at least "
        f"{TARGET_RATIO['member']} with p95 under {TARGET_P95_MS['member']} ms"
    )
    print()
    print(
        "| page | as | req/s | ratio | target | p50 ms | p95 ms | queries served | errors "
        "| req/s uncached | ratio uncached | p95 ms uncached | queries render (large) | (small) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows.values():
        row["ratio"] = row["rps"] / ceiling
        target = TARGET_RATIO[row["role"]]
        p95_limit = TARGET_P95_MS[row["role"]]
        row["meets_target"] = ok = (
            row["ratio"] >= target and (p95_limit is None or row["p95_ms"] < p95_limit) and row["errors"] == 0
        )
        plain = row.get("uncached_rps")
        print(
            f"| {row['page']} | {row['role']} | {row['rps']:.0f} | {row['ratio']:.2f} | {target}{'' if ok else ' ✗'} "
            f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries_served']} | {row['errors']} "
            f"| {'' if plain is None else f'{plain:.0f}'} | {'' if plain is None else f'{plain / ceiling:.2f}'} "
            f"| {row.get('uncached_p95_ms', '') and round(row['uncached_p95_ms'], 1)} "
            f"| {row.get('queries_render', '')} | {row.get('queries_render_small', '')} |"
        )
    misses = [f"{row['page']} ({row['role']})" for row in rows.values() if not row["meets_target"]]
    print(f"\n✗: below the target ratio, or (members) p95 at or over {TARGET_P95_MS['member']} ms, or errors.")
    print(f"Misses: {', '.join(misses) if misses else 'none'}")
    out = common.ROOT / "var" / "bench" / f"pages-{args.db}.json"
    result = {"machine": common.machine(), "trivial": trivial, "ceiling": ceiling, "rows": list(rows.values())}
    out.write_text(json.dumps(result, indent=2))
    print(f"Written to {out.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
