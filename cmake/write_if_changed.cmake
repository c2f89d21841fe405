# For the code generators run with cmake -P (core/programs/embed.cmake,
# core/domain/embed_places.cmake): write `content` to `path` only when it
# differs from what is there, so an unchanged input rebuilds nothing.
function(yizhen_write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()
