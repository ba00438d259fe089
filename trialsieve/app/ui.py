"""The Gradio app: Ask, Check eligibility, Explore trials, Match.

Each handler turns widget values into a call on the services (``Services``) and their result
into widget values. Bad input raises ``gr.Error`` with a plain message: the user sees it, the
server keeps serving, and no stack trace reaches the page. Every handler is also an API
endpoint (``api_name``), which is how the tests drive it with ``gradio_client``.

Checks and matches run in a bounded pool with a time limit (``work.py``), so one slow request
cannot hold up the others. Text that is not ours (trial records, questions) is escaped before it
is rendered as markdown (``plain``): an image or tag in it is shown, never fetched, because the
page promises that nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import tempfile
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import gradio as gr

from trialsieve.app import patients, work
from trialsieve.app.answer import MAX_QUESTION, Answerer
from trialsieve.app.catalog import Catalog
from trialsieve.app.citations import criterion_label, plain
from trialsieve.app.tree import tree
from trialsieve.extract.tagger import EntityTagger
from trialsieve.llm.backends import LLM
from trialsieve.llm.notes import with_note_facts
from trialsieve.llm.verdicts import note_reader
from trialsieve.match.check import check, evaluation_day
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient, PatientError
from trialsieve.screen import screen

_BADGE = {"met": "✓ met", "not_met": "✗ not met", "unknown": "? unknown", "needs_review": "⚑ needs review"}
_OVERALL = {"eligible": "✓ ELIGIBLE", "ineligible": "✗ INELIGIBLE", "needs_review": "⚑ NEEDS REVIEW"}
CHECK_HEADERS = ["criterion", "section", "verdict", "criterion text", "evidence"]
MATCH_HEADERS = ["rank", "trial", "verdict", "retrieved", "title", "found for", "ruled out by"]
SEARCH_HEADERS = ["rank", "trial", "title", "best passage"]
MAX_DATE = 40  # characters of the "as of" date; a date needs 10
EXAMPLE_QUESTIONS = [
    "What is the minimum age for the AMASS trial?",
    "and the maximum age?",
    "What are the exclusion criteria of NCT04356287?",
    "Which trials exclude pregnant women?",
]
TREE_WIDTH = 64  # characters of a rule-tree line before a leaf goes on below; the panel shows about 66
CSS = """
.gradio-container { max-width: 1200px !important; }
.rule-tree pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85em; }
"""
#: One line per refused request in the server's console: the user already has the message in the page, and
#: the traceback Gradio would print says nothing about the app (Gradio's ``print_exception`` is turned off).
log = logging.getLogger("trialsieve.app")


@dataclass
class Services:
    """What the handlers work with; built once when the app starts."""

    catalog: Catalog
    tagger: EntityTagger | None
    matcher: ConceptMatcher
    llm: LLM | None = None
    answerer: Answerer = field(init=False)

    def __post_init__(self) -> None:
        self.answerer = Answerer(self.catalog, self.llm, self.matcher)


def build(services: Services) -> gr.Blocks:
    catalog = services.catalog
    choices = catalog.choices()
    with gr.Blocks(title="trialsieve") as demo:
        gr.Markdown(
            f"# trialsieve\nClinical-trial eligibility, locally: {len(catalog.trials)} trials indexed. "
            "Nothing leaves this machine."
        )
        with gr.Tabs() as tabs:
            with gr.Tab("Ask", id="ask"):
                # Not gr.ChatInterface: it shows the question as markdown, images included.
                focus = gr.State(None)
                # No floating label: Gradio pins it over the chat, where it hid the top message once the chat
                # scrolled; the caption above says the same, and share (to Hugging Face) has no place offline.
                gr.Markdown("Answers cite the trial, section and criterion they come from; a citation opens the trial.")
                chat = gr.Chatbot(show_label=False, height=460, buttons=["copy"])
                question = gr.Textbox(
                    placeholder="Ask about the indexed trials, e.g. " + EXAMPLE_QUESTIONS[0],
                    label="Question",
                    max_length=MAX_QUESTION,
                    submit_btn=True,
                )
                gr.Markdown("Try one of these (a click asks it):")
                with gr.Row():
                    examples = [gr.Button(q, size="sm", variant="secondary") for q in EXAMPLE_QUESTIONS]

            with gr.Tab("Check eligibility", id="check"):
                trial = gr.Dropdown(
                    choices=choices, label="Trial", filterable=True, value=choices[0][1] if choices else None
                )
                with gr.Row():
                    as_of = gr.Textbox(
                        label="Evaluate as of (YYYY-MM-DD)",
                        value=dt.date.today().isoformat(),
                        max_length=MAX_DATE,
                        scale=1,
                    )
                    presume = gr.Checkbox(
                        label="Read silence in the patient's favour (unmentioned exclusions absent)",
                        value=False,
                        scale=2,
                    )
                with gr.Tabs():
                    with gr.Tab("Form"):
                        with gr.Row():
                            # Text, not gr.Number: Gradio's number box starts at 0 whatever its value, and a
                            # blank age must reach the check as not recorded (patients.from_form reads it).
                            age = gr.Textbox(label="Age (years)", placeholder="not recorded", max_length=20)
                            sex = gr.Radio(["female", "male"], label="Sex")
                        conditions = gr.Textbox(label="Conditions, one per line", lines=3, max_length=patients.MAX_LIST)
                        medications = gr.Textbox(
                            label="Medications, one per line", lines=2, max_length=patients.MAX_LIST
                        )
                        measurements = gr.Dataframe(
                            headers=["name", "value", "unit"],
                            datatype=["str", "number", "str"],
                            row_count=3,
                            type="array",
                            label="Measurements (name, value, unit such as g/dL or 10^9/L)",
                            interactive=True,
                        )
                        check_form = gr.Button("Check the form's patient", variant="primary")
                    with gr.Tab("FHIR or patient JSON"):
                        gr.Markdown("Example patients (one click loads the record and picks its trial):")
                        with gr.Row():
                            example_buttons = {name: gr.Button(name, size="sm") for name in patients.examples()}
                        record = gr.Code(
                            language="json", label="FHIR R4 bundle or trialsieve patient JSON", lines=10, max_lines=18
                        )
                        check_json = gr.Button("Check this record", variant="primary")
                        upload = gr.File(
                            label="…or upload a file (JSON, YAML or a text note)",
                            file_types=[".json", ".yaml", ".yml", ".txt"],
                        )
                        check_upload = gr.Button("Check the uploaded file")
                    with gr.Tab("Note"):
                        note = gr.Textbox(label="Clinical note", lines=8, max_length=patients.MAX_NOTE)
                        check_note = gr.Button("Check the note's patient", variant="primary")
                verdict = gr.Markdown(label="Overall verdict")
                table = gr.Dataframe(
                    headers=CHECK_HEADERS,
                    label="Criteria",
                    interactive=False,
                    wrap=True,
                    column_widths=["12%", "9%", "12%", "37%", "30%"],
                )
                missing = gr.Markdown()

            with gr.Tab("Explore trials", id="explore"):
                with gr.Row():
                    query = gr.Textbox(
                        label="Search the trials", placeholder="e.g. dry eye Sjogren", max_length=MAX_QUESTION, scale=4
                    )
                    search_button = gr.Button("Search", scale=1)
                results = gr.Dataframe(
                    headers=SEARCH_HEADERS,
                    type="array",
                    label="Trials (select a row to open it)",
                    interactive=False,
                    wrap=True,
                    column_widths=["7%", "15%", "38%", "40%"],
                )
                opened = gr.Dropdown(choices=choices, label="Open a trial", filterable=True)
                with gr.Row():
                    rules = gr.Markdown(label="Criteria as rules", elem_classes="rule-tree")
                    source = gr.Textbox(label="Source text (the criteria as registered)", lines=28, interactive=False)
                download = gr.DownloadButton("Download structured JSON", visible=False)

            with gr.Tab("Match", id="match"):
                match_note = gr.Textbox(label="Patient note", lines=6, max_length=patients.MAX_NOTE)
                match_upload = gr.File(
                    label="…or a patient file (FHIR JSON, patient JSON/YAML, text note)",
                    file_types=[".json", ".yaml", ".yml", ".txt"],
                )
                with gr.Row():
                    how_many = gr.Slider(1, 50, value=10, step=1, label="How many trials")
                    match_button = gr.Button("Find trials", variant="primary")
                ranked = gr.Dataframe(
                    headers=MATCH_HEADERS,
                    label="Trials, eligible first",
                    interactive=False,
                    wrap=True,
                    column_widths=["6%", "12%", "12%", "8%", "24%", "14%", "24%"],
                )

        question.submit(partial(_converse, services), [question, chat, focus], [question, chat, focus], api_name=False)
        for button, asked in zip(examples, EXAMPLE_QUESTIONS, strict=True):
            button.click(partial(_converse, services, asked), [chat, focus], [question, chat, focus], api_name=False)

        def ask(question: str) -> str:
            """The answer to one question, with its citations (the API; the page keeps a conversation)."""
            return _ask(services, question, None)[0]

        gr.api(ask, api_name="ask")
        readers = {
            "check_form": (check_form, [age, sex, conditions, medications, measurements], patients.from_form),
            "check_json": (check_json, [record], lambda text: patients.from_text(text, "json", services.tagger)),
            "check_upload": (check_upload, [upload], lambda path: patients.from_upload(path, services.tagger)),
            "check_note": (check_note, [note], lambda text: patients.from_text(text, "note", services.tagger)),
        }
        for api_name, (button, inputs, reader) in readers.items():
            button.click(
                partial(_check, services, reader),
                [trial, as_of, presume, *inputs],
                [verdict, table, missing],
                api_name=api_name,
            )
        for name, button in example_buttons.items():
            button.click(partial(_example, catalog, name), None, [record, trial], api_name=False)
        # A search opens its best trial: the tree beside the results is then the first result's, not the
        # trial that happened to be open before.
        search_button.click(lambda q: _search(services, q), query, results, api_name="search").success(
            _first, results, opened, api_name=False
        )
        query.submit(lambda q: _search(services, q), query, results, api_name=False).success(
            _first, results, opened, api_name=False
        )
        results.select(_picked, None, opened, api_name=False)
        opened.change(lambda t: _explore(services, t), opened, [rules, source, download], api_name="explore")
        match_button.click(
            lambda text, path, k: _match(services, text, path, k),
            [match_note, match_upload, how_many],
            ranked,
            api_name="match",
        )

        def deep_link(request: gr.Request):
            return _deep_link(catalog, request)

        demo.load(deep_link, None, [tabs, opened], api_name=False).then(
            lambda t: _explore(services, t), opened, [rules, source, download], api_name=False
        )
    return demo


def _ask(services: Services, message: str, focus: str | None) -> tuple[str, str | None]:
    answer = services.answerer.answer(message or "", focus)
    return answer.text, answer.focus


def _converse(services: Services, message: str, history: list, focus: str | None) -> tuple:
    """The Ask tab: the question, shown as typed (escaped), and its answer join the conversation."""
    text, focus = _ask(services, message, focus)
    said = plain((message or "").strip()[:MAX_QUESTION])
    return "", [*history, {"role": "user", "content": said}, {"role": "assistant", "content": text}], focus


def _check(services: Services, read, trial_id: str | None, as_of: str, presume: bool, *given) -> tuple:
    """The report for the patient ``read(*given)`` makes, as the verdict, the table and the notes; in
    the bounded pool, stopped at its time limit."""
    return work.run(_check_now, services, read, trial_id, as_of, presume, *given)


def _check_now(services: Services, read, trial_id: str | None, as_of: str, presume: bool, *given) -> tuple:
    if not trial_id or trial_id not in services.catalog.trials:
        raise _refusal(f"Unknown trial {_clip(trial_id)}: choose one from the list.")
    as_of = (as_of or "").strip()
    try:
        if len(as_of) > MAX_DATE:
            raise ValueError(as_of)
        day = evaluation_day(as_of)
    except ValueError:
        raise _refusal(f"{_clip(as_of)} is not a date; use YYYY-MM-DD.") from None
    patient: Patient = with_note_facts(_patient(lambda: read(*given)), services.llm)
    structured = services.catalog.structured(trial_id)
    report = check(structured, patient, day, services.matcher, presume, note_reader(services.llm))
    head = f"### {_OVERALL[report.overall]}\n{plain(services.catalog.name(trial_id))}, as of {report.as_of}"
    if report.ruled_out_by:
        head += "\n\nRuled out by: " + ", ".join(criterion_label(c) for c in report.ruled_out_by)
    rows = [
        [
            criterion_label(c.id),
            c.section,
            _BADGE[c.verdict],
            c.text,
            "; ".join(f"{e.reason}" + (f" [{e.fact}]" if e.fact else "") for e in c.evidence),
        ]
        for c in report.criteria
    ]
    to_collect = "\n".join(f"- {plain(item)}" for item in report.missing_data)
    review = ", ".join(criterion_label(c) for c in report.review)
    notes = (f"**Data to collect**\n{to_collect}\n\n" if to_collect else "") + (
        f"**For a person to review:** {review}" if review else ""
    )
    return head, rows, notes


def _refusal(message: str) -> gr.Error:
    """An error for the user. Gradio shows its message as HTML, and it may quote what they sent or
    what a file holds, so tags in it are escaped: shown, never made (an image would be fetched).
    The console gets one line, not Gradio's traceback of a request that was handled."""
    log.warning("refused: %s", " ".join(message.split())[:500])  # one line, whatever the message quotes
    return gr.Error(html.escape(message, quote=False), print_exception=False)


def _clip(value, width: int = 60) -> str:
    """A value the user sent, quoted in a message: short, whatever they sent."""
    said = repr(value)
    return said if len(said) <= width else said[: width - 1] + "…"


def _patient(read) -> Patient:
    try:
        return read()
    except PatientError as error:
        raise _refusal(str(error)) from None
    except (ValueError, TypeError) as error:  # a record shaped in a way no reader foresaw
        raise _refusal(f"could not read the patient record: {error}") from None


def _search(services: Services, query: str) -> list[list]:
    if not query or not query.strip():
        raise _refusal("Type something to search for.")
    if len(query) > MAX_QUESTION:
        raise _refusal(f"Searches are limited to {MAX_QUESTION:,} characters.")
    hits = services.catalog.index.rank_trials(query, k=20)
    return [[h.rank, h.trial_id, h.title or "", " ".join(h.best.text.split())[:200]] for h in hits]


def _first(rows: list[list] | None):
    """The trial of the first search result, to open beside the results; no change when there are none."""
    return rows[0][1] if rows and rows[0] and rows[0][1] else gr.Dropdown()


def _example(catalog: Catalog, name: str) -> tuple:
    """An example patient's record, and its trial picked in the list: each is made for one trial, and
    checked against whatever trial was chosen before it would say nothing about the example."""
    trial_id = catalog.named_by_prefix(name)
    return patients.examples()[name].read_text("utf-8"), trial_id or gr.Dropdown()


def _picked(event: gr.SelectData) -> str | None:
    """The trial id of the search result row the user selected."""
    return event.row_value[1] if event.row_value else None


@cache
def downloads() -> Path:
    """This process's own folder for downloads. ``mkdtemp`` makes it new and private (mode 0700): no
    other user of the machine can read a download there or plant a file or link where one will go."""
    return Path(tempfile.mkdtemp(prefix="trialsieve-downloads-"))


def _explore(services: Services, trial_id: str | None) -> tuple:
    if not trial_id:
        return "", "", gr.DownloadButton(visible=False)
    if trial_id not in services.catalog.trials:
        raise _refusal(f"Unknown trial {_clip(trial_id)}.")
    structured = services.catalog.structured(trial_id)
    trial = structured.trial
    parts = [f"### {plain(trial.id)}: {plain(trial.title or '')}"]
    for criterion in structured.criteria:
        depth = criterion.id.count(".")
        quote = plain(" ".join(criterion.text.split()))
        parts.append(f"{'> ' * depth}**{criterion_label(criterion.id)}** ({criterion.status}): {quote}")
        if criterion.parent is None:
            parts.append(_code(tree(criterion.rule, TREE_WIDTH)))
    # The file name is made of safe characters whatever the id holds ("../", "/", a leading dot).
    path = downloads() / f"{re.sub(r'[^A-Za-z0-9_-]+', '_', trial.id).strip('_')[:100] or 'trial'}.json"
    path.write_text(structured.model_dump_json(indent=2), "utf-8")
    # The criteria as registered, to read the rules against; the registry fields are in the download.
    return "\n\n".join(parts), trial.criteria_text or "", gr.DownloadButton(value=str(path), visible=True)


def _code(text: str) -> str:
    """``text`` as a markdown code block, fenced by more backticks than any run in it, so it cannot end
    the block early and have the rest rendered as markdown."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"{fence}\n{text}\n{fence}"


def _match(services: Services, text: str, path: str | None, k: float) -> list[list]:
    """The trials for the patient, eligible first; in the bounded pool, stopped at its time limit."""
    return work.run(_match_now, services, text, path, k)


def _match_now(services: Services, text: str, path: str | None, k: float) -> list[list]:
    if path:
        patient = _patient(lambda: patients.from_upload(path, services.tagger))
    else:
        patient = _patient(lambda: patients.from_text(text, "note", services.tagger))
    patient = with_note_facts(patient, services.llm)
    try:
        found = screen(services.catalog.index, patient, int(k), tagger=services.tagger, matcher=services.matcher)
    except PatientError as error:  # a record with nothing to search by
        raise _refusal(str(error)) from None
    return [
        [
            c.rank,
            c.trial_id,
            _OVERALL.get(c.overall or "", ""),
            c.retrieval_rank,
            c.title or "",
            "; ".join(c.why),
            "; ".join(_ruling(r, said) for r, said in zip(c.ruled_out_by, c.ruled_out_text, strict=False)),
        ]
        for c in found
    ]


def _ruling(criterion_id: str, text: str, width: int = 160) -> str:
    """A criterion that rules the patient out, by label and what it says: an id alone sends the reader to
    the trial to find out why."""
    text = text if len(text) <= width else text[: width - 1] + "…"
    return f"{criterion_label(criterion_id)}: “{text}”" if text else criterion_label(criterion_id)


def _deep_link(catalog: Catalog, request: gr.Request):
    """``?trial=NCT...`` (the links in answers) opens that trial in the explorer."""
    trial_id = (request.query_params.get("trial") or "").upper() if request else ""
    if trial_id in catalog.trials:
        return gr.Tabs(selected="explore"), trial_id
    return gr.Tabs(), gr.Dropdown(value=next(iter(sorted(catalog.trials)), None))
