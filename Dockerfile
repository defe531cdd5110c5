# mgate's image: Debian 12 with mgate's package and what it recommends (the PostgreSQL 15 server
# that `mgate check` starts, git). Built by .github/workflows/release.yml after
# scripts/package.sh, from the repository root:
#   docker build -t mgate .
#   docker run --rm -v "$PWD:/src" -w /src mgate check db/migrations
FROM debian:12-slim
COPY dist/mgate_*_amd64.deb scripts/install-deb.sh /tmp/mgate/
# The install step that scripts/cleanroom-deb.sh proves in a fresh Debian 12 root; then git may
# read a mounted repository, which belongs to another user.
RUN sh /tmp/mgate/install-deb.sh /tmp/mgate/mgate_*_amd64.deb && rm -rf /tmp/mgate \
    && git config --system --add safe.directory '*'
ENTRYPOINT ["mgate"]
CMD ["--help"]
