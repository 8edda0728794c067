"""Digest additions to the pages: deliveries on Settings, the meeting pack on Team meeting."""

from __future__ import annotations

from conftest import no_exception

from analytics.state import store
from analytics.state.models import Delivery


def test_settings_lists_digest_deliveries(open_page, tiny_db):
    """A recorded failure shows on the Settings page with its error."""
    store.record_delivery(
        tiny_db,
        delivery=Delivery(
            role="leadership",
            channel="email",
            target="lead@example.com",
            title="Adoption digest",
            status="failed",
            attempts=3,
            error="ConnectionRefusedError",
        ),
    )
    at = open_page("settings", tiny_db)
    no_exception(at)
    assert "Digest deliveries" in [h.value for h in at.subheader]
    table = at.dataframe[-1].value
    assert table["status"].tolist() == ["failed"] and table["attempts"].tolist() == [3]


def test_team_meeting_offers_the_meeting_pack(open_page, tiny_db):
    """The Team meeting page ends with the meeting pack section."""
    at = open_page("team_meeting", tiny_db)
    no_exception(at)
    assert "Meeting pack" in [h.value for h in at.subheader]
