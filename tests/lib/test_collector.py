"""The garbage collector held off while rounds open runs again once the last one ends,
whatever happened meanwhile; one that was off stays off."""

from __future__ import annotations

import gc

import pytest

from bot.lib.collector import collector_held


def test_the_collector_runs_again_after_overlapping_openings_even_a_failed_one() -> None:
    assert gc.isenabled()
    first = collector_held()
    first.__enter__()
    with pytest.raises(RuntimeError), collector_held():
        assert not gc.isenabled()
        raise RuntimeError("the second opening failed")
    assert not gc.isenabled()  # the first is still opening
    first.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collector_held():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
