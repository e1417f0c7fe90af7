-- title: what the decision on a request needs to know about the client (one row, or none if unknown)
-- description: Death, secret placement, a minor's recorded capacity. Parameter: $client_id.
SELECT client_id, any_value(birth_date) AS birth_date, any_value(deceased_on) AS deceased_on,
    bool_or(security_prohibition) AS security_prohibition, bool_or(placement_secret) AS placement_secret,
    max(placement_secret_until) AS placement_secret_until, any_value(minor_capacity) AS minor_capacity
FROM ref_clients WHERE client_id = $client_id GROUP BY client_id;
