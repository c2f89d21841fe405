# Turns data/places/gbt2260.csv into a C++ source holding it as one string,
# so the binary carries the reference places (core/domain/places.h).
# Run as: cmake -DSRC=<csv> -DOUT=<file.cpp> -P embed_places.cmake
file(READ "${SRC}" body)
if(body MATCHES "\\)yzplaces\"")
  message(FATAL_ERROR "${SRC} contains the raw-string delimiter )yzplaces\"")
endif()
set(content "// Generated from data/places/gbt2260.csv by core/domain/embed_places.cmake. Do not edit.\n")
string(APPEND content "namespace yz::detail {\nextern const char* const kReferencePlacesCsv;\n")
string(APPEND content "const char* const kReferencePlacesCsv = R\"yzplaces(${body})yzplaces\";\n}  // namespace yz::detail\n")
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/write_if_changed.cmake")
yizhen_write_if_changed("${OUT}" "${content}")
