-- migration: 6
-- title: events carry the legal basis of a disclosure and a description of the data used or disclosed
-- asiakastietolaki 703/2023 10 §: a disclosure log must hold the recipient, the data disclosed and the
-- basis of the disclosure (the statute, the client's permission or consent). `legal_basis` is free text as
-- the source writes it (e.g. "LsL 25 §", "consent", a FHIR purposeOfEvent or an ATNA PurposeOfUse code);
-- `data_description` says which data (a FHIR entity description, an ATNA ParticipantObjectDetail, a
-- mapping's column). Both are NULL when the source does not say; the rule catalogue flags a disclosure
-- without them.
ALTER TABLE events ADD COLUMN IF NOT EXISTS legal_basis VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS data_description VARCHAR;
