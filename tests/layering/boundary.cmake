# The database and parser boundaries (docs/architecture.md): libpqxx is named only in src/pg, and
# libpg_query's node types (Node::as("...") and Node::is("...")) only in src/sql and rules/. Include roots cannot
# enforce this, since libpqxx's headers are on the system include path; this scan does.
set(failures "")
function(forbid pattern why)
  foreach(dir IN LISTS ARGN)
    file(GLOB_RECURSE files ${SOURCE_DIR}/${dir}/*.cpp ${SOURCE_DIR}/${dir}/*.hpp)
    foreach(file IN LISTS files)
      file(STRINGS ${file} lines REGEX "${pattern}")
      foreach(line IN LISTS lines)
        file(RELATIVE_PATH name ${SOURCE_DIR} ${file})
        string(APPEND failures "${name}: ${why}: ${line}\n")
      endforeach()
    endforeach()
  endforeach()
  set(failures "${failures}" PARENT_SCOPE)
endfunction()
forbid("pqxx" "libpqxx outside src/pg" gates src/core src/sql src/discover src/report src/cli
       src/vcs rules)
forbid("\\.(as|is)\\(\"" "a libpg_query node type outside src/sql and rules" gates src/pg src/core
       src/discover src/report src/cli)
if(failures)
  message(FATAL_ERROR "${failures}")
endif()
