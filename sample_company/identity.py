"""Stable, storage-free identities: credit codes, phones, e-mails and names derived from an index.

A buyer's identifiers are a pure function of (salt, index), so the e-commerce side can re-create
a CRM account's credit code, phone and e-mail — written differently — without either side keeping
millions of strings in memory.
"""

from __future__ import annotations

from faker import Faker

from sample_company.texts import (
    AWKWARD_COMPANY_NAMES,
    CITIES,
    EMAIL_DOMAINS,
    EMAIL_LOCALS,
    MOBILE_PREFIXES,
    REGION_DIVISION,
)

_MASK = (1 << 64) - 1
_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def mix(*values: int) -> int:
    """splitmix64 over the values: a deterministic 64-bit hash (Python's hash() is salted)."""
    state = 0x9E3779B97F4A7C15
    for value in values:
        state = (state ^ (value & _MASK)) & _MASK
        state = (state + 0x9E3779B97F4A7C15) & _MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        state = z ^ (z >> 31)
    return state


def credit_code(salt: int, index: int, region: str) -> str:
    """An 18-character 统一社会信用代码 with a valid GB 32100 check character."""
    h = mix(salt, index, 1)
    divisions = REGION_DIVISION[region]
    division = divisions[h % len(divisions)] + f"{(h >> 8) % 10000:04d}"
    body = "91" + division
    h2 = mix(salt, index, 2)
    for _ in range(9):
        body += _CODE_ALPHABET[h2 % 31]
        h2 //= 31
    total = sum(_CODE_ALPHABET.index(ch) * w for ch, w in zip(body, _CODE_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return body + _CODE_ALPHABET[check]


def mobile(salt: int, index: int) -> str:
    """An 11-digit mainland mobile number, digits only (`13800138000`)."""
    h = mix(salt, index, 3)
    return MOBILE_PREFIXES[h % len(MOBILE_PREFIXES)] + f"{(h >> 8) % 100_000_000:08d}"


def mobile_written_differently(number: str, variant: int) -> str:
    """The same number as people type it: `+86 138-0013-8000`, `138 0013 8000`, `+8613800138000`."""
    a, b, c = number[:3], number[3:7], number[7:]
    forms = (f"+86 {a}-{b}-{c}", f"{a} {b} {c}", f"+86{number}", f"{a}-{b}-{c}")
    return forms[variant % len(forms)]


def email(salt: int, index: int) -> str:
    h = mix(salt, index, 4)
    local = EMAIL_LOCALS[h % len(EMAIL_LOCALS)]
    domain = EMAIL_DOMAINS[(h >> 8) % len(EMAIL_DOMAINS)]
    return f"{local}{(h >> 16) % 1000}@{domain}"


def email_written_differently(address: str, variant: int) -> str:
    """Same mailbox, different case (`Sales12@QQ.com`)."""
    if variant % 2:
        return address.upper()
    local, _, domain = address.partition("@")
    return f"{local.capitalize()}@{domain.upper()}"


class NamePool:
    """Company and person names drawn once from a seeded Faker('zh_CN'), then indexed by hash."""

    def __init__(self, seed: int, companies: int = 1200) -> None:
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.companies = [fake.company() for _ in range(companies)]
        self.fake = fake

    def company(self, salt: int, index: int, region: str) -> str:
        h = mix(salt, index, 5)
        if h % 97 == 0:
            return AWKWARD_COMPANY_NAMES[(h >> 8) % len(AWKWARD_COMPANY_NAMES)]
        cities = CITIES[region]
        return cities[(h >> 8) % len(cities)] + self.companies[(h >> 16) % len(self.companies)]
