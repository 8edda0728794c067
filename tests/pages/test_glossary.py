"""One word, one meaning: the glossary defines every segment and lifecycle word the views use."""

from __future__ import annotations

from conftest import no_exception

from analytics import charts
from analytics.ui.definitions import GLOSSARY
from analytics.ui.frames import SEGMENT_ORDER


def test_every_word_the_views_use_is_defined_once():
    terms = " ".join(GLOSSARY).lower()
    segments = [s.replace("_", " ") for s in SEGMENT_ORDER if s != "not_yet_eligible"]
    for word in [*segments, *charts.LIFECYCLE_LABELS]:
        assert word in terms, word
    definitions = list(GLOSSARY.values())
    assert len(definitions) == len(set(definitions))  # no two terms share a definition
    # the lifecycle word on screen is not the segment word
    assert "dormant" not in charts.LIFECYCLE_LABELS


def test_the_glossary_view_fills_in_the_settings_in_force(open_page, tiny_db):
    from analytics.state.store import set_setting

    set_setting(tiny_db, name="dormant_days", value=21)
    at = open_page("glossary", tiny_db)
    no_exception(at)
    texts = [t.value for t in at.text if "role:" not in t.value]  # not the sidebar
    assert len(texts) == len(GLOSSARY)
    assert any("no active event in the last 21 days" in t for t in texts)
