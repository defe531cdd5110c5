-- expect: copy-server-file:1
COPY countries FROM '/var/lib/postgresql/countries.csv' WITH (FORMAT csv, HEADER);

-- expect: copy-server-file:1
COPY (SELECT * FROM users) TO '/tmp/users.csv';

-- Safe: data through the client connection; PROGRAM is copy-program's finding.
COPY countries FROM STDIN WITH (FORMAT csv);
COPY users TO STDOUT;
COPY users TO PROGRAM 'cat';
