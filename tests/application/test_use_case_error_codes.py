import re
from pathlib import Path

from okr_es.errors import ERROR_CODES

USE_CASES = Path(__file__).resolve().parents[2] / "src" / "okr_es" / "use_cases"


def test_every_error_code_a_use_case_raises_is_documented() -> None:
    used = {
        code
        for path in USE_CASES.rglob("*.py")
        for code in re.findall(r'code="([a-z-]+)"', path.read_text())
    }
    assert {"duplicate-objective", "key-result-not-met", "in-the-future"} <= used
    assert used - set(ERROR_CODES) == set()
