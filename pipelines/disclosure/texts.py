"""Every word the client reads, in Finnish, Swedish and English.

The answer goes to a client, a guardian or a representative, not to an auditor: basis codes, actions and
review states become plain words here, in one place, so that the three languages stay in step (a test
checks that every key has all three). `t(key, lang, **values)` fills `{placeholders}`.
"""

from __future__ import annotations

from functools import lru_cache

from ..checks.explanations import basis_texts

LANGS = ("fi", "sv", "en")

# Action of an event -> what was done, in plain words.
ACTIONS: dict[str, dict[str, str]] = {
    "read": {"fi": "katsoi tietoja", "sv": "läste uppgifter", "en": "viewed the data"},
    "search": {"fi": "haki tietoja", "sv": "sökte uppgifter", "en": "searched for the data"},
    "create": {"fi": "kirjasi uusia tietoja", "sv": "registrerade nya uppgifter", "en": "recorded new data"},
    "update": {"fi": "muutti tietoja", "sv": "ändrade uppgifter", "en": "changed the data"},
    "delete": {"fi": "poisti tietoja", "sv": "raderade uppgifter", "en": "deleted data"},
    "print": {"fi": "tulosti tietoja", "sv": "skrev ut uppgifter", "en": "printed the data"},
    "export": {"fi": "siirsi tietoja tiedostoon", "sv": "exporterade uppgifter", "en": "exported the data"},
    "disclose": {"fi": "luovutti tietoja", "sv": "lämnade ut uppgifter", "en": "disclosed the data"},
    "other": {"fi": "muu käsittely", "sv": "annan behandling", "en": "other processing"},
}

# The basis of a use in plain words has ONE copy: the chk_basis_texts table of sql/checks/explanations.sql,
# beside the SQL that chooses the basis (the dashboard reads it there too). basis_text() reads it once.
DISCLOSURE_BASES = ("statutory_right", "own_provider", "disclosure_permission")
PURPOSES = ("client_relationship", "other_task", "statutory_right", "emergency", "supervision")


@lru_cache(maxsize=1)
def _basis_table() -> dict[str, dict[str, str]]:
    return {r["basis"]: {"fi": r["text_fi"], "sv": r["text_sv"], "en": r["text_en"]}
            for r in basis_texts().iter_rows(named=True)}


def bases() -> tuple[str, ...]:
    """Every basis the checks can give, in the order of explanations.sql."""
    return tuple(_basis_table())


def basis_text(basis: str, lang: str) -> str:
    """The plain-language text of one explanation basis (the code itself if the checks gained a new one)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (fi, sv or en)")
    return _basis_table().get(basis, {}).get(lang, basis)


# Review state of an event that is in a finding (or has no explanation at all).
REVIEW: dict[str, dict[str, str]] = {
    "under_review": {"fi": "selvitettävänä", "sv": "under utredning", "en": "under review"},
    "explained": {"fi": "selvitetty: käytölle oli peruste", "sv": "utredd: behandlingen hade grund",
                  "en": "reviewed: the use had a basis"},
    "false_positive": {"fi": "selvitetty: käyttö oli asianmukaista", "sv": "utredd: behandlingen var korrekt",
                       "en": "reviewed: the use was appropriate"},
    "violation_confirmed": {"fi": "selvitetty: käytölle ei ollut perustetta", "sv": "utredd: behandlingen saknade grund",
                            "en": "reviewed: the use had no basis"},
}

TEXT: dict[str, dict[str, str]] = {
    # column headers of the event list
    "col_time": {"fi": "Aika", "sv": "Tid", "en": "Time"},
    "col_organisation": {"fi": "Organisaatio", "sv": "Organisation", "en": "Organisation"},
    "col_unit": {"fi": "Yksikkö", "sv": "Enhet", "en": "Unit"},
    "col_worker": {"fi": "Käyttäjä", "sv": "Användare", "en": "User"},
    "col_title": {"fi": "Tehtävänimike", "sv": "Titel", "en": "Title"},
    "col_action": {"fi": "Toimenpide", "sv": "Åtgärd", "en": "Action"},
    "col_data": {"fi": "Tiedot", "sv": "Uppgifter", "en": "Data"},
    "col_recipient": {"fi": "Vastaanottaja", "sv": "Mottagare", "en": "Recipient"},
    "col_system": {"fi": "Tietojärjestelmä", "sv": "Datasystem", "en": "System"},
    "col_basis": {"fi": "Peruste", "sv": "Grund", "en": "Basis"},
    "neutral_service": {"fi": "hyvinvointialueen lastensuojelu", "sv": "välfärdsområdets barnskydd",
                        "en": "the county's child welfare service"},
    "account": {"fi": "käyttäjätunnus {account}", "sv": "användarnamn {account}", "en": "user account {account}"},
    "failed": {"fi": " (epäonnistui)", "sv": " (misslyckades)", "en": " (failed)"},
    # the letter
    "letter_title": {"fi": "Selvitys asiakastietojen käytöstä ja luovutuksista",
                     "sv": "Redogörelse för användning och utlämnande av klientuppgifter",
                     "en": "Account of the use and disclosure of client data"},
    "request_line": {"fi": "Pyyntö {request_id}, vastaanotettu {received}. Asiakas {client}. Ajanjakso {start}–{end}.",
                     "sv": "Begäran {request_id}, mottagen {received}. Klient {client}. Period {start}–{end}.",
                     "en": "Request {request_id}, received {received}. Client {client}. Period {start}–{end}."},
    "legal_basis": {
        "fi": "Asiakastietolain (703/2023) 11 §:n mukaan asiakkaalla on oikeus saada tieto siitä, kuka on käyttänyt "
              "tai kenelle on luovutettu häntä koskevia tietoja sekä mikä on ollut käytön tai luovutuksen peruste.",
        "sv": "Enligt 11 § i lagen om behandling av klientuppgifter inom social- och hälsovården (703/2023) har "
              "klienten rätt att få veta vem som har använt eller fått uppgifter om honom eller henne och vilken "
              "grunden för användningen eller utlämnandet har varit.",
        "en": "Under section 11 of the Act on the Processing of Client Data in Healthcare and Social Welfare "
              "(703/2023) a client has the right to know who has used or received data about them and on what "
              "basis the data was used or disclosed."},
    "summary": {"fi": "Ajanjaksolla tietojasi käsiteltiin {n} kertaa. Luettelo on liitteenä (CSV ja XLSX).",
                "sv": "Under perioden behandlades dina uppgifter {n} gånger. Förteckningen bifogas (CSV och XLSX).",
                "en": "In the period your data was processed {n} times. The list is attached (CSV and XLSX)."},
    "first_rows": {"fi": "Käyttökerrat", "sv": "Användningstillfällen", "en": "Uses and disclosures"},
    "more_rows": {"fi": "… ja {n} muuta käyttökertaa liitteessä.", "sv": "… och {n} till i bilagan.",
                  "en": "… and {n} more in the attachment."},
    "restriction": {
        "fi": "Lokitietoja saa käyttää vain omien oikeuksien selvittämiseen ja toteuttamiseen.",
        "sv": "Logguppgifterna får användas endast för att utreda och tillvarata dina egna rättigheter.",
        "en": "The log data may be used only to establish and exercise your own rights."},
    "complaint": {
        "fi": "Jos katsot, että tietojasi on käsitelty lainvastaisesti, voit tehdä valituksen tietosuojavaltuutetulle "
              "(Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki, tietosuoja.fi).",
        "sv": "Om du anser att dina uppgifter har behandlats lagstridigt kan du klaga hos dataombudsmannen "
              "(Dataombudsmannens byrå, PB 800, 00531 Helsingfors, tietosuoja.fi).",
        "en": "If you consider that your data has been processed unlawfully, you may lodge a complaint with the "
              "Data Protection Ombudsman (Office of the Data Protection Ombudsman, P.O. Box 800, 00531 Helsinki, "
              "tietosuoja.fi)."},
    "redacted_note": {
        "fi": "Lapsen olinpaikka on salattu lastensuojelulain (417/2007) 62 §:n 3 momentin nojalla tehdyllä "
              "päätöksellä; sijaintia ilmaisevat tiedot on korvattu merkinnällä \"hyvinvointialueen lastensuojelu\".",
        "sv": "Barnets vistelseort är sekretessbelagd genom beslut enligt 62 § 3 mom. i barnskyddslagen (417/2007); "
              "uppgifter som röjer vistelseorten har ersatts med \"välfärdsområdets barnskydd\".",
        "en": "The child's whereabouts are withheld by a decision under the Child Welfare Act (417/2007) "
              "section 62(3); anything that could reveal them is replaced by \"the county's child welfare service\"."},
    "repeated_note": {
        "fi": "Tämä on toistuva pyyntö (aiempi pyyntö {previous}); toistuvasta pyynnöstä voidaan periä maksu "
              "(703/2023 11 § 3 mom).",
        "sv": "Detta är en upprepad begäran (tidigare begäran {previous}); för en upprepad begäran kan en avgift tas "
              "ut (703/2023 11 § 3 mom.).",
        "en": "This is a repeated request (earlier request {previous}); a repeated request may be charged for "
              "(703/2023 section 11(3))."},
    "handler_line": {"fi": "Käsittelijä: {handler}. Päivämäärä {today}.", "sv": "Handläggare: {handler}. Datum {today}.",
                     "en": "Handled by {handler}. Date {today}."},
    # the written decision (kirjallinen päätös)
    "decision_title": {"fi": "Päätös lokitietopyyntöön", "sv": "Beslut om begäran om logguppgifter",
                       "en": "Decision on a request for log data"},
    "decision_refused_all": {"fi": "Pyyntöön ei voida vastata luovuttamalla lokitietoja.",
                             "sv": "Logguppgifterna lämnas inte ut.",
                             "en": "The log data will not be released."},
    "decision_refused_part": {
        "fi": "Lokitietoja ajalta {start}–{end} ei luovuteta: ne ovat yli {years} vuotta vanhoja eikä pyynnölle ole "
              "esitetty erityistä syytä (703/2023 11 § 2 mom).",
        "sv": "Logguppgifter för tiden {start}–{end} lämnas inte ut: de är äldre än {years} år och inget särskilt skäl "
              "har angetts (703/2023 11 § 2 mom.).",
        "en": "Log data for {start}–{end} is not released: it is older than {years} years and no special reason was "
              "given (703/2023 section 11(2))."},
    "appeal": {
        "fi": "Muutoksenhaku: Voit saattaa asian tietosuojavaltuutetun käsiteltäväksi (703/2023 11 § 4 mom; "
              "tietosuoja.fi, PL 800, 00531 Helsinki).",
        "sv": "Ändringssökande: Du kan föra ärendet till dataombudsmannen (703/2023 11 § 4 mom.; tietosuoja.fi, "
              "PB 800, 00531 Helsingfors).",
        "en": "Appeal: you may take the matter to the Data Protection Ombudsman (703/2023 section 11(4); "
              "tietosuoja.fi, P.O. Box 800, 00531 Helsinki)."},
    # reasons for holding or refusing
    "reason_prohibits_guardians": {
        "fi": "Alaikäinen on kieltänyt tietojensa antamisen huoltajalle (812/2000 11 § 3 mom); ammattihenkilön on "
              "arvioitava, onko kielto selvästi lapsen edun vastainen.",
        "sv": "Den minderåriga har förbjudit att uppgifterna lämnas till vårdnadshavaren (812/2000 11 § 3 mom.); en "
              "yrkesperson ska bedöma om förbudet klart strider mot barnets intresse.",
        "en": "The minor has forbidden disclosure to the guardian (812/2000 section 11(3)); a professional must "
              "decide whether that is clearly against the minor's interest."},
    "reason_deceased": {
        "fi": "Asiakas on kuollut; kuolleen henkilön lokitietoja ei luovuteta ilman erillistä harkintaa.",
        "sv": "Klienten har avlidit; en avliden persons logguppgifter lämnas inte ut utan särskild prövning.",
        "en": "The client has died; a deceased person's log data is not released without a separate decision."},
    "reason_unknown_client": {
        "fi": "Asiakasta ei löydy asiakasrekisteristä; henkilöllisyys on tarkistettava.",
        "sv": "Klienten finns inte i klientregistret; identiteten ska kontrolleras.",
        "en": "The client is not in the client register; the identity must be checked."},
    "reason_too_old": {
        "fi": "Koko pyydetty ajanjakso on yli {years} vuotta vanha eikä erityistä syytä ole esitetty.",
        "sv": "Hela perioden är äldre än {years} år och inget särskilt skäl har angetts.",
        "en": "The whole period is older than {years} years and no special reason was given."},
    "reason_professional_refused": {
        "fi": "Ammattihenkilö ({by}) on päättänyt, ettei tietoja luovuteta: {reason}",
        "sv": "En yrkesperson ({by}) har beslutat att uppgifterna inte lämnas ut: {reason}",
        "en": "A professional ({by}) has decided that the data is not released: {reason}"},
    "professional_release_line": {
        "fi": "Ammattihenkilö ({by}) on päättänyt, että tiedot annetaan: {reason}",
        "sv": "En yrkesperson ({by}) har beslutat att uppgifterna lämnas ut: {reason}",
        "en": "A professional ({by}) has decided that the data is released: {reason}"},
    "special_reason_line": {"fi": "Yli {years} vuotta vanhat tiedot luovutetaan erityisestä syystä: {reason}",
                            "sv": "Uppgifter äldre än {years} år lämnas ut av särskilt skäl: {reason}",
                            "en": "Data older than {years} years is released for a special reason: {reason}"},
    # the basis column, beyond the checks' explanations
    "basis_own_answer": {"fi": "vastaus asiakkaan lokitietopyyntöön (703/2023 11 §)",
                         "sv": "svar på klientens begäran om logguppgifter (703/2023 11 §)",
                         "en": "answer to the client's request for log data (703/2023 section 11)"},
    "basis_disclosure_logged": {"fi": "luovutuksen peruste lokin mukaan: {basis}",
                                "sv": "grund för utlämnandet enligt loggen: {basis}",
                                "en": "basis of the disclosure as logged: {basis}"},
    "basis_disclosure_not_logged": {"fi": "luovutuksen perustetta ei ole kirjattu lokiin; asia selvitetään",
                                    "sv": "grunden för utlämnandet finns inte i loggen; saken utreds",
                                    "en": "the log does not record the basis of the disclosure; it is being looked into"},
    "basis_purpose_logged": {"fi": "käyttötarkoitus lokin mukaan: {purpose}",
                             "sv": "ändamål enligt loggen: {purpose}",
                             "en": "purpose as logged: {purpose}"},
    "basis_not_logged": {"fi": "käyttötarkoitusta ei ole kirjattu lokiin", "sv": "ändamålet finns inte i loggen",
                         "en": "the log does not record the purpose"},
    "purpose_client_relationship": {"fi": "asiakassuhde", "sv": "klientförhållande", "en": "client relationship"},
    "purpose_other_task": {"fi": "muu työtehtävä", "sv": "annan arbetsuppgift", "en": "another work task"},
    "purpose_statutory_right": {"fi": "lakisääteinen tiedonsaantioikeus", "sv": "lagstadgad rätt att få uppgifter",
                                "en": "statutory right to information"},
    "purpose_emergency": {"fi": "hätätilanne", "sv": "nödsituation", "en": "emergency"},
    "purpose_supervision": {"fi": "valvonta", "sv": "tillsyn", "en": "supervision"},
    # holding for the handler: secret whereabouts
    "reason_whereabouts_ended": {
        "fi": "Lapsen olinpaikan salaamista koskeva päätös (lastensuojelulaki 417/2007 62 § 3 mom) on päättynyt, "
              "mutta se koski osaa pyydetystä ajanjaksosta; käsittelijän on päätettävä, mitä voidaan antaa.",
        "sv": "Beslutet om att hemlighålla barnets vistelseort (barnskyddslagen 417/2007 62 § 3 mom.) har upphört "
              "men gällde en del av perioden; handläggaren ska besluta vad som kan lämnas ut.",
        "en": "A decision withholding the child's whereabouts (Child Welfare Act 417/2007 section 62(3)) has ended "
              "but covered part of the period; the handler must decide what may be released."},
    "reason_whereabouts_unknown_end": {
        "fi": "Lapsen olinpaikka on salattu päätöksellä (lastensuojelulaki 417/2007 62 § 3 mom), jonka "
              "päättymispäivä ei ole tiedossa; käsittelijän on tarkistettava päätös ennen vastaamista.",
        "sv": "Barnets vistelseort är sekretessbelagd genom beslut (barnskyddslagen 417/2007 62 § 3 mom.) vars "
              "slutdag är okänd; handläggaren ska kontrollera beslutet innan svaret ges.",
        "en": "The child's whereabouts are withheld by a decision (Child Welfare Act 417/2007 section 62(3)) whose "
              "end date is unknown; the handler must check the decision before answering."},
    # refusal grounds (grounds.py), as the written decision states them
    "ground_serious_danger": {
        "fi": "Tiedon antamisesta voisi aiheutua vakavaa vaaraa asiakkaan terveydelle tai hoidolle (703/2023 11 § 2 mom).",
        "sv": "Uppgifterna kunde allvarligt äventyra klientens hälsa eller vård (703/2023 11 § 2 mom.).",
        "en": "Releasing the data could seriously endanger the client's health or care (703/2023 section 11(2))."},
    "ground_others_rights": {
        "fi": "Tiedon antamisesta voisi aiheutua vakavaa vaaraa jonkun muun oikeuksille (703/2023 11 § 2 mom).",
        "sv": "Uppgifterna kunde allvarligt äventyra någon annans rättigheter (703/2023 11 § 2 mom.).",
        "en": "Releasing the data could seriously endanger someone else's rights (703/2023 section 11(2))."},
    "ground_crime_investigation": {
        "fi": "Tiedon antaminen voisi vaarantaa rikosten ennalta estämisen tai selvittämisen (703/2023 11 § 2 mom).",
        "sv": "Uppgifterna kunde äventyra förebyggande eller utredning av brott (703/2023 11 § 2 mom.).",
        "en": "Releasing the data could endanger the prevention or investigation of crime (703/2023 section 11(2))."},
    "ground_older_than_two_years": {
        "fi": "Yli kaksi vuotta vanhoja lokitietoja annetaan vain erityisestä syystä (703/2023 11 § 2 mom).",
        "sv": "Logguppgifter äldre än två år lämnas ut endast av särskilt skäl (703/2023 11 § 2 mom.).",
        "en": "Log data older than two years is released only for a special reason (703/2023 section 11(2))."},
    "ground_minor_prohibition": {
        "fi": "Alaikäinen on painavasta syystä kieltänyt tietojensa antamisen lailliselle edustajalleen "
              "(812/2000 11 § 3 mom).",
        "sv": "Den minderåriga har av vägande skäl förbjudit att uppgifterna lämnas till den lagliga företrädaren "
              "(812/2000 11 § 3 mom.).",
        "en": "The minor has, for a weighty reason, forbidden disclosure to their legal representative "
              "(812/2000 section 11(3))."},
    "ground_secret_whereabouts": {
        "fi": "Lapsen olinpaikka on salattu (lastensuojelulaki 417/2007 62 § 3 mom); olinpaikan paljastavia "
              "tietoja ei anneta.",
        "sv": "Barnets vistelseort är sekretessbelagd (barnskyddslagen 417/2007 62 § 3 mom.); uppgifter som "
              "röjer den lämnas inte ut.",
        "en": "The child's whereabouts are withheld (Child Welfare Act 417/2007 section 62(3)); data that would "
              "reveal them is not released."},
    "ground_deceased": {
        "fi": "Oikeus lokitietoihin on asiakkaalla itsellään; kuolleen henkilön lokitietoja ei anneta.",
        "sv": "Rätten till logguppgifterna tillhör klienten själv; en avliden persons logguppgifter lämnas inte ut.",
        "en": "The right to the log data is the client's own; a deceased person's log data is not released."},
    "ground_not_entitled": {
        "fi": "Pyytäjä ei ole osoittanut oikeuttaan toimia asiakkaan puolesta.",
        "sv": "Den som begär uppgifterna har inte visat sin rätt att företräda klienten.",
        "en": "The requester has not shown the right to act for the client."},
    "ground_manifestly_unfounded": {
        "fi": "Pyyntö on ilmeisen perusteeton tai kohtuuton, erityisesti toistuvuutensa vuoksi "
              "(EU:n tietosuoja-asetus 12 artiklan 5 kohta).",
        "sv": "Begäran är uppenbart ogrundad eller orimlig, särskilt på grund av sin repetitiva karaktär "
              "(dataskyddsförordningen artikel 12.5).",
        "en": "The request is manifestly unfounded or excessive, in particular because of its repetitive "
              "character (GDPR Article 12(5))."},
    "ground_other_statutory": {
        "fi": "Muu lakiin perustuva syy (säännös mainitaan perusteluissa).",
        "sv": "Annat lagstadgat skäl (bestämmelsen anges i motiveringen).",
        "en": "Another ground in law (the provision is named in the reasoning)."},
    "reasoning_line": {"fi": "Perustelut: {reason}", "sv": "Motivering: {reason}", "en": "Reasoning: {reason}"},
    "decided_by_line": {"fi": "Päätöksen tehnyt: {by}", "sv": "Beslutet fattat av: {by}", "en": "Decided by: {by}"},
    "decision_withheld_rows": {
        "fi": "{n} käyttökertaa on jätetty pois vastauksesta.",
        "sv": "{n} användningstillfällen har utelämnats ur svaret.",
        "en": "{n} entries have been left out of the answer."},
    "decision_narrowed": {
        "fi": "Tiedot annetaan ajalta {start}–{end}; muulta pyydetyltä ajalta niitä ei anneta.",
        "sv": "Uppgifterna lämnas ut för tiden {start}–{end}; för den övriga perioden lämnas de inte ut.",
        "en": "Data is released for {start}–{end}; for the rest of the period asked it is not released."},
    "fee_line": {
        "fi": "Pyynnöstä peritään maksu {fee} (703/2023 11 § 3 mom; tietosuoja-asetus 12 art. 5 kohta).",
        "sv": "För begäran tas en avgift på {fee} ut (703/2023 11 § 3 mom.; dataskyddsförordningen art. 12.5).",
        "en": "A fee of {fee} is charged for the request (703/2023 section 11(3); GDPR Article 12(5))."},
    # the letter's blocks
    "controller_line": {"fi": "Rekisterinpitäjä: {name}", "sv": "Personuppgiftsansvarig: {name}",
                        "en": "Controller: {name}"},
    "dpo_line": {"fi": "Tietosuojavastaava: {contact}", "sv": "Dataskyddsombud: {contact}",
                 "en": "Data protection officer: {contact}"},
    "recipient_title": {"fi": "Vastaanottaja", "sv": "Mottagare", "en": "To"},
    "relation_self": {"fi": "asiakas itse", "sv": "klienten själv", "en": "the client"},
    "relation_guardian": {"fi": "huoltaja", "sv": "vårdnadshavare", "en": "guardian"},
    "relation_representative": {"fi": "valtuutettu edustaja", "sv": "befullmäktigad företrädare",
                                "en": "authorised representative"},
    "verified_line": {"fi": "Henkilöllisyys tarkistettu: {how}.", "sv": "Identiteten kontrollerad: {how}.",
                      "en": "Identity verified: {how}."},
    "right_to_act_line": {"fi": "Oikeus toimia asiakkaan puolesta: {how}.",
                          "sv": "Rätt att företräda klienten: {how}.", "en": "Right to act for the client: {how}."},
    "verify_in_person": {"fi": "henkilökohtaisesti", "sv": "personligen", "en": "in person"},
    "verify_strong_eid": {"fi": "vahva sähköinen tunnistus", "sv": "stark elektronisk identifiering",
                          "en": "strong electronic identification"},
    "verify_suomi_fi_mandate": {"fi": "suomi.fi-valtuus", "sv": "suomi.fi-fullmakt", "en": "a suomi.fi mandate"},
    "verify_signed_letter": {"fi": "allekirjoitettu kirje", "sv": "undertecknat brev", "en": "a signed letter"},
    # the interim letter of a request that waits for a decision
    "interim_title": {"fi": "Välitiedote lokitietopyyntönne käsittelystä",
                      "sv": "Mellanbesked om behandlingen av er begäran om logguppgifter",
                      "en": "Interim notice on your request for log data"},
    "interim_body": {
        "fi": "Pyyntönne on vastaanotettu {received}. Vastaus annetaan viimeistään {due} (703/2023 11 §). "
              "Pyyntö edellyttää erillistä harkintaa ennen kuin tietoja voidaan antaa.",
        "sv": "Er begäran mottogs {received}. Svaret ges senast {due} (703/2023 11 §). Begäran kräver särskild "
              "prövning innan uppgifter kan lämnas ut.",
        "en": "Your request was received on {received}. You will be answered by {due} at the latest (703/2023 "
              "section 11). The request needs a separate decision before data can be released."},
    # the county's reasoned view (11 § 5 mom)
    "view_title": {"fi": "Hyvinvointialueen perusteltu näkemys käsittelyn lainmukaisuudesta",
                   "sv": "Välfärdsområdets motiverade bedömning av behandlingens laglighet",
                   "en": "The county's reasoned view on whether the processing was lawful"},
    "view_counts": {
        "fi": "{n} käyttökerrasta {explained} perustui asiakassuhteeseen tai muuhun perusteeseen; {flagged} "
              "tarkastettiin lokivalvonnassa erikseen.",
        "sv": "Av {n} användningstillfällen hade {explained} en grund i klientförhållandet eller annan grund; {flagged} "
              "granskades särskilt i loggövervakningen.",
        "en": "Of {n} uses, {explained} rested on a client relationship or another basis; {flagged} were examined "
              "separately in log monitoring."},
    "view_violation": {
        "fi": "{n} käyttökerralle ei ollut perustetta; käsittely oli näiltä osin lainvastaista ja asia on "
              "käsitelty työnantajan toimin.",
        "sv": "{n} användningstillfällen saknade grund; behandlingen var i dessa delar lagstridig och "
              "arbetsgivaren har vidtagit åtgärder.",
        "en": "{n} uses had no basis; to that extent the processing was unlawful and the employer has acted on it."},
    "view_open": {
        "fi": "{n} käyttökertaa on vielä selvitettävänä; annamme näkemyksemme niistä selvityksen valmistuttua.",
        "sv": "{n} användningstillfällen utreds ännu; vi ger vår bedömning när utredningen är klar.",
        "en": "{n} uses are still under review; we will give our view on them when the review is complete."},
    "view_cleared": {
        "fi": "{n} erikseen tarkastetulle käyttökerralle löytyi peruste.",
        "sv": "För {n} särskilt granskade användningstillfällen fanns en grund.",
        "en": "{n} separately examined uses were found to have a basis."},
    "view_unexamined": {
        "fi": "{n} käyttökerralle ei lokivalvonnassa vielä löytynyt perustetta eikä sitä ole otettu selvitettäväksi; "
              "käyttötarkoitus on ilmoitettu lokin mukaan.",
        "sv": "För {n} användningstillfällen har loggövervakningen ännu inte funnit någon grund och de utreds inte; "
              "ändamålet anges enligt loggen.",
        "en": "For {n} uses log monitoring has not yet found a basis and they are not under review; the purpose "
              "is given as logged."},
    "view_lawful": {
        "fi": "Emme ole havainneet lainvastaista käsittelyä.",
        "sv": "Vi har inte funnit lagstridig behandling.",
        "en": "We have found no unlawful processing."},
}


def t(key: str, lang: str, **values) -> str:
    """The text of `key` in `lang` (fi, sv or en) with its placeholders filled."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (fi, sv or en)")
    for table in (TEXT, ACTIONS, REVIEW):
        if key in table:
            return table[key][lang].format(**values) if values else table[key][lang]
    raise KeyError(key)


def finnish_date(d) -> str:
    """d.m.yyyy, the form used in Finnish (and Finland-Swedish) letters; ISO for English would confuse no one."""
    return f"{d.day}.{d.month}.{d.year}"

SERVICE_TASKS: dict[str, dict[str, str]] = {
    "child_welfare": {"fi": "lastensuojelu", "sv": "barnskydd", "en": "child welfare"},
    "family_social_work": {"fi": "perhesosiaalityö", "sv": "familjesocialarbete", "en": "family social work"},
    "adult_social_work": {"fi": "aikuissosiaalityö", "sv": "vuxensocialarbete", "en": "adult social work"},
    "home_care": {"fi": "kotihoito", "sv": "hemvård", "en": "home care"},
    "placement": {"fi": "sijaishuolto", "sv": "vård utom hemmet", "en": "substitute care"},
}


def service_task_words(task: str | None, lang: str) -> str:
    if not task:
        return ""
    return SERVICE_TASKS.get(task, {}).get(lang, task)


def local_time_text(ts, lang: str) -> str:
    """Helsinki wall-clock time the Finnish way: 3.2.2026 klo 14.05 (sv `kl.`, en 14:05)."""
    if lang == "en":
        return f"{finnish_date(ts)} {ts:%H:%M}"
    return f"{finnish_date(ts)} {'klo' if lang == 'fi' else 'kl.'} {ts:%H.%M}"
