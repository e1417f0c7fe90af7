"""Plain words for the codes people see: review statuses, outcomes, actions, bases, columns, in Finnish, Swedish
and English, and dates as d.m.yyyy with open-ended periods shown as such.

The store keeps codes (`violation_confirmed`, `after_end`, `9999-12-31`); a data protection officer, a supervisor
or a client reading a letter should never meet them. The dashboard and every PDF translate through this module,
so one word means one thing everywhere. Wellbeing services counties on the bilingual coast work in Swedish too.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl

LANGS = ("fi", "sv", "en")
HELSINKI = ZoneInfo("Europe/Helsinki")
OPEN_END_FROM = date(9000, 1, 1)  # a period ending on or after this (9999-12-31 and the like) has no end

# code -> (fi, sv, en)
VALUES: dict[str, tuple[str, str, str]] = {
    # review status
    "new": ("uusi", "ny", "new"),
    "under_review": ("käsittelyssä", "under utredning", "under review"),
    "explained": ("selitetty", "förklarad", "explained"),
    "violation_confirmed": ("rikkomus vahvistettu", "överträdelse bekräftad", "violation confirmed"),
    "false_positive": ("väärä hälytys", "falskt larm", "false positive"),
    # severity
    "critical": ("kriittinen", "kritisk", "critical"),
    "high": ("korkea", "hög", "high"),
    "medium": ("keskitaso", "medel", "medium"),
    "low": ("matala", "låg", "low"),
    # provider access status
    "inside_service": ("luvituksen aikana", "inom tillståndet", "inside the authorisation"),
    "tender_phase": ("tarjousvaihe", "anbudsfas", "tender phase"),
    "never_authorised": ("ei luvitusta", "aldrig auktoriserad", "never authorised"),
    "before_start": ("ennen luvitusta", "före tillståndet", "before the authorisation"),
    "after_end": ("luvituksen päätyttyä", "efter tillståndets slut", "after the authorisation ended"),
    # request decisions and statuses
    "deliver": ("toimitetaan", "lämnas ut", "deliver"),
    "hold": ("odottaa päätöstä", "väntar på beslut", "held for a decision"),
    "refuse": ("kieltäydytään", "vägras", "refuse"),
    "release": ("luovutetaan", "lämnas ut", "release"),
    "received": ("vastaanotettu", "mottagen", "received"),
    "in_progress": ("käsittelyssä", "under behandling", "in progress"),
    "held_for_decision": ("odottaa päätöstä", "väntar på beslut", "held for a decision"),
    "refused": ("kielteinen päätös", "avslag", "refused"),
    "delivered": ("toimitettu", "utlämnad", "delivered"),
    # actions
    "read": ("luku", "läsning", "read"),
    "search": ("haku", "sökning", "search"),
    "create": ("luonti", "skapande", "create"),
    "update": ("muutos", "ändring", "update"),
    "delete": ("poisto", "radering", "delete"),
    "print": ("tulostus", "utskrift", "print"),
    "export": ("vienti", "export", "export"),
    "disclose": ("luovutus", "utlämnande", "disclosure"),
    # bases and involvement kinds
    "responsible_worker": ("vastuutyöntekijä", "ansvarig arbetstagare", "responsible worker"),
    "work_pair": ("työpari", "arbetspar", "work pair"),
    "unit": ("yksikön asiakas", "enhetens klient", "unit involvement"),
    "referral": ("lähete", "remiss", "referral"),
    "supervision_case": ("valvonta-asia", "tillsynsärende", "supervision case"),
    "provider_authorisation": ("palveluntuottajan luvitus", "tillstånd för tjänsteproducent",
                               "provider authorisation"),
    "statutory_right": ("lakisääteinen tiedonsaantioikeus", "lagstadgad rätt att få uppgifter", "statutory right"),
    "no basis recorded": ("ei perustetta", "ingen grund", "no basis"),
    "finding": ("havainto", "observation", "finding"),
    "legitimate": ("peruste löytyi", "grund finns", "basis found"),
    "no_basis": ("ei perustetta", "ingen grund", "no basis"),
    # purposes
    "client_relationship": ("asiakassuhde", "klientrelation", "client relationship"),
    "other_task": ("muu tehtävä", "annan uppgift", "other task"),
    "emergency": ("hätätilanne", "nödsituation", "emergency"),
    "supervision": ("valvonta", "tillsyn", "supervision"),
    # agreements and phases
    "framework": ("puitesopimus", "ramavtal", "framework agreement"),
    "direct": ("suorahankinta", "direktupphandling", "direct procurement"),
    "tender": ("tarjousvaihe", "anbudsfas", "tender"),
    "service": ("palvelu", "tjänst", "service"),
    # organisation kinds
    "county": ("hyvinvointialue", "välfärdsområde", "wellbeing services county"),
    "municipality": ("kunta", "kommun", "municipality"),
    "private_provider": ("yksityinen palveluntuottaja", "privat tjänsteproducent", "private provider"),
    "state": ("valtio", "staten", "state"),
    # roles of the dashboard
    "dpo": ("tietosuojavastaava", "dataskyddsombud", "data protection officer"),
    "request_handler": ("selvityspyyntöjen käsittelijä", "handläggare av begäranden", "request handler"),
    # booleans
    "true": ("kyllä", "ja", "yes"),
    "false": ("ei", "nej", "no"),
}

# column name -> (fi, sv, en)
COLUMNS: dict[str, tuple[str, str, str]] = {
    "finding_id": ("Havainto", "Observation", "Finding"),
    "rule_id": ("Sääntö", "Regel", "Rule"),
    "rule": ("Sääntö", "Regel", "Rule"),
    "category": ("Luokka", "Kategori", "Category"),
    "severity": ("Vakavuus", "Allvarlighet", "Severity"),
    "status": ("Tila", "Status", "Status"),
    "day": ("Päivä", "Dag", "Day"),
    "event_date": ("Päivä", "Dag", "Day"),
    "event_local": ("Aika", "Tid", "Time"),
    "first_time": ("Ensimmäinen", "Första", "First"),
    "last_time": ("Viimeinen", "Sista", "Last"),
    "source_system": ("Lähdejärjestelmä", "Källsystem", "Source system"),
    "source": ("Lähde", "Källa", "Source"),
    "source_event_id": ("Tapahtuman tunniste", "Händelsens id", "Event id"),
    "account": ("Käyttäjätunnus", "Användarkonto", "Account"),
    "staff_id": ("Henkilönumero", "Personalnummer", "Staff id"),
    "staff_name": ("Työntekijä", "Arbetstagare", "Staff member"),
    "full_name": ("Nimi", "Namn", "Name"),
    "title": ("Nimike", "Titel", "Title"),
    "role": ("Rooli", "Roll", "Role"),
    "client_id": ("Asiakas", "Klient", "Client"),
    "client_name": ("Asiakas", "Klient", "Client"),
    "organisation_id": ("Organisaatio", "Organisation", "Organisation"),
    "organisation": ("Organisaatio", "Organisation", "Organisation"),
    "organisation_name": ("Organisaatio", "Organisation", "Organisation"),
    "unit_id": ("Yksikkö", "Enhet", "Unit"),
    "event_count": ("Tapahtumia", "Händelser", "Events"),
    "events": ("Tapahtumia", "Händelser", "Events"),
    "accesses": ("Käyttökertoja", "Användningar", "Accesses"),
    "assignee": ("Käsittelijä", "Handläggare", "Assignee"),
    "note": ("Muistiinpano", "Anteckning", "Note"),
    "actor": ("Muuttaja", "Ändrad av", "Changed by"),
    "at": ("Aika", "Tid", "Time"),
    "version": ("Versio", "Version", "Version"),
    "action": ("Toimenpide", "Åtgärd", "Action"),
    "service_task": ("Palvelutehtävä", "Serviceuppgift", "Service task"),
    "document": ("Asiakirja", "Handling", "Document"),
    "purpose": ("Käyttötarkoitus", "Ändamål", "Purpose"),
    "channel": ("Kanava", "Kanal", "Channel"),
    "basis": ("Peruste", "Grund", "Basis"),
    "kind": ("Laji", "Typ", "Kind"),
    "valid_from": ("Alkaen", "Från", "From"),
    "valid_to": ("Päättyen", "Till", "To"),
    "effective_to": ("Voimassa asti", "Gäller till", "Effective to"),
    "cancelled_on": ("Peruttu", "Återkallad", "Cancelled"),
    "agreement": ("Sopimus", "Avtal", "Agreement"),
    "phase": ("Vaihe", "Fas", "Phase"),
    "recipient_organisation_id": ("Vastaanottaja", "Mottagare", "Recipient"),
    "records_read": ("Luettu", "Lästa", "Read"),
    "normalised": ("Normalisoitu", "Normaliserade", "Normalised"),
    "normalised_new": ("Uusia", "Nya", "New"),
    "normalised_existing": ("Jo tallessa", "Redan lagrade", "Already stored"),
    "quarantined": ("Karanteenissa", "I karantän", "Quarantined"),
    "files": ("Tiedostoja", "Filer", "Files"),
    "file_name": ("Tiedosto", "Fil", "File"),
    "format": ("Muoto", "Format", "Format"),
    "started_at": ("Aloitettu", "Startad", "Started"),
    "active_days": ("Päiviä", "Dagar", "Days"),
    "first_day": ("Ensimmäinen päivä", "Första dag", "First day"),
    "last_day": ("Viimeinen päivä", "Sista dag", "Last day"),
    "findings": ("Havaintoja", "Observationer", "Findings"),
    "severity_weight": ("Vakavuuspainotus", "Viktad allvarlighet", "Severity weight"),
    "flagged_days": ("Poikkeavia päiviä", "Avvikande dagar", "Unusual days"),
    "max_score": ("Suurin poikkeama", "Största avvikelse", "Highest score"),
    "risk": ("Riski", "Risk", "Risk"),
    "rank": ("Sija", "Plats", "Rank"),
    "score": ("Poikkeama", "Avvikelse", "Score"),
    "flagged": ("Merkitty", "Flaggad", "Flagged"),
    "explanation": ("Selitys", "Förklaring", "Explanation"),
    "user_name": ("Käyttäjä", "Användare", "User"),
    "lookups": ("Hakuja", "Sökningar", "Look-ups"),
    "clients": ("Asiakkaita", "Klienter", "Clients"),
    "staff": ("Työntekijöitä", "Arbetstagare", "Staff"),
    "first_local": ("Ensimmäinen", "Första", "First"),
    "last_local": ("Viimeinen", "Sista", "Last"),
    "actions": ("Toimenpiteet", "Åtgärder", "Actions"),
    "sources": ("Lähteet", "Källor", "Sources"),
    "mark": ("", "", ""),
    "request_id": ("Pyyntö", "Begäran", "Request"),
    "received_on": ("Saapunut", "Mottagen", "Received"),
    "due_on": ("Määräaika", "Förfallodag", "Due"),
    "internal_due_on": ("Sisäinen määräaika", "Intern förfallodag", "Internal due date"),
    "requester_name": ("Pyytäjä", "Begärt av", "Requester"),
    "relation": ("Pyytäjä on", "Begärt av", "Requester is"),
    "period_from": ("Jakso alkaen", "Period från", "Period from"),
    "period_to": ("Jakso päättyen", "Period till", "Period to"),
    "handler": ("Käsittelijä", "Handläggare", "Handler"),
    "delivered_on": ("Toimitettu", "Utlämnad", "Delivered"),
}

# columns whose values are codes to translate
CODED = {"status", "severity", "action", "basis", "kind", "purpose", "agreement", "phase", "role", "relation",
         "outcome", "decision"}
OPEN_ENDED = ("voimassa", "gällande", "in force")


def _i(lang: str) -> int:
    return LANGS.index(lang) if lang in LANGS else 0


def value_label(code, lang: str = "fi") -> str:
    """A code in plain words (the code itself when unknown, so nothing disappears)."""
    if code is None:
        return ""
    if isinstance(code, bool):
        code = "true" if code else "false"
    key = str(code)
    if key.startswith("finding: "):
        return f"{VALUES['finding'][_i(lang)]}: {key[9:]}"
    entry = VALUES.get(key)
    return entry[_i(lang)] if entry else key


def column_label(name: str, lang: str = "fi") -> str:
    entry = COLUMNS.get(name)
    return entry[_i(lang)] if entry else name.replace("_", " ")


def open_ended(lang: str = "fi") -> str:
    return OPEN_ENDED[_i(lang)]


def date_text(d, lang: str = "fi", *, end: bool = False) -> str:
    """d.m.yyyy; an end date far in the future (or missing, for an end) is 'voimassa' / 'gällande' / 'in force'."""
    if d is None:
        return open_ended(lang) if end else ""
    if isinstance(d, datetime):
        d = d.date()
    if d >= OPEN_END_FROM:
        return open_ended(lang)
    return f"{d.day}.{d.month}.{d.year}"


def datetime_text(ts) -> str:
    """d.m.yyyy HH.MM in Helsinki wall-clock time."""
    if ts is None:
        return ""
    if ts.tzinfo is not None:
        ts = ts.astimezone(HELSINKI)
    return f"{ts.day}.{ts.month}.{ts.year} {ts.hour:02d}.{ts.minute:02d}"


END_COLUMNS = {"valid_to", "effective_to", "band_end", "placement_secret_until"}


def display_frame(df: pl.DataFrame, lang: str = "fi", *, rename: bool = True) -> pl.DataFrame:
    """A frame as people read it: codes in words, dates d.m.yyyy (open ends as 'voimassa'), times in Helsinki
    time, no nulls shown as 'None', and column headers in the chosen language."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            far = col >= pl.lit(OPEN_END_FROM)
            text = col.dt.strftime("%-d.%-m.%Y")
            if name in END_COLUMNS:
                expr = pl.when(col.is_null() | far).then(pl.lit(open_ended(lang))).otherwise(text)
            else:
                expr = pl.when(far).then(pl.lit(open_ended(lang))).otherwise(text).fill_null("")
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone:
                col = col.dt.convert_time_zone("Europe/Helsinki")
            expr = col.dt.strftime("%-d.%-m.%Y %H.%M").fill_null("")
        elif dtype == pl.Boolean:
            expr = (pl.when(col).then(pl.lit(value_label(True, lang)))
                    .when(~col).then(pl.lit(value_label(False, lang))).otherwise(pl.lit("")))
        elif dtype == pl.Utf8 and name in CODED:  # vectorised: a provider's thousands of rows stay quick
            words = {code: entry[_i(lang)] for code, entry in VALUES.items()}
            expr = (pl.when(col.str.starts_with("finding: "))
                    .then(pl.lit(VALUES["finding"][_i(lang)] + ": ") + col.str.slice(9))
                    .otherwise(col.replace(words)).fill_null(""))
        elif dtype == pl.Utf8:
            expr = col.fill_null("")
        else:
            expr = col
        out.append(expr.alias(column_label(name, lang) if rename else name))
    if rename:  # two source columns may share a label (day / event_date): keep both, distinguishable
        seen: dict[str, int] = {}
        for i, e in enumerate(out):
            label = e.meta.output_name()
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                out[i] = e.alias(f"{label} ({seen[label]})")
    return df.select(out) if out else df
