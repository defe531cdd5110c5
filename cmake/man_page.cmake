# Writes, from the built binary itself, what is installed beside it: OUTPUT_DIR/mgate.1.gz, a man
# page made of every command's --help text, and the bash and zsh completions of
# `mgate completion`. They list exactly the commands and options the binary has.

function(run_mgate out)
  execute_process(COMMAND ${MGATE} ${ARGN} RESULT_VARIABLE failed OUTPUT_VARIABLE text
                  ERROR_VARIABLE error)
  if(failed)
    message(FATAL_ERROR "mgate ${ARGN} failed: ${error}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The names listed under "Subcommands:" in a --help text.
function(subcommands_of out text)
  string(REGEX MATCH "\nSubcommands:\n(  [^\n]*\n)+" block "${text}")
  string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" names "${block}")
  list(TRANSFORM names REPLACE "^\n  " "")
  set(${out} ${names} PARENT_SCOPE)
endfunction()

# A --help text as a roff no-fill block: backslashes and minus signs escaped (an unescaped '-'
# prints as a hyphen that cannot be pasted back as an option), lines that roff would read as
# requests protected, and the footer that every command repeats left out.
function(roff_block out text)
  string(FIND "${text}" "\nExit codes:" footer)
  if(footer GREATER -1)
    string(SUBSTRING "${text}" 0 ${footer} text)
  endif()
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} ".nf\n${text}\n.fi\n" PARENT_SCOPE)
endfunction()

run_mgate(version_text version)
string(REGEX MATCH "^mgate ([^\n]*)" _ "${version_text}")
set(version "${CMAKE_MATCH_1}")

run_mgate(top --help)
set(page ".TH MGATE 1 \"\" \"mgate ${version}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\nmgate \\- a safety gate for PostgreSQL schema migrations\n")
string(APPEND page ".SH SYNOPSIS\n.B mgate\n.I command\n.RI [ options ]\n.RI [ path ...]\n")
string(APPEND page ".SH DESCRIPTION\n"
  "mgate reads a repository's migrations, parses every statement with PostgreSQL's own parser "
  "and reports the ones that would hurt production: the static gates (naming, history, lint) "
  "need no database; \\fBmgate check\\fR also applies the migrations on a throwaway PostgreSQL "
  "server started from the installed server binaries and removed afterwards.\n")
roff_block(block "${top}")
string(APPEND page ".PP\n")
string(APPEND page "${block}")
string(APPEND page ".SH COMMANDS\n")
subcommands_of(commands "${top}")
foreach(command ${commands})
  run_mgate(help ${command} --help)
  string(APPEND page ".SS mgate ${command}\n")
  roff_block(block "${help}")
  string(APPEND page "${block}")
  subcommands_of(subcommands "${help}")
  foreach(subcommand ${subcommands})
    run_mgate(help ${command} ${subcommand} --help)
    string(APPEND page ".SS mgate ${command} ${subcommand}\n")
    roff_block(block "${help}")
    string(APPEND page "${block}")
  endforeach()
endforeach()
string(APPEND page ".SH EXIT STATUS\n"
  ".TP\n0\nEvery gate passed.\n.TP\n1\nA gate failed: a finding at or above \\-\\-fail\\-on.\n"
  ".TP\n2\nUsage, configuration or input error.\n"
  ".TP\n3\nEnvironment error, e.g. PostgreSQL could not be started or reached.\n")
string(APPEND page ".SH FILES\n.TP\nmgate.toml\n"
  "The configuration, found by walking up from the working directory.\n")
string(APPEND page ".SH SEE ALSO\nThe documentation in /usr/share/doc/mgate (or share/doc/mgate "
  "of the portable tarball) and at ${DOCS_URL}.\n")

file(MAKE_DIRECTORY ${OUTPUT_DIR})
file(WRITE ${OUTPUT_DIR}/mgate.1 "${page}")
# gzip -n: no name or time stamp in the header, so an unchanged page gives the same bytes.
execute_process(COMMAND gzip -9nf ${OUTPUT_DIR}/mgate.1 RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "gzip ${OUTPUT_DIR}/mgate.1 failed")
endif()

run_mgate(bash completion bash)
file(WRITE ${OUTPUT_DIR}/mgate.bash "${bash}")
run_mgate(zsh completion zsh)
file(WRITE ${OUTPUT_DIR}/_mgate "${zsh}")
