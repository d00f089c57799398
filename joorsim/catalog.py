"""Deterministic product catalogue: styles with colours and sizes, one UPC-coded SKU each.

The same seed always yields the same catalogue. Every SKU has a 12-digit UPC-A code with a
valid check digit and the four style fields JOOR's style mode uses: ``style_number``
(e.g. ``ST-1001``), ``style_identifier`` (e.g. ``1001-SS25``), ``color_code`` and ``size``.
Orders' line items and the bulk-inventory endpoint both read this catalogue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

COLOURS = [
    ("Navy", "NVY"),
    ("Black", "BLK"),
    ("White", "WHT"),
    ("Ivory", "IVR"),
    ("Sage", "SGE"),
    ("Rust", "RST"),
    ("Heather Grey", "HGR"),
    ("Café", "CAF"),
    ("Bordeaux", "BDX"),
    ("Sky Blue", "SKY"),
    ("Olive", "OLV"),
    ("Blush", "BLS"),
]
LETTER_SIZES = ["XS", "S", "M", "L", "XL"]
NUMERIC_SIZES = ["0", "2", "4", "6", "8", "10"]
WAIST_SIZES = ["28", "30", "32", "34", "36"]
GARMENTS = [
    ("Linen Shirt", LETTER_SIZES),
    ("Merino Crew", LETTER_SIZES),
    ("Wide-Leg Trouser", WAIST_SIZES),
    ("Slip Dress", NUMERIC_SIZES),
    ("Trench Coat", LETTER_SIZES),
    ("Denim Jacket", LETTER_SIZES),
    ("Pleated Skirt", NUMERIC_SIZES),
    ("Crêpe Midi Dress", NUMERIC_SIZES),
    ("Chino Short", WAIST_SIZES),
    ("Rib Tank", LETTER_SIZES),
    ("Wrap Blouse", LETTER_SIZES),
    ("Cargo Pant", WAIST_SIZES),
]
ADJECTIVES = ["Classic", "Relaxed", "Organic", "Heritage", "Coastal", "Studio", "Atelier", "Nordic"]
SEASONS = ["SS25", "FW25", "SS26"]


@dataclass(frozen=True, slots=True)
class Sku:
    """One sellable variant: a style in one colour and size."""

    upc: str
    style_number: str
    style_identifier: str
    name: str
    color: str
    color_code: str
    size: str
    price: str

    @property
    def style_key(self) -> tuple[str, str, str, str]:
        """The four fields that identify this SKU in JOOR's style mode."""
        return (self.style_number, self.style_identifier, self.color_code, self.size)

    def identifiers(self) -> dict[str, str]:
        """Both identifier forms, as the /_sim/ read-backs show them."""
        return {
            "upc": self.upc,
            "style_number": self.style_number,
            "style_identifier": self.style_identifier,
            "color_code": self.color_code,
            "size": self.size,
        }


def upc_check_digit(body: str) -> str:
    """Check digit of an 11-digit UPC-A body (odd positions weigh 3)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return str((10 - total % 10) % 10)


def is_valid_upc(code: str) -> bool:
    """True when code is 12 digits with a correct UPC-A check digit."""
    return len(code) == 12 and code.isdigit() and upc_check_digit(code[:11]) == code[11]


class Catalog:
    """Styles and SKUs generated from a seed, with look-ups by UPC and by style fields."""

    def __init__(self, seed: int = 1, styles: int = 40) -> None:
        rng = random.Random(f"catalog:{seed}")
        company = f"{8 + seed % 2}{rng.randrange(10000, 100000):05d}"
        self.skus: list[Sku] = []
        for n in range(styles):
            self.skus.extend(self._style_skus(rng, company, 1001 + n))
        self.by_upc = {sku.upc: sku for sku in self.skus}
        self.by_style_key = {sku.style_key: sku for sku in self.skus}

    def _style_skus(self, rng: random.Random, company: str, number: int) -> list[Sku]:
        """All SKUs of one style: 2-4 colours times its size run."""
        garment, sizes = rng.choice(GARMENTS)
        name = f"{rng.choice(ADJECTIVES)} {garment}"
        price = f"{rng.randrange(900, 12000, 50) / 100:.2f}"
        style_identifier = f"{number}-{rng.choice(SEASONS)}"
        skus = []
        for color, code in rng.sample(COLOURS, rng.randint(2, 4)):
            for size in sizes:
                body = f"{company}{len(self.skus) + len(skus) + 1:05d}"
                upc = body + upc_check_digit(body)
                skus.append(
                    Sku(upc, f"ST-{number}", style_identifier, name, color, code, size, price)
                )
        return skus

    def find_upc(self, upc: str) -> Sku | None:
        """The SKU with this UPC, or None."""
        return self.by_upc.get(upc)

    def find_style(
        self, style_number: str, style_identifier: str, color_code: str, size: str
    ) -> Sku | None:
        """The SKU matching all four style fields exactly, or None."""
        return self.by_style_key.get((style_number, style_identifier, color_code, size))
