"""App latency: time to a whole answer for the Ask tab and for an eligibility check, app warm.

python benchmarks/app_latency.py [--index DIR] [--runs 20]   (target: p50 under 1 s, no LLM)

Starts the real app on a free loopback port (the demo index of the bundled trials unless
--index is given) and calls it through gradio_client, as a browser's requests would.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import time
from pathlib import Path

from gradio_client import Client

from trialsieve.app.server import launch, services

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "What is the minimum age for the AMASS trial?",
    "and the maximum age?",
    "What are the exclusion criteria of NCT04356287?",
    "Which trials exclude pregnant women?",
    "Which trials require a diagnosis of asthma?",
    "Compare the minimum ages of AMASS and CARE-SSc.",
    "Would a pregnant woman with Sjögren's syndrome be eligible for AMASS?",
    "How many participants will AMASS enrol?",
]


def timed(call, runs: int) -> list[float]:
    seconds = []
    for run in range(runs):
        start = time.perf_counter()
        call(run)
        seconds.append(time.perf_counter() - start)
    return seconds


def report(name: str, seconds: list[float]) -> None:
    p50 = statistics.median(seconds) * 1000
    p95 = sorted(seconds)[int(0.95 * (len(seconds) - 1))] * 1000
    print(f"{name:28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({len(seconds)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    app_services = services(args.index, progress=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = launch(app_services, port=port, block=False)
    print(f"app up in {time.perf_counter() - start:.1f} s ({len(app_services.catalog.trials)} trials)")
    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    records = [p.read_text() for p in sorted((ROOT / "data" / "patients").glob("amass-*.json"))]

    def ask(run: int) -> None:
        client.predict(QUESTIONS[run % len(QUESTIONS)], api_name="/ask")

    def check(run: int) -> None:
        client.predict("NCT04615455", "2026-01-01", False, records[run % len(records)], api_name="/check_json")

    for call in (ask, check):  # warm: models, caches, the trial's rule tree
        timed(call, 3)
    report("Ask, whole answer", timed(ask, args.runs))
    report("Check (FHIR record), verdict", timed(check, args.runs))
    demo.close()


if __name__ == "__main__":
    main()
