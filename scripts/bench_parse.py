"""The bare NLU parse of the bench's messages: the model loaded in-process with Rasa's Agent, each
message parsed `--repeat` times; prints {message: [seconds, ...]} as JSON on stdout. The graph
runs as in the Rasa server (serving.graph_runner), so the parse is the server's own.

Run by scripts/bench.py in its own process, before the servers start, so that the parse is
timed on the same machine in the same run without competing with them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the model names the project's NLU component (nlu/)


async def parse_times(model: Path, messages: list[str], repeat: int) -> dict[str, list[float]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from serving import graph_runner, performance

    configure_structlog(logging.WARNING)
    graph_runner.install()  # the graph run as the Rasa server runs it (serving.performance)
    performance.one_blas_thread()
    agent = Agent.load(str(model))
    await agent.parse_message("bonjour")  # the first parse builds caches
    times: dict[str, list[float]] = {message: [] for message in messages}
    for _ in range(repeat):
        for message in messages:
            started = time.perf_counter()
            await agent.parse_message(message)
            times[message].append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("messages", nargs="+")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    print(json.dumps(asyncio.run(parse_times(args.model, args.messages, args.repeat))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
