-- title: explanations of legitimate accesses: the basis of every access event that is in no finding
-- description: Steps run by pipelines/checks/runner.py after the findings are stored. The first basis that
--   applies wins, in the order of docs/rules.md §Explanations. Each event of the partition gets its basis in the
--   view chk_event_basis (over the narrow context, chk_ctx_rows, and chk_flagged_rows, the partition's events in a
--   finding); the view chk_explained keeps those with one, and the runner stores straight from it (a partition of
--   dates whole, sql/checks/_runner.sql `store_explanations`; one of account-days by what changed). The partition's
--   explained share is counted from chk_event_basis in one pass, instead of reading the explanations back from
--   the store, a count that reads no event id. chk_basis_texts holds the
--   plain-language text of each basis in Finnish, Swedish and English; request answers and the dashboard read it
--   from here.

-- step: basis_texts
CREATE OR REPLACE TEMP TABLE chk_basis_texts (basis VARCHAR, rank INTEGER, text_fi VARCHAR, text_sv VARCHAR, text_en VARCHAR);
INSERT INTO chk_basis_texts VALUES
    ('statutory_right', 1, 'Lakisääteinen tiedonsaantioikeus', 'Lagstadgad rätt att få uppgifter', 'Statutory right to information'),
    ('own_provider', 2, 'Luovutus hyvinvointialueen omalle ostopalvelun tuottajalle', 'Utlämnande till välfärdsområdets egen köptjänstproducent', 'Disclosure to the county''s own purchased-service provider'),
    ('disclosure_permission', 3, 'Asiakkaan luovutuslupa', 'Klientens utlämnandetillstånd', 'The client''s disclosure permission'),
    ('logged_legal_basis', 4, 'Luovutuslokiin kirjattu oikeusperuste', 'Rättslig grund som antecknats i utlämnandeloggen', 'Legal basis recorded in the disclosure log'),
    ('responsible_worker', 5, 'Asiakkaan vastuutyöntekijä', 'Klientens ansvariga arbetstagare', 'The client''s responsible worker'),
    ('work_pair', 6, 'Vastuutyöntekijän työpari', 'Den ansvariga arbetstagarens arbetspar', 'Work pair of the responsible worker'),
    ('unit', 7, 'Asiakkaan asiaa käsittelevä yksikkö', 'Enheten som handlägger klientens ärende', 'The unit handling the client''s matter'),
    ('referral', 8, 'Lähete sijoitus- tai palveluohjausyksikköön', 'Remiss till placerings- eller servicehandledningsenheten', 'Referral to the placement or service-guidance unit'),
    ('supervision_case', 9, 'Avoin valvonta-asia asiakasta palvelevasta palveluntuottajasta', 'Öppet tillsynsärende om tjänsteproducenten', 'Open supervision case about the provider serving the client'),
    ('provider_authorisation', 10, 'Palveluntuottaja on erikseen luvitettu asiakkaan palveluun', 'Tjänsteproducenten är särskilt auktoriserad för klientens tjänst', 'The provider is separately authorised for the client''s service'),
    ('framework_assessment', 11, 'Puitesopimuksen palveluntuottajan arvio palvelun sopivuudesta', 'Ramavtalsproducentens bedömning av tjänstens lämplighet', 'A framework-agreement provider assessing the service'),
    ('emergency_followed_up', 12, 'Hätäkäyttö, jota seurasi asiakkuus', 'Nödåtkomst som följdes av klientrelation', 'Emergency access followed by involvement'),
    ('role_without_involvement', 13, 'Tehtävä, jonka käyttöoikeus ei edellytä asiakkuutta', 'Uppgift vars behörighet inte kräver klientrelation', 'A task whose access right does not require involvement');

-- step: flagged
-- The events in a finding: a finding about the log's content (log_completeness) says nothing about whether the
-- access was lawful, and a model finding is a lead, not a verdict, so neither keeps an access from its explanation.
CREATE OR REPLACE TEMP TABLE chk_flagged AS
SELECT DISTINCT fe.source_system, fe.source_event_id FROM finding_events fe JOIN findings fi USING (finding_id)
WHERE fi.category NOT IN ('log_completeness', 'model');

-- step: flagged_rows
-- The partition's events among them, by row: the one comparison of event ids (read from the partition's events:
-- the context does not copy them); the explanations and the explained share below compare rows.
CREATE OR REPLACE TEMP TABLE chk_flagged_rows AS
SELECT e.event_row FROM chk_scope_events e
SEMI JOIN chk_flagged f ON f.source_system = e.source_system AND f.source_event_id = e.source_event_id;

-- step: explain
-- A disclosure between controllers is explained by what allows the disclosure (statutory right, the county's
-- own provider, the client's permission, a legal basis in the log), never by the worker's involvement alone:
-- a client asking who received their data is owed the basis of the disclosure.
-- chk_event_basis: every event of the partition once, whether it is in a finding (flagged) and its basis (NULL
-- when it is flagged, not judged or has none). The explanations (chk_explained below) and the partition's
-- explained share (sql/checks/_runner.sql `add_share`) both read it, so the share is counted in one pass over
-- the partition's events by the same CASE that chooses what is stored, never by a second copy of it.
CREATE OR REPLACE TEMP VIEW chk_event_basis AS
SELECT j.source_system, j.event_key, j.client_id, j.event_date, j.is_access,
    f.event_row IS NOT NULL AS flagged,
    CASE WHEN f.event_row IS NULL AND j.judged THEN
        CASE
            WHEN statutory AND (is_disclosure OR inv_rank IS NULL) THEN 'statutory_right'
            WHEN is_disclosure AND recipient_authorised THEN 'own_provider'
            WHEN is_disclosure AND permitted THEN 'disclosure_permission'
            WHEN is_disclosure AND legal_basis IS NOT NULL THEN 'logged_legal_basis'
            WHEN is_disclosure THEN NULL
            WHEN inv_rank = 1 THEN 'responsible_worker'
            WHEN inv_rank = 2 THEN 'work_pair'
            WHEN inv_rank = 3 THEN 'unit'
            WHEN inv_rank = 4 THEN 'referral'
            WHEN inv_rank = 5 THEN 'supervision_case'
            WHEN is_provider AND service_auth THEN 'provider_authorisation'
            WHEN is_provider AND tender_framework THEN 'framework_assessment'
            WHEN is_emergency AND followed_up THEN 'emergency_followed_up'
            WHEN perm_free THEN 'role_without_involvement'
        END
    END AS basis
FROM chk_ctx_rows j
LEFT JOIN chk_flagged_rows f ON f.event_row = j.event_row;

-- step: explained
-- The partition's explanations: the judged events in no finding that have a basis, each named by its ingest run and
-- record (sql/schema/015_explanations_by_record.sql).
CREATE OR REPLACE TEMP VIEW chk_explained AS
SELECT chk_key_run(event_key) AS run_id, chk_key_record(event_key) AS record_no, client_id, event_date, basis
FROM chk_event_basis WHERE basis IS NOT NULL;
