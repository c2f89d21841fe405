# Precompiled headers for every library and program of the project with three
# or more C++ sources: nlohmann/json (about a third of a typical file's compile
# time) and the standard headers nearly every file includes; CLI11 (2.1, header
# only, the single most expensive header) for the targets named in CLI11 whose
# every file parses arguments with it. Applied from one place, after every target is defined, so
# that no CMakeLists has to remember it; the headers stay included where they
# are used (the precompiled copy only makes that include cheap).
#   yizhen_precompile_headers(CLI11 target...)   at the end of the top-level CMakeLists.txt
# -DYIZHEN_PCH=OFF builds without them (e.g. to check that every file includes
# what it uses).
option(YIZHEN_PCH "Precompile the common headers" ON)

function(_yizhen_collect_targets dir out)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _yizhen_collect_targets("${sub}" sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

function(yizhen_precompile_headers)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "CLI11")
  if(NOT YIZHEN_PCH)
    return()
  endif()
  _yizhen_collect_targets("${PROJECT_SOURCE_DIR}" targets)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type STREQUAL "STATIC_LIBRARY" AND NOT type STREQUAL "EXECUTABLE")
      continue()
    endif()
    get_target_property(sources ${target} SOURCES)
    list(FILTER sources INCLUDE REGEX "\\.cpp$")
    list(LENGTH sources count)
    if(count LESS 3)
      continue()
    endif()
    set(headers <nlohmann/json.hpp> <string> <string_view> <vector> <map> <optional> <memory> <functional>)
    if(target IN_LIST arg_CLI11)
      list(APPEND headers <CLI/CLI.hpp>)
    endif()
    list(TRANSFORM headers PREPEND "$<$<COMPILE_LANGUAGE:CXX>:")
    list(TRANSFORM headers APPEND ">")
    target_precompile_headers(${target} PRIVATE ${headers})
  endforeach()
endfunction()
