-- title: explanations of legitimate accesses: the basis of every access event that is in no finding
-- description: Steps run by pipelines/checks/runner.py after the findings are stored. The first basis that
--   applies wins, in the order of docs/rules.md §Explanations. chk_basis_texts holds the plain-language text
--   of each basis in Finnish, Swedish and English; request answers and the dashboard read it from here.

-- step: basis_texts
CREATE OR REPLACE TEMP TABLE chk_basis_texts (basis VARCHAR, rank INTEGER, text_fi VARCHAR, text_sv VARCHAR, text_en VARCHAR);
INSERT INTO chk_basis_texts VALUES
    ('responsible_worker', 1, 'Asiakkaan vastuutyöntekijä', 'Klientens ansvariga arbetstagare', 'The client''s responsible worker'),
    ('work_pair', 2, 'Vastuutyöntekijän työpari', 'Den ansvariga arbetstagarens arbetspar', 'Work pair of the responsible worker'),
    ('unit', 3, 'Asiakkaan asiaa käsittelevä yksikkö', 'Enheten som handlägger klientens ärende', 'The unit handling the client''s matter'),
    ('referral', 4, 'Lähete sijoitus- tai palveluohjausyksikköön', 'Remiss till placerings- eller servicehandledningsenheten', 'Referral to the placement or service-guidance unit'),
    ('supervision_case', 5, 'Avoin valvonta-asia asiakasta palvelevasta palveluntuottajasta', 'Öppet tillsynsärende om tjänsteproducenten', 'Open supervision case about the provider serving the client'),
    ('provider_authorisation', 6, 'Palveluntuottaja on erikseen luvitettu asiakkaan palveluun', 'Tjänsteproducenten är särskilt auktoriserad för klientens tjänst', 'The provider is separately authorised for the client''s service'),
    ('statutory_right', 7, 'Lakisääteinen tiedonsaantioikeus', 'Lagstadgad rätt att få uppgifter', 'Statutory right to information'),
    ('own_provider', 8, 'Luovutus hyvinvointialueen omalle ostopalvelun tuottajalle', 'Utlämnande till välfärdsområdets egen köptjänstproducent', 'Disclosure to the county''s own purchased-service provider'),
    ('disclosure_permission', 9, 'Asiakkaan luovutuslupa', 'Klientens utlämnandetillstånd', 'The client''s disclosure permission'),
    ('emergency_followed_up', 10, 'Hätäkäyttö, jota seurasi asiakkuus', 'Nödåtkomst som följdes av klientrelation', 'Emergency access followed by involvement'),
    ('role_without_involvement', 11, 'Tehtävä, jonka käyttöoikeus ei edellytä asiakkuutta', 'Uppgift vars behörighet inte kräver klientrelation', 'A task whose access right does not require involvement');

-- step: explain
INSERT INTO explanations
SELECT source_system, source_event_id, client_id, event_date, basis
FROM (
    SELECT j.*,
        CASE
            WHEN inv_rank = 1 THEN 'responsible_worker'
            WHEN inv_rank = 2 THEN 'work_pair'
            WHEN inv_rank = 3 THEN 'unit'
            WHEN inv_rank = 4 THEN 'referral'
            WHEN inv_rank = 5 THEN 'supervision_case'
            WHEN is_provider AND service_auth THEN 'provider_authorisation'
            WHEN action = 'disclose' AND purpose = 'statutory_right' THEN 'statutory_right'
            WHEN action = 'disclose' AND recipient_authorised THEN 'own_provider'
            WHEN action = 'disclose' AND permitted THEN 'disclosure_permission'
            WHEN is_emergency AND followed_up THEN 'emergency_followed_up'
            WHEN perm_free THEN 'role_without_involvement'
        END AS basis
    FROM chk_judged j
    ANTI JOIN finding_events f ON f.source_system = j.source_system AND f.source_event_id = j.source_event_id
) WHERE basis IS NOT NULL;
