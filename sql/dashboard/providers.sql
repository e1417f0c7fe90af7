-- title: private providers (the supervision unit's subjects)
-- used_by: app_pages/provider.py
SELECT organisation_id, name FROM ref_organisations WHERE kind = 'private_provider' ORDER BY name, organisation_id
