"""A cold ``check`` and ``structure`` import no torch (issue 22: that import was most of 6-10 s).

Both run with the entity model and the embedder on, in a fresh interpreter, and the modules loaded
at the end are listed: ONNX Runtime ran the models, and torch, transformers, sentence-transformers,
gradio and faiss were never imported.
"""

import json
import subprocess
import sys

from tests.conftest import ROOT, SEEDS

HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "faiss")


def test_check_and_structure_import_no_torch(tmp_path):
    patient = ROOT / "data" / "patients" / "care-ssc-branch-i.json"
    trial = SEEDS / "NCT04356287-CARE-SSc.txt"
    out = tmp_path / "out.jsonl"
    code = f"""
import json, sys
from typer.testing import CliRunner
import trialsieve.cli as cli
runner = CliRunner()
check = runner.invoke(cli.app, ["check", "--patient", {str(patient)!r}, "--trial", {str(trial)!r}, "--json"])
structure = runner.invoke(cli.app, ["structure", {str(trial)!r}, "-o", {str(out)!r}, "--no-progress"])
print(json.dumps({{
    "codes": [check.exit_code, structure.exit_code],
    "overall": json.loads(check.stdout)["overall"] if check.exit_code in (0, 1) else check.output,
    "heavy": sorted(m for m in {HEAVY!r} if m in sys.modules),
    "onnxruntime": "onnxruntime" in sys.modules,
}}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["codes"][1] == 0 and found["overall"] in ("eligible", "needs_review", "ineligible"), found
    assert found["heavy"] == [] and found["onnxruntime"], found
