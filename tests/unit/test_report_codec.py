"""The report cache's encoding: every report round-trips, anything else decodes to None."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archlint.api import check
from archlint.report_codec import decode_report, encode_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("example", ["shop-broken", "services-broken"])
def test_reports_round_trip_through_json(example: str) -> None:
    report = check(EXAMPLES / example, cache=False)
    assert report.violations
    decoded = decode_report(json.loads(json.dumps(encode_report(report))))
    assert decoded == report
    assert decoded is not None
    assert [v.fingerprint for v in decoded.violations] == [v.fingerprint for v in report.violations]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        [],
        [[], [], 1, 2, 3, "c", "r", "extra"],
        [[], [], "1", 2, 3, "c", "r"],
        [[["n", "layers", [["ARC101", "m", "a", "b", [], "p", 1, 1]]]], [], 1, 2, 3, "c", "r"],
        [
            [
                [
                    "n",
                    "layers",
                    [["X", "m", "a", "b", [["a", "b", "p", 1, 1, "sometimes"]], "p", 1, 1, "f"]],
                ]
            ],
            [],
            1,
            2,
            3,
            "c",
            "r",
        ],
        [[], [["p", 1, 1, "ARC001", "m", "fatal"]], 1, 2, 3, "c", "r"],
        [[], [["p", True, 1, "ARC001", "m", "error"]], 1, 2, 3, "c", "r"],
    ],
)
def test_invalid_encodings_are_refused(data: object) -> None:
    assert decode_report(data) is None
