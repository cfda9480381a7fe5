"""Search that ignores accents and case, the same on SQLite and PostgreSQL: text is folded (Vietnamese diacritics
and đ removed, case folded) in Python, both what is stored (Nomination.search_text) and what is typed, so the
databases only compare plain lowercase letters. SQLite has no unaccent, and a collation would differ between
the two."""

import unicodedata


def fold(text: str | None) -> str:
    """'Nguyễn Thị Thu HẰNG' → 'nguyen thi thu hang' (whitespace runs collapsed)."""
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def nomination_text(nominee_name: str, achievement: str) -> str:
    """What a nomination is found by: its nominee's name and its achievement, folded, each word after a space so
    that a word typed is looked for at the start of words (search_words)."""
    return " " + fold(f"{nominee_name} {achievement}")


def search_words(text: str | None) -> list[str]:
    """The words typed, folded, each with the space before it: " hang" finds "Hằng" but not "Thanh" (folded
    "thanh", which contains "hanh": a plain substring turned "Hạnh" into every "Thành tích")."""
    return [f" {word}" for word in fold(text).split()]


def matches(text: str | None, words: list[str]) -> bool:
    """Whether every one of `words` (search_words) begins a word of `text`."""
    folded = " " + fold(text)
    return all(word in folded for word in words)
