-- title: service producers the supervision unit supervises: private providers, and public producers that hold
--   an authorisation for a client (seed 000 §6: "niin yksityisesti kuin julkisesti tuotetuissa palveluissa")
-- used_by: app_pages/provider.py
SELECT organisation_id, any_value(name) AS name FROM ref_organisations
WHERE kind = 'private_provider'
   OR organisation_id IN (SELECT organisation_id FROM ref_provider_authorisations)
GROUP BY organisation_id
ORDER BY name, organisation_id
