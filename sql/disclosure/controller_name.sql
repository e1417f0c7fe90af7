-- title: the controller's name for the letter, when lokivahti.toml [letter] controller_name is not set
-- description: The home controller's organisation name from the reference data. Parameter: $organisation_id
--   (config [store] home_controller). No row when the organisation is not in the reference data.
SELECT any_value(name) AS name FROM ref_organisations WHERE organisation_id = $organisation_id
