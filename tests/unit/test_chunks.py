"""How scanning cuts files into chunks for the workers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archlint.scanning import _chunks


@given(st.integers(0, 5000), st.integers(1, 16))
def test_chunks_cover_every_path_in_order_and_shrink(count: int, workers: int) -> None:
    paths = [f"m{i}.py" for i in range(count)]
    chunks = _chunks(paths, workers)
    assert [path for chunk in chunks for path in chunk] == paths
    sizes = [len(chunk) for chunk in chunks]
    assert all(1 <= size <= 64 for size in sizes)
    assert sizes == sorted(sizes, reverse=True)  # the small ones come last
    if count >= 64 * workers * 4:
        assert sizes[0] == 64 and sizes[-1] <= 4
