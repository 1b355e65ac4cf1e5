"""Talks 01, 02 and 04: asyncio + aiohttp with one ClientSession, for the
shootout. --workers bounds the requests in flight (a Semaphore); the default
is one task per URL, like asyncio.gather.

    python3 scripts/python/asyncio_aiohttp.py [--workers 10]
"""

import asyncio
import sys

import aiohttp

from util import Run, filename_for_url, parse_args, write_to_file


# ANCHOR: download_all
async def download_all(run, args):
    limit = asyncio.Semaphore(args.workers or len(run.urls) or 1)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    connector = aiohttp.TCPConnector(limit=0)

    async def do_work(session, index, url):
        async with limit:
            start = run.now_ms()
            try:
                async with session.get(url) as response:
                    response.raise_for_status()
                    content = await response.read()
                write_to_file(filename_for_url(url, args.out), content)
                run.record(index, url, start, len(content))
            except Exception as e:  # noqa: BLE001 - reported per URL
                run.record(index, url, start, error=str(e) or type(e).__name__)

    async with aiohttp.ClientSession(
        timeout=timeout, connector=connector
    ) as session:
        await asyncio.gather(
            *(do_work(session, i, u) for i, u in enumerate(run.urls))
        )
# ANCHOR_END: download_all


# ANCHOR: main
def main():
    args = parse_args("py-asyncio", 0)
    run = Run("py-asyncio", args)
    if args.command != "download":
        print(
            "py-asyncio: error: only download"
            " (CPU work does not belong on an event loop)",
            file=sys.stderr,
        )
        return 2
    asyncio.run(download_all(run, args))
    return run.finish(args.workers or len(run.urls))
# ANCHOR_END: main


if __name__ == "__main__":
    sys.exit(main())
