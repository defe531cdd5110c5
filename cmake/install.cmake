# What `cmake --install` puts where, and the Debian package CPack makes of it (scripts/package.sh
# builds it, with the portable tarball: the same install tree with its shared libraries beside
# the binary). Paths are relative to the prefix: /usr in the package.
include(GNUInstallDirs)

set(MGATE_INSTALL_GENERATED ${CMAKE_BINARY_DIR}/generated/install)
add_custom_command(
  OUTPUT ${MGATE_INSTALL_GENERATED}/mgate.1.gz ${MGATE_INSTALL_GENERATED}/mgate.bash
         ${MGATE_INSTALL_GENERATED}/_mgate
  COMMAND ${CMAKE_COMMAND} -DMGATE=$<TARGET_FILE:mgate> -DOUTPUT_DIR=${MGATE_INSTALL_GENERATED}
          -DDOCS_URL=${MGATE_DOCS_URL} -P ${CMAKE_SOURCE_DIR}/cmake/man_page.cmake
  DEPENDS mgate ${CMAKE_SOURCE_DIR}/cmake/man_page.cmake
  COMMENT "Writing mgate's man page and shell completions from its --help")
add_custom_target(mgate_man_page ALL DEPENDS ${MGATE_INSTALL_GENERATED}/mgate.1.gz)

install(TARGETS mgate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${MGATE_INSTALL_GENERATED}/mgate.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${MGATE_INSTALL_GENERATED}/mgate.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME mgate)
install(FILES ${MGATE_INSTALL_GENERATED}/_mgate
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

set(MGATE_PACKAGE_CONTACT "mgate developers <mgate-dev@users.noreply.github.com>"
    CACHE STRING "The Debian package's Maintainer field")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mgate)
set(CPACK_PACKAGE_VENDOR mgate)
set(CPACK_PACKAGE_CONTACT "${MGATE_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "safety gate for PostgreSQL schema migrations")
# Below the summary line; CPack indents it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "mgate reads a repository's migrations, parses every statement with PostgreSQL's own
parser and reports the ones that would hurt production: blocking index builds,
constraints validated under exclusive locks, columns dropped while still read,
migrations edited after they were merged. `mgate check` also applies them, rolls
them back and traces their locks on a throwaway PostgreSQL server started from the
installed server binaries.")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://github.com/mgate-dev/mgate)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # mgate_<version>_<arch>.deb
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# Depends: the shared libraries the binary links, as dpkg-shlibdeps names their packages, and
# libpq, which it loads with dlopen (src/pg/libpq_on_demand.cpp) so dpkg-shlibdeps cannot see it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libpq5")
# `mgate lint` needs neither; `mgate check` starts the server (and runs pg_dump, which the server
# package brings) by default, and --since and the hook need git.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-15 | postgresql, git")
include(CPack)
