"""The schema passes the Logius API Design Rules ruleset (tools/spectral) with 0 errors."""

import shutil
import subprocess
from pathlib import Path

import pytest

LINT = Path(__file__).resolve().parents[3] / "tools" / "spectral" / "lint.sh"


@pytest.mark.slow
def test_schema_passes_the_api_design_rules_linter():
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node and npm are needed for Spectral")
    result = subprocess.run([str(LINT)], capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(0 errors" in result.stdout or "No results with a severity of 'error'" in result.stdout
