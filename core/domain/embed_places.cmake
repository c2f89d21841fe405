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
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${content}")
