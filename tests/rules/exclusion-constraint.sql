SET lock_timeout = '2s';

-- expect: exclusion-constraint:1
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);

-- expect: exclusion-constraint:1
ALTER TABLE public.shifts ADD EXCLUDE USING gist (worker_id WITH =, period WITH &&);

-- Safe: other constraints.
ALTER TABLE bookings ADD CONSTRAINT bookings_room_check CHECK (room_id > 0) NOT VALID;

-- Safe: a table created in this migration.
CREATE TABLE reservations (room_id int, during tstzrange, EXCLUDE USING gist (room_id WITH =, during WITH &&));
ALTER TABLE reservations ADD CONSTRAINT reservations_no_overlap EXCLUDE USING gist (during WITH &&);
