"""One checked rule that failed, in Korean and English: what the replay and the bundle verifier report.

Why not an exception: the verifier names *every* problem in a bundle (a deleted entry shows up as a gap, as a
root mismatch and as a broken session rule), so findings are collected as values and the caller decides whether
to raise (:func:`mokmin.evaluation.replay.replay`) or to list them (``mokmin ledger verify``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    """A failed check: a stable ``code``, the message in both languages, and the entry it concerns if any."""

    code: str
    message_ko: str
    message_en: str
    index: int | None = None
    kind: str | None = None

    def text(self) -> str:
        return f"{self.message_ko} / {self.message_en}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message_ko": self.message_ko, "message_en": self.message_en}
        if self.index is not None:
            out["index"] = self.index
        if self.kind is not None:
            out["kind"] = self.kind
        return out


def entry_label(index: int, kind: str, who: str = "") -> tuple[str, str]:
    """``("17번 항목 (reveal, 평가위원 B)", "entry 17 (reveal, 평가위원 B)")``."""
    short = kind.removeprefix("evaluation.")
    label = f"{short}, {who}" if who else short
    return f"{index}번 항목 ({label})", f"entry {index} ({label})"


def entry_finding(code: str, index: int, kind: str, who: str, ko: str, en: str) -> Finding:
    """A finding about ledger entry ``index``: ``entry 17 (reveal, 평가위원 B): <en>`` and the same in Korean."""
    label_ko, label_en = entry_label(index, kind, who)
    return Finding(code, f"{label_ko}: {ko}", f"{label_en}: {en}", index=index, kind=kind)


__all__ = ["Finding", "entry_finding", "entry_label"]
