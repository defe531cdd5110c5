-- expect: copy-program:1
COPY users FROM PROGRAM 'curl -s https://example.com/users.csv' WITH (FORMAT csv);

-- expect: copy-program:1
COPY (SELECT * FROM users) TO PROGRAM 'gzip > /tmp/users.csv.gz';

-- Safe: data through the client connection.
COPY users FROM STDIN WITH (FORMAT csv);
COPY users TO STDOUT;
