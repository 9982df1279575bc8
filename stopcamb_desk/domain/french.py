"""Small French wording helpers for messages operators read."""

from __future__ import annotations

_VOWELS = "aeiouyhàâäéèêëîïôöùûüœ"


def de(name: str) -> str:
    """« de Lunel », « d'Annecy », « d'Hérault » (elision before a vowel or an h)."""
    return f"d'{name}" if name[:1].lower() in _VOWELS else f"de {name}"
