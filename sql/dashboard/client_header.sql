-- title: the client a timeline is about: name, birth date and the protection flags a reader must heed
-- used_by: app_pages/client_timeline.py (shown to the roles that may open the client timeline)
SELECT client_id, full_name, birth_date, deceased_on, security_prohibition, placement_secret,
       placement_secret_until, minor_capacity
FROM ref_clients WHERE client_id = $client_id
