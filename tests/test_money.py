"""Money and percentages on screen: the currency setting and the one precision rule (issue 10)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from analytics.money import check_currency, format_money
from analytics.settings import Settings
from analytics.ui.frames import percent_text


def test_amounts_carry_the_currency_sign() -> None:
    assert format_money(505455.4, "USD") == "$505,455"
    assert format_money(505455.5, "EUR") == "€505,456"
    assert format_money(1200, "CHF") == "CHF\u00a01,200"  # a shared sign: the code instead
    assert format_money(-50, "GBP") == "-£50"
    assert format_money(None, "USD") == "—"


def test_currency_setting_defaults_to_usd_and_is_validated() -> None:
    assert Settings().currency == "USD"
    assert Settings(currency=" eur ").currency == "EUR"
    with pytest.raises(ValidationError, match="unknown currency 'EURO'"):
        Settings(currency="EURO")
    with pytest.raises(ValueError, match="ISO 4217"):
        check_currency("XXX")


def test_rates_are_whole_percentages_everywhere() -> None:
    # 58.75% and 63% side by side read 59% and 63%; 0.6% reads 1%
    assert [percent_text(v) for v in (0.5875, 0.63, 0.006, 1.0)] == ["59%", "63%", "1%", "100%"]
    assert percent_text(None) == "—"
