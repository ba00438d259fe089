"""Start the app: find or build the index, load the models once, serve on loopback.

With no ``--index`` the app uses the demo index in ``$TRIALSIEVE_HOME`` (default
``~/.cache/trialsieve``), built from the bundled trials on first run and brought up to date
(new bundled trials only) on later runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BUNDLED_TRIALS = Path(__file__).resolve().parents[2] / "data" / "trials"
CONCURRENCY = 4  # requests handled at once; the rest wait in Gradio's queue


def home() -> Path:
    return Path(os.environ.get("TRIALSIEVE_HOME") or Path.home() / ".cache" / "trialsieve")


def demo_index(embedder, progress: bool = True) -> Path:
    """The demo index, built or updated from the bundled trials."""
    from trialsieve.extract.ingest import read_inputs
    from trialsieve.index.build import add, build
    from trialsieve.index.store import MANIFEST

    if not BUNDLED_TRIALS.is_dir():
        raise FileNotFoundError(f"no bundled trials at {BUNDLED_TRIALS}; pass --index DIR")
    directory = home() / "demo-index"
    trials, _ = read_inputs([str(BUNDLED_TRIALS)])
    if (directory / MANIFEST).is_file() and not add(directory, trials, embedder, progress).changed:
        return directory
    # none yet, or built from other records (an older trialsieve reads more of each): the cache is ours to redo
    print(f"building the demo index of {len(trials)} bundled trials in {directory} (once)", file=sys.stderr)
    build(directory, trials, embedder, progress=progress)
    return directory


def services(index: Path | None, progress: bool = True, llm=None):
    """Everything the handlers need, loaded once."""
    from trialsieve.app.catalog import Catalog
    from trialsieve.app.ui import Services
    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.index.embeddings import Embedder
    from trialsieve.index.search import TrialIndex
    from trialsieve.match.concepts import ConceptMatcher

    if index is None:
        embedder = Embedder()
        opened = TrialIndex(demo_index(embedder, progress), embedder)
    else:
        opened = TrialIndex(index)
    tagger = EntityTagger.load()
    return Services(Catalog(opened, tagger), tagger, ConceptMatcher(opened.embedder), llm)


def launch(
    app_services,
    host: str = "127.0.0.1",
    port: int = 7860,
    share: bool = False,
    block: bool = True,
    quiet: bool | None = None,
):
    """Serve the app; with ``block`` False, return the running ``gr.Blocks`` (tests, benchmarks).

    Gradio's own start-up lines are silenced: they tell the user to set ``share=True`` in ``launch()``,
    code they never wrote, when the switch they have is ``--share``. The app says where it runs itself,
    unless ``quiet`` (by default, when it does not block)."""
    from trialsieve.app.ui import CSS, build

    demo = build(app_services)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.launch(
        server_name=host,
        server_port=port,
        share=share,
        css=CSS,
        ssr_mode=False,
        footer_links=[],
        max_file_size="5mb",
        prevent_thread_lock=True,
        quiet=True,
    )
    if not (quiet if quiet is not None else not block):
        print(announcement(demo.local_url, host, share), flush=True)
    if block:
        demo.block_thread()
    return demo


def announcement(url: str, host: str, share: bool) -> str:
    """Where the app runs, and how to stop it or share it, in the words of the command line."""
    lines = [f"* Running on {url} (Ctrl-C stops it)"]
    if not share and host in ("127.0.0.1", "localhost", "::1"):
        lines.append("* Only this machine can open it; `trialsieve app --share` asks Gradio for a public link")
    return "\n".join(lines)
