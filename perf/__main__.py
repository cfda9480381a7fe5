"""python -m perf --scale N [--output FILE] [--workers 4] [--yes]: the benchmark of issue 7.

Without DATABASE_URL it runs on SQLite in var/bench/perf-bench.sqlite3, deleted and rebuilt each time. With
DATABASE_URL it runs there and empties that database first: allowed when its name contains "bench", or with --yes.
"""

import argparse
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = BASE_DIR / "var" / "bench" / "perf-bench.sqlite3"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perf", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="nominations (default 100,000)")
    parser.add_argument("--output", metavar="FILE", help="JSON report (default var/bench/bench-<vendor>-<scale>.json)")
    parser.add_argument("--workers", type=int, default=4, help="processes for the parallel parts (default 4)")
    parser.add_argument("--yes", action="store_true", help="empty the DATABASE_URL database whatever its name")
    args = parser.parse_args(argv)
    if args.scale < 100:
        parser.error("--scale must be at least 100")
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_SQLITE}"
    name = url.rsplit("/", 1)[-1]
    if "bench" not in name and not args.yes:
        parser.error(f"the database {name!r} would be emptied: use one whose name contains 'bench', or pass --yes")
    if url.startswith("sqlite:"):
        database = Path(url.split("sqlite:///", 1)[1])
        database.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connection

    from perf import run

    report = run.run(scale=args.scale, workers=args.workers, say=lambda line: print(line, file=sys.stderr, flush=True))
    output = args.output or str(BASE_DIR / "var" / "bench" / f"bench-{connection.vendor}-{args.scale}.json")
    run.write(report, output)
    print(run.table(report))
    print(f"JSON report: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
