"""Reading an inventory CSV: every row is checked before anything is written."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from webapp.inventory.fields import (
    FieldError,
    clean_code,
    clean_price,
    clean_stock,
    clean_text,
    clean_upc,
)
from webapp.rules import MetadataError, parse_metadata

COLUMNS = ("code", "name", "stock", "price", "upc", "metadata")
META_PREFIX = "meta:"
SHOWN_ERRORS = 100


class CsvFileError(ValueError):
    """The file as a whole cannot be read (encoding, header, no rows)."""


@dataclass(frozen=True)
class RowError:
    """A row that cannot be imported: its line number in the file, its code and why."""

    line: int
    code: str
    reason: str


@dataclass
class CsvCheck:
    """The good rows ready to write, the first bad ones and how many were bad in all."""

    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, error: RowError) -> None:
        """Count a bad row, keeping the first SHOWN_ERRORS to show."""
        self.error_count += 1
        if len(self.errors) < SHOWN_ERRORS:
            self.errors.append(error)


def _header(names: list[str] | None) -> dict[str, str]:
    """Map each header cell to its column: a known name or `meta:<setting>` (any case)."""
    if not names:
        raise CsvFileError("The file is empty: the first line must name the columns.")
    columns: dict[str, str] = {}
    for raw in names:
        name = raw.strip()
        key = name.lower()
        if key.startswith(META_PREFIX) and name[len(META_PREFIX) :].strip():
            key = META_PREFIX + name[len(META_PREFIX) :].strip()
        elif key not in COLUMNS:
            raise CsvFileError(f"Unknown column {name!r}; columns are {', '.join(COLUMNS)} "
                               "and meta:<setting>.")  # fmt: skip
        if key in columns.values():
            raise CsvFileError(f"The column {name!r} appears twice.")
        columns[raw] = key
    if "code" not in columns.values():
        raise CsvFileError("The file needs a code column.")
    return columns


def _clean_row(cells: dict[str, str]) -> dict:
    """Turn one row's cells into an upsert row; an empty cell leaves that field as it is."""
    row: dict = {"code": clean_code(cells.get("code") or "")}
    filled = {key: value.strip() for key, value in cells.items() if value and value.strip()}
    if "name" in filled:
        row["name"] = clean_text("name", filled["name"], 255)
    if "stock" in filled:
        row["stock"] = clean_stock(filled["stock"])
    if "price" in filled:
        row["price"] = clean_price(filled["price"])
    if "upc" in filled:
        row["upc"] = clean_upc(filled["upc"])
    if "metadata" in filled:
        try:
            row["metadata"] = parse_metadata(filled["metadata"].replace(";", "\n"))
        except MetadataError as exc:
            raise FieldError("metadata", f"metadata pair {exc.line}: {exc.reason}") from exc
    merge = {k[len(META_PREFIX) :]: v for k, v in filled.items() if k.startswith(META_PREFIX)}
    if merge:
        row["metadata_merge"] = merge
    return row


def check_csv(path: Path) -> CsvCheck:
    """Read and check every row of the file; raise CsvFileError when the file is unreadable."""
    check, seen = CsvCheck(), {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            columns = list(_header(next(reader, None)).values())
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    _check_row(check, seen, columns, cells, reader.line_num)
        except UnicodeDecodeError:
            raise CsvFileError("The file is not UTF-8 text; save it as CSV UTF-8.") from None
        except csv.Error as exc:
            raise CsvFileError(f"Line {reader.line_num}: {exc}.") from None
    if not check.rows and not check.error_count:
        raise CsvFileError("The file has no rows under its header.")
    return check


def _check_row(check: CsvCheck, seen: dict, columns: list[str], cells: list[str], line: int):
    """Check one row and file it as good or bad."""
    code = cells[columns.index("code")].strip() if len(cells) > columns.index("code") else ""
    if len(cells) != len(columns):
        reason = f"has {len(cells)} fields where the header has {len(columns)}"
        return check.add_error(RowError(line, code, reason))
    try:
        row = _clean_row(dict(zip(columns, cells, strict=True)))
    except FieldError as exc:
        return check.add_error(RowError(line, code, exc.message))
    if row["code"] in seen:
        reason = f"code {row['code']} already appears on line {seen[row['code']]}"
        return check.add_error(RowError(line, code, reason))
    seen[row["code"]] = line
    check.rows.append(row)
