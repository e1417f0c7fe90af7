"""The grounds on which a request may be refused, wholly or in part, and how a requester may be verified.

A refusal is a written decision (703/2023 11 § 4 mom) and must rest on a ground the law allows; the handler
picks one of these and writes the reasoning. The texts the requester reads are in texts.py (`ground_<key>`).

- serious_danger: the answer could seriously endanger the client's health or care (703/2023 11 § 2 mom;
  seed 002: "vakavaa vaaraa asiakkaan terveydelle tai hoidolle").
- others_rights: ... or someone else's rights (same place).
- crime_investigation: ... or the prevention or investigation of crime (11 § 2 mom).
- older_than_two_years: logs older than two years without a special reason (11 § 2 mom).
- minor_prohibition: a minor has, for a weighty reason, forbidden disclosure to the legal representative
  (asiakaslaki 812/2000 11 § 3 mom; seed 002, seed 003 §11).
- secret_whereabouts: the child's whereabouts are withheld by a decision (lastensuojelulaki 417/2007 62 § 3
  mom); used for rows kept back from a guardian or representative.
- deceased: the right belongs to the client; a deceased person's logs are not released by default.
- not_entitled: the requester has not shown the right to act for the client.
- manifestly_unfounded: a manifestly unfounded or excessive request, in particular a repetitive one
  (GDPR 12(5)(b); seed 003 §14) — the alternative is a reasonable fee (12(5)(a)).
- other_statutory: another provision of law; the reasoning must name it.
"""

from __future__ import annotations

REFUSAL_GROUNDS = (
    "serious_danger", "others_rights", "crime_investigation", "older_than_two_years", "minor_prohibition",
    "secret_whereabouts", "deceased", "not_entitled", "manifestly_unfounded", "other_statutory",
)

# How the requester's identity (and, for someone acting for the client, the right to act) was verified.
VERIFICATIONS = ("in_person", "strong_eid", "suomi_fi_mandate", "signed_letter")

DECISIONS = ("release", "partly", "refuse")

MIN_REASONING_CHARS = 20  # a written decision states its reasons; a word or two is not reasoning
