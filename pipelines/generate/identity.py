"""Synthetic personal identity codes, names and addresses.

Identity codes use individual numbers 900–999, which are never issued to real persons, with the
correct check character, so the reference import accepts them and no real person is named.
Names and addresses are combined from short Finnish-looking lists; they are not real persons.
"""

from __future__ import annotations

import random
from datetime import date

CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"

FIRST_NAMES = (
    "Aino", "Eino", "Helmi", "Väinö", "Siiri", "Onni", "Kerttu", "Toivo", "Lempi", "Urho", "Iida", "Veeti",
    "Selma", "Eetu", "Hilja", "Lauri", "Ronja", "Niilo", "Venla", "Oiva", "Pihla", "Aapo", "Elsi", "Kalle",
    "Tyyne", "Reino", "Sanni", "Jalmari", "Kaisla", "Otso", "Minea", "Veikko", "Lumi", "Arvo", "Nelli", "Topias",
)
SURNAMES = (
    "Kivelä", "Rantanen", "Lehtovaara", "Mäkipää", "Hongisto", "Saarivaara", "Kuusela", "Peltomaa", "Rautio",
    "Vuorela", "Järvilehto", "Koivuniemi", "Haapalahti", "Leppälä", "Tervonen", "Salmivuori", "Nurmela",
    "Ojanperä", "Kallioinen", "Pajari", "Lindroos", "Vesterinen", "Honkasalo", "Aaltonen", "Korpela",
    "Mustonen", "Sirviö", "Takkula", "Ylinen", "Heinonkoski", "Marjamäki", "Paasilinna", "Roivas", "Uotila",
)
STREETS = (
    "Kuusikkotie", "Pajulahdentie", "Myllyrinne", "Tervakuja", "Haukkapolku", "Kaislarannantie", "Kotkankatu",
    "Pihlajakuja", "Sammalpolku", "Routatie", "Kanervakatu", "Virtakiventie", "Lepikkokuja", "Tuulimyllyntie",
    "Ahomansikantie", "Karhunpolku", "Lähteenkatu", "Puolukkarinne", "Savikuja", "Vaahterakatu",
)
TOWNS = (("Hämeenvaara", "13100"), ("Kivikoski", "14200"), ("Lammila", "16900"), ("Vuohijoki", "12400"))


def identity_code(birth: date, individual: int) -> str:
    """A valid Finnish personal identity code DDMMYY[-+A]NNNC (individual number 900–999)."""
    if not 900 <= individual <= 999:
        raise ValueError("synthetic identity codes use individual numbers 900-999")
    century = {18: "+", 19: "-", 20: "A"}[birth.year // 100]
    stem = f"{birth:%d%m}{birth.year % 100:02d}"
    check = CHECK_CHARS[int(f"{stem}{individual:03d}") % 31]
    return f"{stem}{century}{individual:03d}{check}"


class IdentityPool:
    """Hands out unique identity codes and addresses from one seeded random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.codes: set[str] = set()
        self.addresses: set[str] = set()

    def code(self, birth: date) -> str:
        for _ in range(1000):
            c = identity_code(birth, self.rng.randint(900, 999))
            if c not in self.codes:
                self.codes.add(c)
                return c
        raise RuntimeError("identity codes exhausted for one birth date")

    def birth_between(self, first_year: int, last_year: int) -> date:
        start = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        return date.fromordinal(self.rng.randint(start, end))

    def name(self, surname: str | None = None) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {surname or self.rng.choice(SURNAMES)}"

    def address(self) -> str:
        """A new address nobody else has (households are shared on purpose only)."""
        for _ in range(100000):
            town, post = self.rng.choice(TOWNS)
            street = self.rng.choice(STREETS)
            number = self.rng.randint(1, 180)
            stair = self.rng.choice(("", "", " A", " B", " C"))
            flat = f" {self.rng.randint(1, 40)}" if stair else ""
            a = f"{street} {number}{stair}{flat}, {post} {town}"
            if a not in self.addresses:
                self.addresses.add(a)
                return a
        raise RuntimeError("addresses exhausted")
