-- title: the vocabularies the Python side reads back from the checks' own tables
-- description: Run after the step of sql/checks/_access_context.sql or sql/checks/explanations.sql that
--   builds the table, so the action vocabulary and the basis texts have one definition, in SQL.
-- step: action_covers
SELECT granted, action FROM chk_action_covers
-- step: basis_texts
SELECT basis, rank, text_fi, text_sv, text_en FROM chk_basis_texts ORDER BY rank
