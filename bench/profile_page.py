"""
Where a page's time goes: the portal's WSGI application called in this process with production settings on a
bench database, as a visitor or as the bench member, under cProfile.

    .venv/bin/python bench/profile_page.py --db bench_large --page long_topic --as member
    .venv/bin/python bench/profile_page.py --db bench_large --page all --as member --top 0   # ms per request only

The pages are bench/pages.py's (from the manifest bench/generate.py writes). Each page is requested a few times
first (so what a worker keeps for its lifetime is loaded, as in a long-running gunicorn worker), then `--requests`
times under the profiler; the top entries by own time and by cumulative time are printed, with the mean time of a
request without the profiler.
"""

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PAGES = ["trivial", "home", "events", "event", "forums", "forum", "long_topic", "directory", "committee"]


def environ(path, cookie):
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def request(app, path, cookie):
    status = []
    body = b"".join(app(environ(path, cookie), lambda s, h, *a: status.append(s)))
    return status[0], body


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--page", default="all", help=f"one of {', '.join(PAGES)}, or all")
    parser.add_argument("--as", dest="role", choices=["visitor", "member"], default="member")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25, help="entries to print (0: timings only)")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request")
    parser.add_argument("--uncached", action="store_true", help="page caches off (PAGE_CACHE_SECONDS=0)")
    args = parser.parse_args()

    info = json.loads((common.ROOT / "var" / "bench" / f"{args.db}.json").read_text())
    extra = {"PAGE_CACHE_SECONDS": "0"} if args.uncached else {}
    env = common.production_env(args.db, 8000, Path(tempfile.mkdtemp(prefix="sigportal-static-")), **extra)
    common.manage(env, "collectstatic", "--no-input", "-v0")
    common.django_setup(env)
    from django.contrib.auth import get_user_model
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    cookie = None
    if args.role == "member":
        user = get_user_model().objects.get(email=info["targets"]["member_email"])
        cookie = f"sessionid={common.login_sessions([user])[user.pk]}"
    pages = PAGES if args.page == "all" else [args.page]
    for page in pages:
        path = "/_bench/trivial/" if page == "trivial" else info["targets"][page]
        for _ in range(10):
            status, _ = request(app, path, cookie)
        if not status.startswith("200"):
            print(f"{page}: {status}")
            continue
        if args.queries:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                request(app, path, cookie)
            for query in captured.captured_queries:
                print(f"  {query['time']}s  {query['sql'][:300]}")
        started = time.perf_counter()
        for _ in range(args.requests):
            request(app, path, cookie)
        mean = (time.perf_counter() - started) / args.requests * 1000
        print(f"{page:<11} {args.role:<8} {mean:6.2f} ms a request")
        if args.top:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                request(app, path, cookie)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
