"""Money for display: an ISO 4217 currency code (the `currency` setting) and its symbol.

A small table instead of a locale library: the app shows whole amounts in one currency, the
symbol before the number as in English texts ("$505,455", "€505,455", "CHF 505,455").
"""

from __future__ import annotations

# code -> what is written before the amount; a code whose usual sign is shared by others
# (kr, Fr, R) is written as the code itself, so no amount is ambiguous.
SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "CN¥",
    "INR": "₹",
    "KRW": "₩",
    "ILS": "₪",
    "NGN": "₦",
    "PHP": "₱",
    "VND": "₫",
    "UAH": "₴",
    "TRY": "₺",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "MXN": "MX$",
    "BRL": "R$",
    "TWD": "NT$",
}
CODES_ONLY = frozenset(
    [
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "ISK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "ZAR",
        "AED",
        "SAR",
        "QAR",
        "KWD",
        "EGP",
        "MAD",
        "KES",
        "THB",
        "MYR",
        "IDR",
        "PKR",
        "BDT",
        "CLP",
        "COP",
        "PEN",
        "ARS",
        "RUB",
    ]
)
CURRENCIES = frozenset(SYMBOLS) | CODES_ONLY


def check_currency(code: str) -> str:
    """The upper-cased ISO 4217 code if the table knows it; ValueError naming it if not."""
    normalised = code.strip().upper() if isinstance(code, str) else code
    if normalised not in CURRENCIES:
        known = ", ".join(sorted(CURRENCIES))
        raise ValueError(f"unknown currency {code!r}: use an ISO 4217 code, one of {known}")
    return normalised


def format_money(value: float | None, currency: str) -> str:
    """A whole amount with thousands separators and the currency's sign; None shows as a dash."""
    if value is None:
        return "—"
    sign = SYMBOLS.get(currency, f"{currency}\u00a0")
    minus = "-" if value < 0 else ""
    return f"{minus}{sign}{abs(value):,.0f}"
