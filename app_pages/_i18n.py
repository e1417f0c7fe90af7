"""Finnish, Swedish and English UI text, and Finnish date formats (d.m.yyyy, HH.MM).

The DPO and the supervision unit work in Finnish or, in the bilingual counties, in Swedish; English is there for
the county's IT and auditors. Every visible label goes through `t(key)` so that a missing translation shows up as
the key itself, not as an empty widget. Codes in data (statuses, actions, column names) go through
pipelines.reports.labels, which the PDFs share.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from pipelines.reports import labels
from pipelines.reports.labels import LANGS

HELSINKI = ZoneInfo("Europe/Helsinki")
LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
WELCOME_SV = "Välkommen till Lokivahti – logggranskning av klientuppgifter inom socialvården."

# Streamlit's own words (widget placeholders, table toolbar, status) are English and it has no setting for
# another language; the page replaces them as they appear (app_pages/_auth.browser_sync). English -> (fi, sv).
# The date picker's calendar (month and weekday names) is not covered. Only a whole text equal to one of these
# words is replaced: none of them is a value the store holds (codes are translated before they are shown).
STREAMLIT_TEXT: dict[str, tuple[str, str]] = {
    "Choose an option": ("Valitse", "Välj"),
    "Choose options": ("Valitse yksi tai useampi", "Välj ett eller flera"),
    "No results": ("Ei tuloksia", "Inga resultat"),
    "Running...": ("Käynnissä...", "Körs..."),
    "Stop": ("Pysäytä", "Stoppa"),
    "Rerun": ("Päivitä", "Uppdatera"),
    "Connecting": ("Yhdistetään", "Ansluter"),
    "Please wait...": ("Odota...", "Vänta..."),
    "Download as CSV": ("Lataa CSV-tiedostona", "Ladda ner som CSV"),
    "Search": ("Hae", "Sök"),
    "Show/hide columns": ("Näytä tai piilota sarakkeita", "Visa eller dölj kolumner"),
    "Fullscreen": ("Koko näyttö", "Helskärm"),
    "Enter fullscreen": ("Koko näyttö", "Helskärm"),
    "Close fullscreen": ("Sulje koko näyttö", "Stäng helskärm"),
    "Exit fullscreen": ("Sulje koko näyttö", "Stäng helskärm"),
    "Clear all": ("Tyhjennä", "Rensa"),
    "Clear value": ("Tyhjennä", "Rensa"),
    "Previous month": ("Edellinen kuukausi", "Föregående månad"),
    "Next month": ("Seuraava kuukausi", "Nästa månad"),
    "Press Enter to submit form": ("Lähetä painamalla Enter", "Skicka med Enter"),
    "Press Enter to apply": ("Ota käyttöön painamalla Enter", "Verkställ med Enter"),
    "Download": ("Lataa", "Ladda ner"),
    "Open": ("Avaa", "Öppna"),
}

TEXT: dict[str, tuple[str, str, str]] = {  # key -> (fi, sv, en)
    "app_title": ("Lokivahti – lokivalvonta", "Lokivahti – loggövervakning", "Lokivahti – log monitoring"),
    "language": ("Kieli", "Språk", "Language"),
    "sign_in": ("Kirjaudu sisään", "Logga in", "Sign in"),
    "sign_in_oidc": ("Kirjaudu organisaation tunnuksella", "Logga in med organisationens identitet",
                     "Sign in with the county identity"),
    "sign_out": ("Kirjaudu ulos", "Logga ut", "Sign out"),
    "username": ("Käyttäjätunnus", "Användarnamn", "User name"),
    "password": ("Salasana", "Lösenord", "Password"),
    "signin_locked": ("Liian monta epäonnistunutta kirjautumista. Yritä uudelleen klo {until} (UTC).",
                      "För många misslyckade inloggningar. Försök igen kl. {until} (UTC).",
                      "Too many failed sign-ins. Try again at {until} (UTC)."),
    "bad_credentials": ("Väärä käyttäjätunnus tai salasana.", "Fel användarnamn eller lösenord.",
                        "Wrong user name or password."),
    "no_users_file": ("Käyttäjätiedostoa ei ole määritetty (LOKIVAHTI_USERS).",
                      "Ingen användarfil har angetts (LOKIVAHTI_USERS).", "No users file is configured (LOKIVAHTI_USERS)."),
    "idle_signed_out": ("Istunto päättyi käyttämättömyyden vuoksi. Kirjaudu uudelleen.",
                        "Sessionen avslutades efter inaktivitet. Logga in igen.",
                        "The session ended after idle time. Please sign in again."),
    "signed_in_as": ("Kirjautunut", "Inloggad som", "Signed in as"),
    "role_dpo": ("tietosuojavastaava", "dataskyddsombud", "data protection officer"),
    "role_supervision": ("asiakasohjaus ja valvonta", "klientstyrning och tillsyn", "supervision unit"),
    "role_request_handler": ("selvityspyyntöjen käsittelijä", "handläggare av begäranden", "request handler"),
    "not_allowed": ("Roolillasi ei ole pääsyä tälle sivulle.", "Din roll har inte tillgång till den här sidan.",
                    "Your role cannot open this page."),
    "no_store": ("Tietovarastoa ei ole vielä luotu.", "Datalagret har inte skapats ännu.", "The store does not exist yet."),
    "store_busy": ("Tietovarasto on käytössä eikä julkaistua kopiota ole vielä. Yritä hetken päästä.",
                   "Datalagret används och ingen publicerad kopia finns ännu. Försök igen om en stund.",
                   "The store is busy and no published snapshot exists yet. Try again shortly."),
    "load_sample": ("Lataa esimerkkimaakunta (data_samples/small)", "Ladda exempellandskapet (data_samples/small)",
                    "Load the sample county (data_samples/small)"),
    "sample_missing": ("Esimerkkiaineistoa ei löydy.", "Exempeldata saknas.", "The sample data is not available."),
    "sample_loaded": ("Esimerkkiaineisto ladattu.", "Exempeldata inläst.", "Sample data loaded."),
    "snapshot_of": ("Julkaistu kopio", "Publicerad kopia", "Published snapshot"),
    # pages
    "page_overview": ("Yleiskuva", "Översikt", "Overview"),
    "page_findings": ("Havaintojen käsittely", "Hantering av observationer", "Findings triage"),
    "page_cases": ("Tapaukset", "Ärenden", "Cases"),
    "page_user": ("Käyttäjän aikajana", "Användarens tidslinje", "User timeline"),
    "page_client": ("Asiakkaan aikajana", "Klientens tidslinje", "Client timeline"),
    "page_anomalies": ("Poikkeamat", "Avvikelser", "Anomalies"),
    "page_provider": ("Palveluntuottajan valvonta", "Tillsyn över tjänsteproducent", "Provider investigation"),
    "page_report": ("Valvontaraportti", "Övervakningsrapport", "Monitoring report"),
    "page_requests": ("Selvityspyynnöt", "Begäranden om loggutdrag", "Requests"),
    # overview
    "events_per_day": ("Tapahtumat lähdejärjestelmittäin päivässä", "Händelser per källsystem och dag",
                       "Events per source system per day"),
    "ingest_tally": ("Tuonnin tilanne", "Inläsningens läge", "Ingest tally"),
    "open_findings": ("Avoimet havainnot säännöittäin ja vakavuuksittain",
                      "Öppna observationer per regel och allvarlighet", "Open findings by rule and severity"),
    "findings_trend": ("Havainnot viikoittain", "Observationer per vecka", "Findings per week"),
    "top_users": ("Riskialtteimmat käyttäjät", "Användare med störst risk", "Top users by risk"),
    "events_total": ("Tapahtumia", "Händelser", "Events"),
    "findings_total": ("Havaintoja", "Observationer", "Findings"),
    "open_total": ("Avoimia", "Öppna", "Open"),
    "quarantined_total": ("Karanteenissa", "I karantän", "Quarantined"),
    "nothing_yet": ("Ei tietoja.", "Inga uppgifter.", "No data."),
    "outliers": (("{n} tapahtumaa on päivätty tarkastelujakson ulkopuolelle ({first}–{last}); ne ovat "
                 "lokien laatuhavaintoja eivätkä venytä aikajanoja."),
                 ("{n} händelser är daterade utanför perioden ({first}–{last}); de är observationer om "
                 "loggkvaliteten och sträcker inte ut tidslinjerna."),
                 ("{n} events are dated outside the period ({first}–{last}); they are log-quality findings "
                 "and do not stretch the timelines.")),
    # filters and triage
    "rule": ("Sääntö", "Regel", "Rule"),
    "total": ("Yhteensä", "Totalt", "Total"),
    "severity": ("Vakavuus", "Allvarlighet", "Severity"),
    "status": ("Tila", "Status", "Status"),
    "unit": ("Yksikkö", "Enhet", "Unit"),
    "source": ("Lähdejärjestelmä", "Källsystem", "Source system"),
    "period": ("Ajanjakso", "Period", "Period"),
    "any": ("kaikki", "alla", "any"),
    "open_status": ("avoimet (uusi tai käsittelyssä)", "öppna (ny eller under utredning)", "open (new or under review)"),
    "queue": ("Näkymä", "Vy", "View"),
    "queue_mine": ("Oma jono: avoimet, minulle osoitetut", "Min kö: öppna, tilldelade mig",
                   "My queue: open, assigned to me"),
    "queue_open": ("Kaikki avoimet", "Alla öppna", "All open"),
    "queue_unassigned": ("Avoimet ilman käsittelijää", "Öppna utan handläggare", "Open, unassigned"),
    "queue_all": ("Kaikki havainnot", "Alla observationer", "All findings"),
    "queue_empty": ("Jonossa ei ole avoimia havaintoja.", "Det finns inga öppna observationer i kön.",
                    "No open findings in this view."),
    "open_finding": ("Avaa havainto", "Öppna observation", "Open a finding"),
    "finding_events": ("Havainnon tapahtumat", "Observationens händelser", "Events of the finding"),
    "reference_rows": ("Viitetiedot, jotka selittävät tai eivät selitä",
                       "Referensuppgifter som förklarar eller inte förklarar dem",
                       "Reference data that did or did not explain them"),
    "involvement": ("Osallisuus asiakkaan asiaan", "Delaktighet i klientens ärende", "Case involvement"),
    "authorisations": ("Palveluntuottajan luvitukset", "Tjänsteproducentens tillstånd", "Provider authorisations"),
    "staff_row": ("Henkilöstörekisterin rivi", "Rad i personalregistret", "Staff register row"),
    "legal_basis": ("Oikeudellinen perusta", "Rättslig grund", "Legal basis"),
    "evidence": ("Todisteet", "Bevis", "Evidence"),
    "false_positives": ("Tunnetut vääriä hälytyksiä aiheuttavat tilanteet", "Kända orsaker till falsklarm",
                        "Known false positives"),
    "set_status": ("Käsittely", "Hantering", "Review"),
    "assignee": ("Käsittelijä", "Handläggare", "Assignee"),
    "unassigned": ("(ei käsittelijää)", "(ingen handläggare)", "(unassigned)"),
    "note": ("Muistiinpano", "Anteckning", "Note"),
    "save": ("Tallenna", "Spara", "Save"),
    "saved": ("Tallennettu.", "Sparat.", "Saved."),
    "conflict": (("Havaintoa muutti {actor} {at} sen jälkeen, kun avasit sen. Muutostasi ei tallennettu: "
                 "katso historia ja tallenna uudelleen."),
                 ("Observationen ändrades av {actor} {at} efter att du öppnade den. Din ändring sparades inte: "
                 "se historiken och spara igen."),
                 ("The finding was changed by {actor} at {at} since you opened it. Your change was not saved: "
                 "check the history and save again.")),
    "history": ("Muutoshistoria", "Ändringshistorik", "History of changes"),
    "bulk": ("Joukkokäsittely", "Massbehandling", "Bulk actions"),
    "bulk_pick": ("Valitse havainnot (tämä sivu)", "Välj observationer (denna sida)", "Choose findings (this page)"),
    "bulk_apply": ("Aseta valituille", "Tillämpa på valda", "Apply to the chosen"),
    "bulk_done": ("{n} havaintoa päivitetty.", "{n} observationer uppdaterade.", "{n} findings updated."),
    "bulk_skipped": ("{n} havaintoa ohitettiin, koska joku muutti niitä välillä.",
                     "{n} observationer hoppades över eftersom någon ändrade dem under tiden.",
                     "{n} findings were skipped because someone changed them meanwhile."),
    "links": ("Avaa", "Öppna", "Open"),
    "open_user_timeline": ("Työntekijän aikajana havainnon ajalta", "Arbetstagarens tidslinje kring observationen",
                           "The staff member's timeline around the finding"),
    "open_client_timeline": ("Asiakkaan aikajana havainnon ajalta", "Klientens tidslinje kring observationen",
                             "The client's timeline around the finding"),
    "open_case": ("Henkilön tapaus", "Personens ärende", "The person's case"),
    "shown_rows": ("Näytetään enintään {n} riviä.", "Högst {n} rader visas.", "Showing at most {n} rows."),
    "page_of": ("Sivu (1–{n})", "Sida (1–{n})", "Page (1–{n})"),
    "rows_of": ("Rivit {a}–{b} / {n}", "Rader {a}–{b} av {n}", "Rows {a}–{b} of {n}"),
    "st_new": ("uusi", "ny", "new"),
    "st_under_review": ("käsittelyssä", "under utredning", "under review"),
    "st_explained": ("selitetty", "förklarad", "explained"),
    "st_violation_confirmed": ("rikkomus vahvistettu", "överträdelse bekräftad", "violation confirmed"),
    "st_false_positive": ("väärä hälytys", "falskt larm", "false positive"),
    # cases
    "case_person": ("Henkilö", "Person", "Person"),
    "case_intro": ("Tapaus kokoaa yhden työntekijän havainnot ja poikkeavat päivät yhdeksi kokonaisuudeksi.",
                   "Ett ärende samlar en arbetstagares observationer och avvikande dagar till en helhet.",
                   "A case gathers one staff member's findings and unusual days into one whole."),
    "case_findings": ("Tapauksen havainnot", "Ärendets observationer", "Findings of the case"),
    "case_days": ("Poikkeavat päivät", "Avvikande dagar", "Unusual days"),
    "case_timeline": ("Tapauksen aikajana", "Ärendets tidslinje", "Timeline of the case"),
    "case_history": ("Tapauksen käsittelyhistoria", "Ärendets hanteringshistorik", "History of the case"),
    "case_export": ("Muodosta todistepaketti (PDF ja CSV)", "Skapa bevispaket (PDF och CSV)",
                    "Build the evidence pack (PDF and CSV)"),
    "case_set_all": ("Aseta kaikille tapauksen avoimille havainnoille", "Tillämpa på ärendets alla öppna observationer",
                     "Apply to every open finding of the case"),
    "case_none": ("Ei tapauksia: kenelläkään ei ole havaintoja tai poikkeavia päiviä.",
                  "Inga ärenden: ingen har observationer eller avvikande dagar.",
                  "No cases: nobody has findings or unusual days."),
    "sha256": ("CSV-tiedoston SHA-256-tiiviste", "CSV-filens SHA-256-kontrollsumma", "SHA-256 of the CSV file"),
    "download_csv": ("Lataa CSV", "Ladda ner CSV", "Download CSV"),
    # timelines
    "staff": ("Työntekijä", "Arbetstagare", "Staff member"),
    "search_staff": ("Hae nimellä, nimikkeellä, yksiköllä tai numerolla", "Sök med namn, titel, enhet eller nummer",
                     "Search by name, title, unit or number"),
    "client_id": ("Asiakkaan tunniste (henkilötunnus)", "Klientens id (personbeteckning)",
                  "Client id (personal identity code)"),
    "from": ("Alkaen", "Från", "From"),
    "to": ("Päättyen", "Till", "To"),
    "show": ("Näytä", "Visa", "Show"),
    "accesses": ("Käyttökerrat", "Användningar", "Accesses"),
    "timeline_hint": (("Punainen risti = havainto, oranssi kolmio = ei perustetta, harmaa piste = peruste löytyi; "
                      "palkit ovat osallisuus- ja luvitusjaksoja."),
                      ("Rött kryss = observation, orange triangel = ingen grund, grå punkt = grund finns; "
                      "staplarna är perioder av delaktighet och tillstånd."),
                      ("Red cross = finding, orange triangle = no basis, grey dot = basis found; "
                      "bars are involvement and authorisation periods.")),
    "aggregated": (("Jaksolla on {total} käyttöä: kuvassa määrät {bin} kohden. Rajaa jakso lyhyemmäksi "
                   "(enintään {n} käyttöä) nähdäksesi jokaisen käytön asiakkaittain."),
                   ("Perioden har {total} användningar: bilden visar antal per {bin}. Korta perioden "
                   "(högst {n} användningar) för att se varje användning per klient."),
                   ("The period holds {total} accesses: the chart shows counts per {bin}. Narrow the period "
                   "(at most {n} accesses) to see each access per client.")),
    "bin_day": ("päivä", "dag", "day"),
    "bin_hour": ("tunti", "timme", "hour"),
    "lanes_capped": ("Kuvassa {n} eniten käytettyä riviä {total}:sta; taulukossa kaikki.",
                     "Bilden visar de {n} mest använda raderna av {total}; tabellen visar alla.",
                     "The chart shows the {n} busiest rows of {total}; the table lists all."),
    "client_header": ("Asiakas", "Klient", "Client"),
    "client_ref": ("asiakas", "klient", "client"),
    "protected": ("turvakielto", "spärrmarkering", "security prohibition"),
    "placement_secret": ("sijaintipaikka salattu", "placeringsort hemlig", "placement secret"),
    "deceased": ("kuollut", "avliden", "deceased"),
    "no_flags": ("ei suojamerkintöjä", "inga skyddsmarkeringar", "no protection flags"),
    "window": ("Ikkuna", "Fönster", "Window"),
    # anomalies
    "anomaly_rank": ("Poikkeavimmat käyttäjäpäivät", "Mest avvikande användardagar", "Most unusual user-days"),
    "explanation": ("Selitys", "Förklaring", "Explanation"),
    "open_timeline": ("Avaa aikajana", "Öppna tidslinje", "Open timeline"),
    "flagged": ("merkitty poikkeavaksi", "flaggad som avvikande", "flagged as unusual"),
    "no_scores": ("Poikkeamamallia ei ole vielä ajettu (lokivahti score).",
                  "Avvikelsemodellen har inte körts ännu (lokivahti score).",
                  "The anomaly model has not run yet (lokivahti score)."),
    # provider
    "provider": ("Palveluntuottaja", "Tjänsteproducent", "Provider"),
    "provider_staff": ("Tuottajan henkilöstö", "Producentens personal", "The provider's staff"),
    "provider_clients": ("Asiakkaat ja luvitusjaksot", "Klienter och tillståndsperioder",
                         "Clients and authorisation periods"),
    "outside_auth": ("Käytöt luvituksen ulkopuolella", "Användning utanför tillståndet",
                     "Accesses outside the authorisation"),
    "return_duties": ("Asiakirjojen palautus tai poisto (päättyneet ja alkamatta jääneet luvitukset)",
                      "Återlämnande eller radering av handlingar (avslutade och aldrig påbörjade tillstånd)",
                      "Return or deletion of documents (ended and never-started authorisations)"),
    "confirm_return": ("Kirjaa palautus tai poisto vahvistetuksi", "Registrera återlämnandet eller raderingen som bekräftat",
                       "Record the return or deletion as confirmed"),
    "confirmed_on": ("Vahvistettu", "Bekräftat", "Confirmed on"),
    "export_pack": ("Muodosta selvityspaketti (PDF, CSV, XLSX)", "Skapa utredningspaket (PDF, CSV, XLSX)",
                    "Build the investigation pack (PDF, CSV, XLSX)"),
    "no_providers": ("Ei yksityisiä palveluntuottajia viitetiedoissa.",
                     "Inga privata tjänsteproducenter i referensuppgifterna.",
                     "No private providers in the reference data."),
    # report
    "month": ("Kuukausi", "Månad", "Month"),
    "make_report": ("Muodosta raportti", "Skapa rapporten", "Build the report"),
    "download_pdf": ("Lataa PDF", "Ladda ner PDF", "Download PDF"),
    "report_intro": (("Kuukausittainen lokivalvontaraportti tietosuojavastaavan arkistoon. Kuukausiluettelossa "
                     "ovat kuukaudet, joilta on tapahtumia."),
                     ("Den månatliga loggövervakningsrapporten för dataskyddsombudets arkiv. Listan visar "
                     "månaderna med händelser."),
                     ("The monthly log-monitoring report for the DPO's records. The list holds the months "
                     "with events.")),
    "reviewed_share": ("Käsitelty osuus", "Andel behandlade", "Reviewed share"),
    "no_months": ("Tietovarastossa ei ole tapahtumia.", "Datalagret har inga händelser.", "The store holds no events."),
    # requests
    "requests_register": ("Selvityspyyntöjen rekisteri", "Register över begäranden", "Register of requests"),
    "overdue": ("myöhässä", "försenad", "overdue"),
    "soon_due": ("erääntyy pian", "förfaller snart", "soon due"),
    "disclosure_unavailable": ("Vastausten muodostus (pipelines.disclosure) ei ole vielä käytettävissä.",
                               "Svar (pipelines.disclosure) kan ännu inte skapas.",
                               "Answering requests (pipelines.disclosure) is not yet available."),
    "answer_request": ("Vastaa pyyntöön", "Besvara begäran", "Answer a request"),
    "request": ("Pyyntö", "Begäran", "Request"),
    "new_request": ("Kirjaa uusi pyyntö", "Registrera en ny begäran", "Register a new request"),
    "relation": ("Pyytäjä on", "Begäran görs av", "The requester is"),
    "rel_self": ("asiakas itse", "klienten själv", "the client"),
    "rel_guardian": ("huoltaja", "vårdnadshavare", "a guardian"),
    "rel_representative": ("valtuutettu edustaja", "befullmäktigad företrädare", "an authorised representative"),
    "requester": ("Pyytäjän nimi", "Namn på den som begär", "Requester's name"),
    "special_reason": ("Erityinen syy yli kahden vuoden lokeille", "Särskilt skäl för loggar äldre än två år",
                       "Special reason for logs over two years old"),
    "register": ("Kirjaa", "Registrera", "Register"),
    "registered": ("Kirjattu", "Registrerad", "Registered"),
    "due": ("määräaika", "förfallodag", "due"),
    "decision": ("Ratkaisu", "Beslut", "Decision"),
    "export_answer": ("Muodosta vastaus (kirje PDF, CSV, XLSX)", "Skapa svaret (brev PDF, CSV, XLSX)",
                      "Build the answer (letter PDF, CSV, XLSX)"),
    "no_requests": ("Ei pyyntöjä.", "Inga begäranden.", "No requests."),
}


def lang() -> str:
    return st.session_state.get("lang", "fi")


def t(key: str, **fmt) -> str:
    """The UI text for key in the chosen language (the key itself when missing)."""
    entry = TEXT.get(key)
    text = entry[LANGS.index(lang())] if entry else key
    return text.format(**fmt) if fmt else text


def streamlit_words(code: str) -> dict:
    """What the page's replacer needs for `code`: {"text": {English: word}} (empty for English)."""
    if code not in ("fi", "sv"):
        return {}
    i = ("fi", "sv").index(code)
    return {"text": {en: pair[i] for en, pair in STREAMLIT_TEXT.items()}}


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
    """A frame as people read it in the chosen language: codes in words, dates d.m.yyyy (open ends as
    'voimassa'), no 'None', translated column headers."""
    return labels.display_frame(df, lang())


def status_label(status: str) -> str:
    return t(f"st_{status}")


def value_label(code) -> str:
    return labels.value_label(code, lang())


def date_text(d, *, end: bool = False) -> str:
    return labels.date_text(d, lang(), end=end)
