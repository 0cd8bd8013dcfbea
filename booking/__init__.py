"""KIM Front Door booking service: the system of record for offices, hours, slots and bookings."""
