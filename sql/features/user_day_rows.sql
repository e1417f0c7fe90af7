-- title: the user-days with their peer context, as the frame the model normalises (after 001 and 002)
SELECT u.*, p.peer_group, p.role, p.unit_id, p.organisation_id
FROM feature_user_day u
JOIN feature_peer_of_day p USING (staff_id, day);
