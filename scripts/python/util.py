"""The workshop's util.py: what the talks import at the top of every approach.

Written for this workshop to mirror the Rust `shared` crate, so the Python and
Rust versions read the same URL file, save under the same file names (the
shootout verifies both the same way) and print the same summary and JSON.
Needs `requests` (and `aiohttp` for the asyncio version):
    python3 -m pip install requests aiohttp
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time

MAX_READABLE = 80

# What Windows opens as a device instead of a file, before the first dot and
# in any case (`nul.tar.gz` is NUL): the Rust `is_windows_device`.
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in range(10)
}


# ANCHOR: urls
def urls(path):
    """Yield (line_number, url_or_None, error) for each line that is not
    blank or a comment."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f.read().split(b"\n"), start=1):
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                yield number, None, "not valid UTF-8"
                continue
            if not text or text.startswith("#"):
                continue
            if text.startswith(("http://", "https://")):
                yield number, text, None
            else:
                yield number, None, "not an http(s) URL"
# ANCHOR_END: urls


# ANCHOR: filename_for_url
def filename_for_url(url, folder):
    """Same rule as the Rust `shared::filename_for_url`: a readable path,
    a short hash."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]
    rest = url.split("://", 1)[1] if "://" in url else url
    path = rest.split("/", 1)[1] if "/" in rest else ""
    readable = "".join(
        c if (c.isascii() and (c.isalnum() or c in ".-")) else "_"
        for c in path
    )
    ext = None
    stem, dot, tail = readable.rpartition(".")
    if (
        dot
        and stem
        and 1 <= len(tail) <= 5
        and tail.isascii()
        and tail.isalnum()
    ):
        ext, readable = tail, stem
    if len(readable) > MAX_READABLE:
        readable = readable[-MAX_READABLE:]
    readable = readable.strip("._") or "index"
    name = f"{readable}-{digest}.{ext}" if ext else f"{readable}-{digest}"
    if name.split(".", 1)[0].upper() in WINDOWS_DEVICES:
        name = "_" + name  # `con.tar.gz`: `_con.tar-<hash>.gz` on every OS
    return os.path.join(folder, name)
# ANCHOR_END: filename_for_url


# ANCHOR: write_to_file
def write_to_file(filename, content):
    """Atomic: a temp file in the same folder, then a rename."""
    folder = os.path.dirname(filename) or "."
    fd, tmp = tempfile.mkstemp(prefix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, filename)
    except BaseException:
        os.unlink(tmp)
        raise
# ANCHOR_END: write_to_file


# ANCHOR: get_url_content
def get_url_content(session, url, timeout=30):
    response = session.get(url, timeout=timeout)
    response.raise_for_status()
    return response.content
# ANCHOR_END: get_url_content


# ANCHOR: hash_me
def hash_me(seed, rounds):
    """Talk 02's sha256 chain, from the same seed as the Rust version."""
    data = hashlib.sha256(seed.to_bytes(8, "little")).digest()
    for _ in range(rounds):
        data = hashlib.sha256(data).digest()
    return data.hex()
# ANCHOR_END: hash_me


# ANCHOR: cpu_bound
def cpu_bound(n):
    """Talk 04's cpu_bound."""
    return str(sum(i * i for i in range(n)))
# ANCHOR_END: cpu_bound


def tasks(args):
    """The CPU tasks as (name, function, argument tuple), like the Rust ones."""
    if args.command == "hash":
        return [
            (f"hash_me(#{s}, {args.rounds})", hash_me, (s, args.rounds))
            for s in range(args.tasks)
        ]
    return [
        (f"cpu_bound({args.base + x})", cpu_bound, (args.base + x,))
        for x in range(args.tasks)
    ]


def parse_args(name, default_workers):
    parser = argparse.ArgumentParser(prog=name)
    parser.add_argument(
        "command",
        nargs="?",
        default="download",
        choices=["download", "hash", "sum-squares"],
    )
    parser.add_argument("--urls", default="urls.txt")
    parser.add_argument("--out", default="downloads")
    parser.add_argument("--workers", type=int, default=default_workers)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=500_000)
    parser.add_argument("--base", type=int, default=5_000_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--trace")
    return parser.parse_args()


class Run:
    """Records each item like the Rust `Run`, then prints the same report."""

    def __init__(self, name, args):
        self.name, self.args = name, args
        self.records = []
        self.bad_lines = []
        self.urls = []
        if args.command == "download":
            try:
                for number, url, error in urls(args.urls):
                    if url:
                        self.urls.append(url)
                    else:
                        self.bad_lines.append((number, error))
            except OSError as e:
                print(
                    f"{name}: error: cannot read URL file {args.urls}: {e}",
                    file=sys.stderr,
                )
                sys.exit(2)
            os.makedirs(args.out, exist_ok=True)
        self.started = time.perf_counter()

    def now_ms(self):
        return (time.perf_counter() - self.started) * 1000

    def record(self, worker, item, start_ms, result=None, error=None):
        self.records.append(
            {
                "worker": worker,
                "item": item,
                "start_ms": start_ms,
                "end_ms": self.now_ms(),
                "bytes": result if isinstance(result, int) else 0,
                "ok": error is None,
                **({"answer": result} if isinstance(result, str) else {}),
                **({"error": error} if error else {}),
            }
        )

    def finish(self, workers):
        seconds = time.perf_counter() - self.started
        failures = [
            (r["item"], r["error"]) for r in self.records if not r["ok"]
        ]
        failures += [
            (f"{self.args.urls} line {n}", e) for n, e in self.bad_lines
        ]
        ok = sum(r["ok"] for r in self.records)
        total_bytes = sum(r["bytes"] for r in self.records)
        for item, error in failures:
            print(f"{self.name}: error: {item}: {error}", file=sys.stderr)
        summary = {
            "approach": self.name,
            "workload": self.args.command,
            "workers": workers,
            "ok": ok,
            "failed": len(failures),
            "bytes": total_bytes,
            "seconds": seconds,
            "failures": failures,
        }
        if self.args.json:
            print(json.dumps(summary))
        elif self.args.command == "download":
            print(
                f"{self.name}: {ok}/{ok + len(failures)} URLs, "
                f"{total_bytes / 1024:.1f} KiB in {seconds:.2f} s, "
                f"{workers} workers, {len(failures)} failed"
            )
        else:
            print(
                f"{self.name}: {ok}/{ok + len(failures)} tasks"
                f" in {seconds:.2f} s, "
                f"{workers} workers, {len(failures)} failed"
            )
        if self.args.trace:
            with open(self.args.trace, "w") as f:
                for r in sorted(self.records, key=lambda r: r["start_ms"]):
                    f.write(json.dumps(r) + "\n")
        return 0 if not failures else 1
