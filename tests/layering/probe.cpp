// A file of one layer that includes one header, MGATE_PROBE_HEADER: tests/layering/probe.cmake
// builds it with the include directories of that layer and checks that it compiles exactly when
// the layers allow the include (tests/CMakeLists.txt lists the probes).
#include MGATE_PROBE_HEADER

int mgate_layering_probe() {
  return 0;
}
