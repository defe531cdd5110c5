# Builds the probe TARGET in BUILD_DIR, a file that includes HEADER (tests/layering/probe.cpp).
# EXPECT=compiles: the build succeeds. EXPECT=refused: it fails because HEADER is not found, and
# for no other reason, so that a probe broken some other way cannot pass; and HEADER exists in its
# layer's include root, so that a misspelt header cannot pass either.
string(REGEX REPLACE "/.*" "" header_layer "${HEADER}")
if(NOT EXISTS ${BUILD_DIR}/layers/${header_layer}/${HEADER})
  message(FATAL_ERROR "${HEADER} is not a header of the layer ${header_layer}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE failed OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(EXPECT STREQUAL "compiles")
  if(failed)
    message(FATAL_ERROR "including ${HEADER} should compile, but the build failed:\n${output}")
  endif()
elseif(EXPECT STREQUAL "refused")
  if(NOT failed)
    message(FATAL_ERROR "including ${HEADER} should fail to compile, but it compiled")
  endif()
  # GCC's and clang's words for a header that no include directory holds.
  string(FIND "${output}" "${HEADER}: No such file or directory" gcc)
  string(FIND "${output}" "'${HEADER}' file not found" clang)
  if(gcc EQUAL -1 AND clang EQUAL -1)
    message(FATAL_ERROR "the build failed, but not because ${HEADER} was not found:\n${output}")
  endif()
else()
  message(FATAL_ERROR "EXPECT must be compiles or refused, not '${EXPECT}'")
endif()
