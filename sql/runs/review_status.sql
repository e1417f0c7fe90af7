-- title: the latest review status of each reviewed finding, from the work store (registered as `reviews`)
UPDATE findings SET status = r.status FROM reviews r WHERE findings.finding_id = r.finding_id;
