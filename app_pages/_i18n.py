"""Finnish and English UI text, and Finnish date formats (d.m.yyyy, HH.MM).

The DPO and the supervision unit work in Finnish; English is there for the county's IT and auditors.
Every visible label goes through `t(key)` so that a missing translation shows up as the key itself,
not as an empty widget. The sign-in page also greets Swedish speakers (Finland is bilingual).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

HELSINKI = ZoneInfo("Europe/Helsinki")
LANGUAGES = {"fi": "Suomi", "en": "English"}
WELCOME_SV = "Välkommen till Lokivahti – logggranskning av klientuppgifter inom socialvården."

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"fi": "Lokivahti – lokivalvonta", "en": "Lokivahti – log monitoring"},
    "language": {"fi": "Kieli", "en": "Language"},
    "sign_in": {"fi": "Kirjaudu sisään", "en": "Sign in"},
    "sign_in_oidc": {"fi": "Kirjaudu organisaation tunnuksella", "en": "Sign in with the county identity"},
    "sign_out": {"fi": "Kirjaudu ulos", "en": "Sign out"},
    "username": {"fi": "Käyttäjätunnus", "en": "User name"},
    "password": {"fi": "Salasana", "en": "Password"},
    "signin_locked": {"fi": "Liian monta epäonnistunutta kirjautumista. Yritä uudelleen klo {until} (UTC).",
                      "sv": "För många misslyckade inloggningar. Försök igen kl. {until} (UTC).",
                      "en": "Too many failed sign-ins. Try again at {until} (UTC)."},
    "bad_credentials": {"fi": "Väärä käyttäjätunnus tai salasana.", "en": "Wrong user name or password."},
    "no_users_file": {"fi": "Käyttäjätiedostoa ei ole määritetty (LOKIVAHTI_USERS).",
                      "en": "No users file is configured (LOKIVAHTI_USERS)."},
    "idle_signed_out": {"fi": "Istunto päättyi käyttämättömyyden vuoksi. Kirjaudu uudelleen.",
                        "en": "The session ended after idle time. Please sign in again."},
    "signed_in_as": {"fi": "Kirjautunut", "en": "Signed in as"},
    "role_dpo": {"fi": "tietosuojavastaava", "en": "data protection officer"},
    "role_supervision": {"fi": "asiakasohjaus ja valvonta", "en": "supervision unit"},
    "role_request_handler": {"fi": "selvityspyyntöjen käsittelijä", "en": "request handler"},
    "not_allowed": {"fi": "Roolillasi ei ole pääsyä tälle sivulle.", "en": "Your role cannot open this page."},
    "no_store": {"fi": "Tietovarastoa ei ole vielä luotu.", "en": "The store does not exist yet."},
    "store_busy": {"fi": "Tietovarasto on käytössä eikä julkaistua kopiota ole vielä. Yritä hetken päästä.",
                   "en": "The store is busy and no published snapshot exists yet. Try again shortly."},
    "load_sample": {"fi": "Lataa esimerkkimaakunta (data_samples/small)",
                    "en": "Load the sample county (data_samples/small)"},
    "sample_missing": {"fi": "Esimerkkiaineistoa ei löydy.", "en": "The sample data is not available."},
    "sample_loaded": {"fi": "Esimerkkiaineisto ladattu.", "en": "Sample data loaded."},
    "snapshot_of": {"fi": "Julkaistu kopio", "en": "Published snapshot"},
    # pages
    "page_overview": {"fi": "Yleiskuva", "en": "Overview"},
    "page_findings": {"fi": "Havaintojen käsittely", "en": "Findings triage"},
    "page_user": {"fi": "Käyttäjän aikajana", "en": "User timeline"},
    "page_client": {"fi": "Asiakkaan aikajana", "en": "Client timeline"},
    "page_anomalies": {"fi": "Poikkeamat", "en": "Anomalies"},
    "page_provider": {"fi": "Palveluntuottajan valvonta", "en": "Provider investigation"},
    "page_report": {"fi": "Valvontaraportti", "en": "Monitoring report"},
    "page_requests": {"fi": "Selvityspyynnöt", "en": "Requests"},
    # overview
    "events_per_day": {"fi": "Tapahtumat lähdejärjestelmittäin päivässä", "en": "Events per source system per day"},
    "ingest_tally": {"fi": "Tuonnin tilanne", "en": "Ingest tally"},
    "open_findings": {"fi": "Avoimet havainnot säännöittäin ja vakavuuksittain",
                      "en": "Open findings by rule and severity"},
    "findings_trend": {"fi": "Havainnot ajan mittaan", "en": "Findings over time"},
    "top_users": {"fi": "Riskialtteimmat käyttäjät", "en": "Top users by risk"},
    "events_total": {"fi": "Tapahtumia", "en": "Events"},
    "findings_total": {"fi": "Havaintoja", "en": "Findings"},
    "open_total": {"fi": "Avoimia", "en": "Open"},
    "quarantined_total": {"fi": "Karanteenissa", "en": "Quarantined"},
    "nothing_yet": {"fi": "Ei tietoja.", "en": "No data."},
    # filters
    "rule": {"fi": "Sääntö", "en": "Rule"},
    "severity": {"fi": "Vakavuus", "en": "Severity"},
    "status": {"fi": "Tila", "en": "Status"},
    "unit": {"fi": "Yksikkö", "en": "Unit"},
    "source": {"fi": "Lähdejärjestelmä", "en": "Source system"},
    "period": {"fi": "Ajanjakso", "en": "Period"},
    "open_finding": {"fi": "Avaa havainto", "en": "Open a finding"},
    "finding_events": {"fi": "Havainnon tapahtumat", "en": "Events of the finding"},
    "reference_rows": {"fi": "Viitetiedot, jotka selittävät tai eivät selitä",
                       "en": "Reference data that did or did not explain them"},
    "involvement": {"fi": "Osallisuus asiakkaan asiaan", "en": "Case involvement"},
    "authorisations": {"fi": "Palveluntuottajan luvitukset", "en": "Provider authorisations"},
    "staff_row": {"fi": "Henkilöstörekisterin rivi", "en": "Staff register row"},
    "legal_basis": {"fi": "Oikeudellinen perusta", "en": "Legal basis"},
    "false_positives": {"fi": "Tunnetut vääriä hälytyksiä aiheuttavat tilanteet", "en": "Known false positives"},
    "set_status": {"fi": "Aseta tila", "en": "Set status"},
    "assignee": {"fi": "Käsittelijä", "en": "Assignee"},
    "note": {"fi": "Muistiinpano", "en": "Note"},
    "save": {"fi": "Tallenna", "en": "Save"},
    "saved": {"fi": "Tallennettu.", "en": "Saved."},
    "history": {"fi": "Muutoshistoria", "en": "History of changes"},
    "shown_rows": {"fi": "Näytetään enintään {n} riviä.", "en": "Showing at most {n} rows."},
    "page_of": {"fi": "Sivu (1–{n})", "en": "Page (1–{n})"},
    "rows_of": {"fi": "Rivit {a}–{b} / {n}", "en": "Rows {a}–{b} of {n}"},
    "chart_first": {"fi": "Kuvassa ensimmäiset {n} tapahtumaa ({total} kaikkiaan).",
                    "en": "The chart shows the first {n} events ({total} in all)."},
    "st_new": {"fi": "uusi", "en": "new"},
    "st_under_review": {"fi": "käsittelyssä", "en": "under review"},
    "st_explained": {"fi": "selitetty", "en": "explained"},
    "st_violation_confirmed": {"fi": "rikkomus vahvistettu", "en": "violation confirmed"},
    "st_false_positive": {"fi": "väärä hälytys", "en": "false positive"},
    # timelines
    "staff": {"fi": "Työntekijä", "en": "Staff member"},
    "client_id": {"fi": "Asiakkaan tunniste (henkilötunnus)", "en": "Client id (personal identity code)"},
    "from": {"fi": "Alkaen", "en": "From"},
    "to": {"fi": "Päättyen", "en": "To"},
    "show": {"fi": "Näytä", "en": "Show"},
    "accesses": {"fi": "Käyttökerrat", "en": "Accesses"},
    "timeline_hint": {"fi": "Väri kertoo käytön perusteen tai havainnon; palkit ovat osallisuus- ja luvitusjaksoja.",
                      "en": "Colour shows the basis or the finding; bars are involvement and authorisation periods."},
    # anomalies
    "anomaly_rank": {"fi": "Poikkeavimmat käyttäjäpäivät", "en": "Most unusual user-days"},
    "explanation": {"fi": "Selitys", "en": "Explanation"},
    "open_timeline": {"fi": "Avaa aikajana", "en": "Open timeline"},
    "no_scores": {"fi": "Poikkeamamallia ei ole vielä ajettu (lokivahti score).",
                  "en": "The anomaly model has not run yet (lokivahti score)."},
    # provider
    "provider": {"fi": "Palveluntuottaja", "en": "Provider"},
    "provider_staff": {"fi": "Tuottajan henkilöstö", "en": "The provider's staff"},
    "provider_clients": {"fi": "Asiakkaat ja luvitusjaksot", "en": "Clients and authorisation periods"},
    "outside_auth": {"fi": "Käytöt luvituksen ulkopuolella", "en": "Accesses outside the authorisation"},
    "export_pack": {"fi": "Lataa selvityspaketti (PDF, CSV, XLSX)", "en": "Download investigation pack (PDF, CSV, XLSX)"},
    "no_providers": {"fi": "Ei yksityisiä palveluntuottajia viitetiedoissa.", "en": "No private providers in the reference data."},
    # report
    "month": {"fi": "Kuukausi", "en": "Month"},
    "make_report": {"fi": "Muodosta raportti", "en": "Build the report"},
    "download_pdf": {"fi": "Lataa PDF", "en": "Download PDF"},
    "report_intro": {"fi": "Kuukausittainen lokivalvontaraportti tietosuojavastaavan arkistoon.",
                     "en": "The monthly log-monitoring report for the DPO's records."},
    # requests
    "requests_register": {"fi": "Selvityspyyntöjen rekisteri", "en": "Register of requests"},
    "overdue": {"fi": "myöhässä", "en": "overdue"},
    "soon_due": {"fi": "erääntyy pian", "en": "soon due"},
    "disclosure_unavailable": {"fi": "Vastausten muodostus (pipelines.disclosure) ei ole vielä käytettävissä.",
                               "en": "Answering requests (pipelines.disclosure) is not yet available."},
    "answer_request": {"fi": "Vastaa pyyntöön", "en": "Answer a request"},
    "request": {"fi": "Pyyntö", "en": "Request"},
    "new_request": {"fi": "Kirjaa uusi pyyntö", "en": "Register a new request"},
    "relation": {"fi": "Pyytäjä on", "en": "The requester is"},
    "rel_self": {"fi": "asiakas itse", "en": "the client"},
    "rel_guardian": {"fi": "huoltaja", "en": "a guardian"},
    "rel_representative": {"fi": "valtuutettu edustaja", "en": "an authorised representative"},
    "requester": {"fi": "Pyytäjän nimi", "en": "Requester's name"},
    "special_reason": {"fi": "Erityinen syy yli kahden vuoden lokeille", "en": "Special reason for logs over two years old"},
    "register": {"fi": "Kirjaa", "en": "Register"},
    "registered": {"fi": "Kirjattu", "en": "Registered"},
    "due": {"fi": "määräaika", "en": "due"},
    "decision": {"fi": "Ratkaisu", "en": "Decision"},
    "export_answer": {"fi": "Muodosta vastaus (kirje PDF, CSV, XLSX)", "en": "Build the answer (letter PDF, CSV, XLSX)"},
    "no_requests": {"fi": "Ei pyyntöjä.", "en": "No requests."},
}


def lang() -> str:
    return st.session_state.get("lang", "fi")


def t(key: str, **fmt) -> str:
    """The UI text for key in the chosen language (the key itself when missing)."""
    entry = TEXT.get(key)
    text = entry.get(lang(), entry.get("fi", key)) if entry else key
    return text.format(**fmt) if fmt else text


def fi_date(d: date | datetime | None) -> str:
    if d is None:
        return ""
    return f"{d.day}.{d.month}.{d.year}"


def fi_datetime(ts: datetime | None) -> str:
    """Finnish date and time in Helsinki wall-clock time (d.m.yyyy HH.MM)."""
    if ts is None:
        return ""
    if ts.tzinfo is not None:
        ts = ts.astimezone(HELSINKI)
    return f"{fi_date(ts)} {ts.hour:02d}.{ts.minute:02d}"


def fi_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Dates and times of a frame as Finnish strings, for display in tables."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            out.append(col.dt.strftime("%-d.%-m.%Y").alias(name))
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone:
                col = col.dt.convert_time_zone("Europe/Helsinki")
            out.append(col.dt.strftime("%-d.%-m.%Y %H.%M").alias(name))
        else:
            out.append(col)
    return df.select(out) if out else df


def status_label(status: str) -> str:
    return t(f"st_{status}")
